# Cordon — two commands on a fresh machine (Python 3.11 + make):
#   make run    set up, migrate, load the demo, serve on http://127.0.0.1:8000 (SQLite)
#   make test   set up and run every check (ruff, import boundaries, mypy, pytest on SQLite
#               and PostgreSQL)

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: run test install lint typecheck test-sqlite test-postgres docs messages clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

# The demo: Vietnam's real 2020 wave, then a live outbreak in Hanoi dated from today under
# the city's own regime, written to (and served from) var/demo-city/regimes.toml.
DEMO_REGIMES ?= var/demo-city/regimes.toml

run: install
	$(BIN)/cordon db upgrade
	$(BIN)/cordon demo vietnam-2020
	CORDON_REGIME_FILE=$(DEMO_REGIMES) $(BIN)/cordon demo live-outbreak
	$(BIN)/cordon demo network
	CORDON_REGIME_FILE=$(DEMO_REGIMES) $(BIN)/cordon serve

test: install lint typecheck test-sqlite test-postgres

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy

test-sqlite: install
	CORDON_TEST_DB=sqlite $(BIN)/pytest

test-postgres: install
	CORDON_TEST_DB=postgresql $(BIN)/pytest

docs: install
	$(BIN)/python -m cordon.docs

# Refresh the web app's Vietnamese catalogue from the code and templates (then translate the
# new entries; tests/web/test_languages.py fails while one is missing).
messages: install
	$(BIN)/python tools/messages.py

clean:
	rm -rf $(VENV) var/*.db var/*.db-*
