# The two commands a newcomer needs: `make run` and `make test`. Both install what they need.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py

.PHONY: run test lint format typecheck install lock migrate seed worker clean help

help:
	@echo "make run    start the portal with demo data on http://127.0.0.1:8000"
	@echo "make test   lint and run the whole test suite"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall whenever the declared or pinned dependencies change.
$(STAMP): $(BIN)/python pyproject.toml requirements/constraints.txt
	$(BIN)/python -m pip install --quiet -c requirements/constraints.txt --upgrade pip setuptools
	$(BIN)/python -m pip install --quiet -c requirements/constraints.txt -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

var:
	@mkdir -p var

migrate: install var
	$(MANAGE) migrate --noinput

seed: migrate
	$(MANAGE) seed_demo

run: seed
	@echo "Serving on http://127.0.0.1:8000 (Ctrl+C to stop)"
	$(MANAGE) runserver 127.0.0.1:8000

test: install var
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest $(PYTEST_ARGS)

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: install
	$(BIN)/mypy lepportal accounts strategies consultations

worker: install
	$(BIN)/celery -A lepportal worker --loglevel=info

# Re-resolve every pin from pyproject.toml's ranges.
lock:
	rm -rf /tmp/lepportal-lock && $(PYTHON) -m venv /tmp/lepportal-lock
	/tmp/lepportal-lock/bin/pip install --quiet --upgrade pip setuptools
	/tmp/lepportal-lock/bin/pip install --quiet -e ".[dev]"
	{ echo "# Exact versions of every Python package the portal and its tests use."; \
	  echo "# Regenerate with: make lock"; \
	  /tmp/lepportal-lock/bin/pip freeze --all --exclude-editable; } > requirements/constraints.txt

clean:
	rm -rf $(VENV) var/*.sqlite3 staticfiles .pytest_cache .ruff_cache .mypy_cache
