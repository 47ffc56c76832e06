# One entry point: make run, make test, make lint, make bench.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON := $(shell LC_PYTHON="$(LC_PYTHON)" scripts/find-python)
ifeq ($(PYTHON),)
$(error No Python 3.12 or newer found; see the message above)
endif

TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
LC := $(VENV)/bin/learningcities
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := $(PYTHON)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help install run test lint format bench demo clean

help:
	@echo "make run    serve the platform with the demo network at http://$(HOST):$(PORT)"
	@echo "make test   run the test suite (SQLite; set LC_DATABASE_URL for PostgreSQL)"
	@echo "make lint   ruff check and format check"
	@echo "make bench  benchmark public pages and API on a 10,000-city synthetic network, then a 1,000-submission call"

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --locked --quiet
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: $(VENV)/.synced node_modules/.installed
	@$(VENV)/bin/python scripts/compile_messages.py

run: install
	$(LC) migrate --no-input
	$(LC) collectstatic --no-input --verbosity 0
	$(LC) load-demo
	$(LC) create-demo-accounts
	$(LC) serve --host $(HOST) --port $(PORT)

test: install
	$(VENV)/bin/pytest -n auto $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(LC) makemigrations --check --dry-run

format: install
	$(VENV)/bin/ruff format src tests bench
	$(VENV)/bin/ruff check --fix src tests bench

bench: install
	$(VENV)/bin/python bench/run.py
	$(VENV)/bin/python bench/calls.py
	$(VENV)/bin/python bench/reviews.py

clean:
	rm -rf $(VENV) $(TOOLS) node_modules staticfiles
