# The two commands of the quick start are `make demo` and `make test`; both create or reuse
# .venv/ in the repo root and install the project into it first.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# Reinstall whenever the project's requirements change.
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt 2>/dev/null | sha256sum | cut -c1-12)

# The tests run over both cores (pytest-xdist, one module per worker at a time), their temporary
# folders in memory where the machine has /dev/shm: SQLite and DuckDB files there skip the disk.
# The 25 slowest tests are listed at the end of every run (docs/testing.md keeps the figures).
TEST_TMP := $(shell test -d /dev/shm -a -w /dev/shm && echo /dev/shm || echo /tmp)
PYTEST := TMPDIR=$(TEST_TMP) $(BIN)/python -m pytest -n 2 --dist loadfile --durations=25

.PHONY: install demo test check ui lint chromium bench clean-state

install: $(STAMP)

$(STAMP):
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "exec-reporting needs Python 3.11 or newer, found " + sys.version.split()[0]'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

## Generate the demo portfolio (if missing) and run the whole pipeline for its latest month.
demo: install
	$(BIN)/exec-reporting demo

## Install, then run the whole test suite (what CI runs).
test: install chromium
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(PYTEST)

## The fast tier: every test but the slow tier (marker `process`: commands in processes of their
## own, the webserver, browsers, whole packs on a persistent instance).
check: install
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(PYTEST) -m "not process"

## The Dagster UI on the same instance as `make demo` (http://127.0.0.1:3000).
ui: install
	$(BIN)/exec-reporting ui

## ruff, then the type checker over exec_reporting/ (configured in pyproject.toml).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

## Headless Chromium for the browser tests (Debian's package; needs root or sudo).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

bench: install
	$(BIN)/python bench/run.py

clean-state:
	rm -rf state
