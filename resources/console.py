"""A concise console logger for runs: time, step and message, at INFO by default.

Dagster's default console logger prints the job name and run id on every line; a person reading
`exec-reporting run` wants to see which step is working on what. The full event log is kept by
the instance either way.
"""

import logging
import sys

import dagster as dg


class _OncePerRun(logging.Filter):
    """Drops Dagster's "Dependencies for step X failed ... Not executing." lines, one per step
    downstream of a failure (dozens, some repeating a step name 36 times): `exec-reporting`
    names the steps that did not run once, in its summary."""

    def filter(self, record: logging.LogRecord) -> bool:
        meta = getattr(record, "dagster_meta", None) or {}
        message = meta.get("orig_message") or record.getMessage()
        return not (message.startswith("Dependencies for step") and "Not executing" in message)


class _StepFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        meta = getattr(record, "dagster_meta", None) or {}
        step = meta.get("step_key") or "run"
        message = meta.get("orig_message") or record.getMessage()
        stamp = self.formatTime(record, "%H:%M:%S")
        return f"{stamp} {record.levelname:<7} {step:<28} {message}"


@dg.logger(
    {"log_level": dg.Field(str, is_required=False, default_value="INFO")},
    description="Time, step and message on stderr.",
)
def concise_console(init_context) -> logging.Logger:
    level = init_context.logger_config["log_level"]
    logger = logging.getLogger("exec_reporting.run")
    logger.setLevel(level)
    logger.propagate = False
    # a new handler for each run, on the stderr of the moment (a second run in the same process
    # may have another: a test's captured stream, say)
    for old in list(logger.handlers):
        logger.removeHandler(old)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_StepFormatter())
    handler.setLevel(level)
    if level != "DEBUG":
        handler.addFilter(_OncePerRun())
    logger.addHandler(handler)
    return logger
