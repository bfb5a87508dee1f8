# PTĐV — two commands: `make run` serves the demo province, `make test` runs the whole suite.
# Both set everything up on a fresh machine: system packages, .venv, npm packages, migrations.

SHELL := /bin/bash
# The distribution's interpreter first: Debian builds it with profile-guided and link-time
# optimisation, as production runs it (README, "Deployment"); a default pyenv build has
# neither and took 20–30% more CPU per page, measured in the process (issue 15). Any python3.11
# on PATH otherwise.
PYTHON ?= $(firstword $(wildcard /usr/bin/python3.11) python3.11)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
SEED ?= 1
SCALE ?= national
SYSTEM_PACKAGES := python3.11-venv postgresql-client chromium fonts-liberation2 libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils
export PTDV_VAR_DIR ?= $(CURDIR)/var

.PHONY: run dev deploy-check test setup system-deps lint typecheck bench clean

$(BIN)/ptdv: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[dev]"
	@touch $(BIN)/ptdv

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch node_modules/.package-lock.json

system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

setup: system-deps $(BIN)/ptdv node_modules/.package-lock.json
	@mkdir -p var/static

# The collected static files (hashed and compressed once; again only when a source changes).
$(PTDV_VAR_DIR)/static/staticfiles.json: $(shell find ptdv/static -type f) package-lock.json | setup
	DJANGO_SETTINGS_MODULE=config.settings.demo $(BIN)/ptdv collectstatic --noinput -v 0

# The demo served as production serves it: gunicorn (DEBUG off, WhiteNoise), the background
# worker and the scheduled jobs; Ctrl-C stops all three.
run: export DJANGO_SETTINGS_MODULE = config.settings.demo
run: export PTDV_DEMO = 1
run: export PORT := $(PORT)
run: setup $(PTDV_VAR_DIR)/static/staticfiles.json
	$(BIN)/ptdv migrate --noinput -v 0
	$(BIN)/ptdv demo ensure --seed $(SEED)
	$(BIN)/ptdv worker & worker=$$!; \
	$(BIN)/ptdv scheduler & scheduler=$$!; \
	trap "kill $$worker $$scheduler 2>/dev/null; wait" EXIT INT TERM; \
	$(BIN)/gunicorn -c config/gunicorn.conf.py

# For developers: Django's development server (DEBUG on, autoreload), same database and demo.
dev: setup
	PTDV_DEMO=1 $(BIN)/ptdv migrate --noinput -v 0
	PTDV_DEMO=1 $(BIN)/ptdv demo ensure --seed $(SEED)
	PTDV_DEMO=1 $(BIN)/ptdv worker & worker=$$!; \
	PTDV_DEMO=1 $(BIN)/ptdv scheduler & scheduler=$$!; \
	trap "kill $$worker $$scheduler 2>/dev/null" EXIT INT TERM; \
	PTDV_DEMO=1 $(BIN)/ptdv runserver 127.0.0.1:$(PORT)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy ptdv config bench

test: setup lint typecheck
	PTDV_TEST_DATABASE_URL= DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/ptdv makemigrations --check --dry-run -v 1
	PTDV_TEST_DATABASE_URL= $(BIN)/pytest -q; rc=$$?; if [ $$rc -eq 5 ]; then echo "pytest ran no test"; exit 1; fi; exit $$rc
	@if [ -n "$$PTDV_TEST_DATABASE_URL" ]; then \
	  echo "== again on PostgreSQL"; \
	  $(BIN)/pytest -q -m "not e2e"; rc=$$?; if [ $$rc -eq 5 ]; then echo "pytest ran no test"; exit 1; fi; exit $$rc; \
	fi

bench: setup
	$(BIN)/python -m bench.run --scale $(SCALE) $(BENCH_ARGS)

# The deployment kit (deploy/) checked by nginx, systemd and Django's own checkers.
deploy-check: setup
	@$(MAKE) --no-print-directory system-deps SYSTEM_PACKAGES="nginx systemd openssl"
	deploy/check.sh

clean:
	rm -rf $(VENV) node_modules var/static
