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

.PHONY: help install run test lint audit format bench soak events-bench reports-bench demo clean deploy-test

help:
	@echo "make run    serve the platform with the demo network at http://$(HOST):$(PORT)"
	@echo "make test   run the test suite (SQLite; set LC_DATABASE_URL for PostgreSQL)"
	@echo "make lint   ruff, migrations, import layers, dead code, complexity, translations, dependency audit (AUDIT=0 skips the audit)"
	@echo "make bench  benchmark public pages and API on a 10,000-city synthetic network, then a 1,000-submission call"
	@echo "make deploy-test  the one-machine deployment of docs/deploy.md, installed and run as root (PostgreSQL, Redis)"
	@echo "make soak   5-minute mixed load on PostgreSQL and Redis: browsing, 100 cities saving drafts, jurors scoring (SOAK_ARGS=...)"
	@echo "make events-bench  an event on PostgreSQL and Redis: 1,200 registrations in 60 s, 4 desks checking in, the schedule (EVENTS_BENCH_ARGS=...)"
	@echo "make reports-bench progress reports at 10,000 cities x 5 cycles: rates and progress pages, the synthesis PDF (REPORTS_BENCH_ARGS=...)"

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
	LC_STATIC_COLLECTED=1 $(LC) collectstatic --no-input --verbosity 0
	$(LC) load-demo
	$(LC) create-demo-accounts
	$(LC) load-demo-calls
	$(LC) snapshot-open-data --if-none
	LC_STATIC_COLLECTED=1 $(LC) serve --host $(HOST) --port $(PORT)

test: install
	$(VENV)/bin/pytest -n auto $(PYTEST_ARGS)

# The import layers (pyproject.toml, [tool.importlinter]) and the dead-code check
# (scripts/dead_code.py) are explained in docs/architecture.md.
lint: install
	$(VENV)/bin/ruff check src tests bench scripts
	$(VENV)/bin/ruff format --check src tests bench scripts
	$(LC) makemigrations --check --dry-run
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/python scripts/dead_code.py
	$(VENV)/bin/python scripts/complexity.py
	$(VENV)/bin/python scripts/check_translations.py
ifneq ($(AUDIT),0)
	@$(MAKE) --no-print-directory audit
endif

# Known vulnerabilities in every version uv.lock pins (all groups): pip-audit with
# PyPI's vulnerability data (scripts/audit_dependencies.py says how it copes with a
# network that blocks some of it). AUDIT_ARGS=--strict also fails on a pin that
# could not be audited.
audit: install
	$(VENV)/bin/python scripts/audit_dependencies.py --uv $(UV) $(AUDIT_ARGS)

format: install
	$(VENV)/bin/ruff format src tests bench scripts
	$(VENV)/bin/ruff check --fix src tests bench scripts

bench: install
	$(VENV)/bin/python bench/run.py
	$(VENV)/bin/python bench/calls.py
	$(VENV)/bin/python bench/reviews.py

# Needs PostgreSQL and Redis on loopback (see bench/soak.py --help); not part of make test.
soak: install
	$(VENV)/bin/python bench/soak.py $(SOAK_ARGS)

# Needs PostgreSQL and Redis on loopback (see bench/events.py --help); not part of make test.
events-bench: install
	$(VENV)/bin/python bench/events.py $(EVENTS_BENCH_ARGS)

# Progress reports at 10,000 cities x 5 cycles (bench/reports.py --help; REPORTS_BENCH_ARGS
# such as --database-url for PostgreSQL); not part of make test.
reports-bench: install
	$(VENV)/bin/python bench/reports.py $(REPORTS_BENCH_ARGS)

# The one-machine deployment of docs/deploy.md, from the guide's own scripts and
# units, in a scratch folder (tests/deploy/guide.sh says what it checks). Needs
# root, PostgreSQL and Redis on loopback; not part of make test.
deploy-test: install
	UV=$(abspath $(UV)) tests/deploy/guide.sh

clean:
	rm -rf $(VENV) $(TOOLS) node_modules staticfiles
