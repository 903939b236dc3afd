# Moiety: `make demo` serves the demo hub, `make test` runs every test. Both set everything up.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
LAB := extensions/lab
LABEXT := extensions/moiety/labextension
LAB_SOURCES := $(shell find $(LAB)/src $(LAB)/style $(LAB)/schema -type f 2>/dev/null) $(LAB)/package.json $(LAB)/tsconfig.json
INSTALLED := $(VENV)/.moiety-installed
PYTEST_ARGS ?=

.PHONY: setup demo test test-fast lint format bench system-deps clean

setup: $(INSTALLED) node_modules/.package-lock.json

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

$(LAB)/node_modules/.package-lock.json: $(LAB)/package.json $(LAB)/package-lock.json
	# npm install, not npm ci: the lock file lacks the optional rspack bindings of other
	# platforms, which this registry does not serve (npm ci would refuse it as out of sync).
	cd $(LAB) && npm install --no-audit --no-fund --loglevel=error

$(LABEXT)/package.json: $(LAB)/node_modules/.package-lock.json $(LAB_SOURCES)
	cd $(LAB) && npm run build:prod
	touch $@

$(INSTALLED): $(BIN)/python pyproject.toml $(LABEXT)/package.json
	$(BIN)/pip install -q -e '.[test,dev]'
	# rfc3987-syntax (pulled in by jupyter-events) builds a parser at import: 3 s added to every
	# Jupyter server, kernel-free or not, and to the service. jsonschema treats it as optional.
	$(BIN)/pip uninstall -q -y rfc3987-syntax
	rm -rf $(VENV)/share/jupyter/labextensions/moiety
	mkdir -p $(VENV)/share/jupyter/labextensions
	ln -s $(abspath $(LABEXT)) $(VENV)/share/jupyter/labextensions/moiety
	touch $@

demo: setup
	$(BIN)/moiety demo

system-deps:
	tools/ensure-system-deps.sh

test: setup system-deps
	$(BIN)/python -m pytest $(PYTEST_ARGS)
	cd $(LAB) && npm test --silent

test-fast: setup
	$(BIN)/python -m pytest tests/unit $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	cd $(LAB) && npm run lint:check

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	cd $(LAB) && npm run lint

bench: setup system-deps
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b $(BENCH_ARGS) || exit 1; done

clean:
	rm -rf $(VENV) node_modules $(LAB)/node_modules $(LABEXT) $(LAB)/lib
