"""reporting.yaml: found where the README says, paths relative to the file, errors that say where."""

from pathlib import Path

import pytest
import yaml

from exec_reporting.config import ConfigError, load_config

GOOD = {
    "organization": "Demo Holdings",
    "timezone": "America/Los_Angeles",
    "currency": "USD",
    "data_dir": "data/demo",
    "warehouse": "state/warehouse.duckdb",
    "first_month": "2024-11",
    "entities": [
        {
            "id": "queen_of_san_diego",
            "name": "Queen of San Diego",
            "kind": "charter",
            "opening_cash": 25000.00,
            "kpis": [
                {"metric": "revenue", "target": 40000, "better": "higher"},
                {"metric": "runway_months", "target": 6, "better": "higher"},
                {"metric": "gross_burn", "target": 30000, "better": "lower"},
            ],
        }
    ],
    "personas": {"cfo": {"to": ["cfo@example.com"]}},
    "delivery": {
        "transport": "outbox",
        "sender": "reports@example.com",
        "bcc": ["archive@example.com"],
        "outbox_dir": "state/outbox",
    },
}


def write(tmp_path: Path, data, name="reporting.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data) if not isinstance(data, str) else data)
    return path


def with_change(path: str, value):
    data = yaml.safe_load(yaml.safe_dump(GOOD))
    *parents, last = path.split(".")
    node = data
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    if value is KeyError:
        del node[last]
    else:
        node[int(last) if last.isdigit() else last] = value
    return data


def test_the_issue_example_loads_with_paths_relative_to_the_file(tmp_path, monkeypatch):
    (tmp_path / "conf").mkdir()
    path = write(tmp_path / "conf", GOOD)
    monkeypatch.chdir("/")
    config = load_config(path)
    assert config.organization == "Demo Holdings"
    assert config.data_path == (path.parent / "data/demo").resolve()
    assert config.warehouse_path == (path.parent / "state/warehouse.duckdb").resolve()
    assert config.outbox_path == (path.parent / "state/outbox").resolve()
    assert config.reports_path == (path.parent / "state/reports").resolve()  # the default
    assert str(config.entities[0].opening_cash) == "25000.0"
    assert config.recipients("cfo") == ["cfo@example.com"]
    assert config.recipients("cto") == []


def test_first_month_defaults_to_2020_01(tmp_path):
    config = load_config(write(tmp_path, with_change("first_month", KeyError)))
    assert config.first_month == "2020-01"


def test_found_through_the_environment_then_the_working_directory(tmp_path, monkeypatch):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env_path = write(elsewhere, with_change("organization", "From Env"))
    write(tmp_path, GOOD)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("EXEC_REPORTING_CONFIG", raising=False)
    assert load_config().organization == "Demo Holdings"
    monkeypatch.setenv("EXEC_REPORTING_CONFIG", str(env_path))
    assert load_config().organization == "From Env"


def test_dagster_home_lives_beside_the_warehouse_unless_set(tmp_path, monkeypatch):
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    config = load_config(write(tmp_path, GOOD))
    assert config.dagster_home == config.warehouse_path.parent / "dagster"
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "elsewhere"))
    assert config.dagster_home == tmp_path / "elsewhere"


@pytest.mark.parametrize(
    ("change", "value", "expected"),
    [
        ("entities.0.kind", "yacht", ["entities[0].kind", "expected", "'charter'", "'yacht'"]),
        ("entities.0.id", "Queen Of SD", ["entities[0].id", "'Queen Of SD'"]),
        ("entities.0.kpis.1.metric", "runway", ["entities[0].kpis[1].metric", "'runway'"]),
        ("entities.0.kpis.2.better", "smaller", ["entities[0].kpis[2].better", "'lower'"]),
        ("entities.0.opening_cash", "lots", ["entities[0].opening_cash"]),
        ("first_month", "2024-13", ["first_month", "'2024-13'"]),
        ("timezone", "Mars/Olympus", ["timezone", "unknown time zone"]),
        ("currency", "dollars", ["currency"]),
        ("delivery.sender", "not-an-address", ["delivery.sender"]),
        ("personas.cfo", {"to": []}, ["personas.cfo.to"]),
        ("organization", KeyError, ["organization: required key is missing"]),
        ("delivery.outbx_dir", "x", ["delivery.outbx_dir: unknown key"]),
    ],
)
def test_an_error_names_the_key_path_and_what_was_expected(tmp_path, change, value, expected):
    path = write(tmp_path, with_change(change, value))
    with pytest.raises(ConfigError) as error:
        load_config(path)
    message = str(error.value)
    assert str(path) in message
    for fragment in expected:
        assert fragment in message


def test_unknown_persona_and_duplicate_entities_are_errors(tmp_path):
    data = with_change("personas.cfoo", {"to": ["x@example.com"]})
    with pytest.raises(ConfigError, match=r"personas\.cfoo"):
        load_config(write(tmp_path, data))
    data = with_change("entities", GOOD["entities"] * 2)
    with pytest.raises(ConfigError, match="queen_of_san_diego.*twice"):
        load_config(write(tmp_path, data))


def test_missing_file_and_broken_yaml_say_where(tmp_path, monkeypatch):
    monkeypatch.delenv("EXEC_REPORTING_CONFIG", raising=False)
    with pytest.raises(ConfigError, match="configuration file not found"):
        load_config(tmp_path / "nope.yaml")
    path = write(tmp_path, "organization: [unclosed\n")
    with pytest.raises(ConfigError, match=r"line \d+, column \d+"):
        load_config(path)


# A reporting.yaml with nested mappings and lists, to repeat keys in.
NESTED = """\
organization: Demo Holdings
data_dir: data/demo
first_month: 2024-11
entities:
  - id: queen_of_san_diego
    name: Queen of San Diego
    kind: charter
    opening_cash: 25000.00
    kpis:
      - metric: revenue
        target: 40000
delivery:
  sender: reports@example.com
  bcc: [archive@example.com]
"""


def insert_after(text: str, line_number: int, line: str) -> str:
    lines = text.splitlines(keepends=True)
    return "".join(lines[:line_number] + [line + "\n"] + lines[line_number:])


@pytest.mark.parametrize(
    ("text", "key", "first", "second"),
    [
        pytest.param(NESTED + "organization: Other Holdings\n", "organization", 1, 15, id="top"),
        pytest.param(
            insert_after(NESTED, 8, "    opening_cash: 30000.00"), "opening_cash", 8, 9, id="entity"
        ),
        pytest.param(
            insert_after(NESTED, 11, "        target: 50000"), "target", 11, 12, id="list item"
        ),
        pytest.param(
            NESTED + "  sender: other@example.com\n", "sender", 13, 15, id="nested mapping"
        ),
        pytest.param(
            NESTED.replace(
                "      - metric: revenue\n        target: 40000\n",
                "      - {metric: revenue, target: 40000, metric: cogs}\n",
            ),
            "metric",
            10,
            10,
            id="flow mapping",
        ),
    ],
)
def test_a_key_repeated_in_one_mapping_is_refused_naming_it_and_both_lines(
    tmp_path, text, key, first, second
):
    assert load_config(write(tmp_path, NESTED)).entities[0].opening_cash == 25000
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert str(error.value) == (
        f"{path}: line {second}: key {key!r} appears twice in the same mapping (lines {first} "
        f"and {second}); YAML would keep only the last value: remove one of them"
    )


def test_the_same_key_in_different_mappings_and_a_merge_override_are_not_repeats(tmp_path):
    text = NESTED.replace(
        "      - metric: revenue\n        target: 40000\n",
        "      - &revenue {metric: revenue, target: 40000}\n"
        "      - <<: *revenue\n"
        "        target: 50000\n",
    )
    config = load_config(write(tmp_path, text))
    assert [(k.metric, k.target) for k in config.entities[0].kpis] == [
        ("revenue", 40000),
        ("revenue", 50000),
    ]


def test_future_days_defaults_to_3_and_is_bounded(tmp_path):
    assert load_config(write(tmp_path, GOOD)).quality.future_days == 3
    with pytest.raises(ConfigError, match=r"quality\.future_days"):
        load_config(write(tmp_path, {**GOOD, "quality": {"future_days": -1}}))


def test_the_sensors_interval_defaults_to_30_seconds_is_bounded_and_paces_both_sensors(tmp_path):
    from exec_reporting.definitions import build_definitions

    assert load_config(write(tmp_path, GOOD)).sensors.interval_seconds == 30
    with pytest.raises(ConfigError, match=r"sensors\.interval_seconds"):
        load_config(write(tmp_path, {**GOOD, "sensors": {"interval_seconds": 0}}))
    config = load_config(write(tmp_path, {**GOOD, "sensors": {"interval_seconds": 5}}))
    defs = build_definitions(config)
    for name in ("watch_data_dir", "alert_on_run_failure"):
        assert defs.get_sensor_def(name).minimum_interval_seconds == 5, name
    assert defs.get_sensor_def("rerender_stale_reports").minimum_interval_seconds == 60
