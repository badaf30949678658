# foorumi: the two commands of the quick start, and the chores around them.
#
#   make run    install into .venv, migrate, seed demo data, serve http://127.0.0.1:8000/
#   make test   install with the dev extras, lint, and run the whole test suite
#
# Needs only Python 3.11+ (and, for `make test`, npm and Debian's chromium; .ci/run installs chromium).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
AXE_VERSION := 4.14.1
LOCALES := fi sv en
TRANSLATIONS := shared/translations
CATALOGS := $(foreach l,$(LOCALES),$(TRANSLATIONS)/$(l)/LC_MESSAGES/messages.mo)

.PHONY: run test lint bench translations catalogs clean

## run: install, migrate, seed the demo data and serve the whole suite on http://127.0.0.1:8000/
run: $(VENV)/.installed catalogs
	$(BIN)/foorumi migrate
	$(BIN)/foorumi demo
	$(BIN)/foorumi serve

## test: install with the dev extras, lint, and run every test (no test collected is a failure);
##       PYTEST_ARGS="tests/registration -x" narrows the run
test: $(VENV)/.installed-dev node_modules/axe-core/axe.min.js catalogs
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/pytest $(PYTEST_ARGS)

## lint: ruff and the import contracts of pyproject.toml
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/lint-imports

## bench: the load benchmarks (bench/run)
bench: $(VENV)/.installed-dev
	@if [ -x bench/run ]; then PATH="$(CURDIR)/$(BIN):$$PATH" bench/run; \
	else echo "make bench: there is no bench/run yet; the benchmarks are not written" >&2; exit 1; fi

## translations: extract the marked strings and update the fi, sv and en catalogs
translations: $(VENV)/.installed
	$(BIN)/python -m foorumi.catalogs update
	$(BIN)/python -m foorumi.catalogs compile

## catalogs: compile the .po catalogs into the .mo files Flask-Babel reads
catalogs: $(CATALOGS)

$(TRANSLATIONS)/%/LC_MESSAGES/messages.mo: $(TRANSLATIONS)/%/LC_MESSAGES/messages.po | $(VENV)/.installed
	$(BIN)/python -m foorumi.catalogs compile $*

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when pyproject.toml is newer than the stamp.
$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

node_modules/axe-core/axe.min.js:
	npm install --no-save --no-audit --no-fund --prefix "$(CURDIR)" axe-core@$(AXE_VERSION)

## clean: remove the venv, caches and the embedded instance's data (asks nothing: it is all rebuildable)
clean:
	rm -rf $(VENV) node_modules instance .pytest_cache .ruff_cache .hypothesis *.egg-info build
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
