# Oversight — `make run` serves the demo; `make test` runs the whole suite.
SHELL := /bin/bash
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum requirements.txt | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test venv lint typecheck format migrate seed vendor bench clean

venv: $(STAMP)

$(STAMP): requirements.txt
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

.demo-password:
	@$(PY) -c "import secrets; print(secrets.token_urlsafe(12))" > .demo-password

migrate: venv
	$(BIN)/python manage.py migrate --noinput

seed: migrate .demo-password
	DEMO_PASSWORD="$${DEMO_PASSWORD:-$$(cat .demo-password)}" $(BIN)/python manage.py seed_demo

run: seed
	DEBUG=false $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@echo ""
	@echo "Oversight is starting on http://$(HOST):$(PORT)/"
	@echo "Demo password for every login above: $${DEMO_PASSWORD:-$$(cat .demo-password)}"
	@echo ""
	@# DEBUG off: the real 400/403/404/500 pages, never the debug page; whitenoise serves the collected static files.
	DEBUG=false ALLOWED_HOSTS="$${ALLOWED_HOSTS:-$(HOST),127.0.0.1,localhost}" $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: venv
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: venv
	$(BIN)/mypy

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Refresh the vendored front-end packages from npm (needs network; the app itself does not).
vendor:
	npm install --no-save --silent
	bash scripts/vendor_static.sh

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
