# Care Careers Assistant. `make run` starts the product; `make test` runs every test.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV       := .venv
RASA_VENV  := .venv-rasa
CC         := $(VENV)/bin/carecareers
PYTEST     := $(VENV)/bin/pytest
PIP_FLAGS  := --quiet --disable-pip-version-check
# pip installs uv into each environment, and uv installs the rest: the same releases pip
# would choose (pinned by requirements-rasa.txt and pyproject.toml's ranges), in seconds
# where pip takes minutes (Rasa's: about 35 s in `make test`, where pip took about 100 s).
UV         := uv==0.13.10
UV_INSTALL  = bin/uv pip install --quiet --compile-bytecode --python
# The import contracts in pyproject.toml, checked against this checkout's code.
LINT_IMPORTS := PYTHONPATH=$(CURDIR) $(VENV)/bin/lint-imports --no-cache
DEBIAN_TEST_PACKAGES := chromium

.PHONY: help setup run test test-lite test-unit train db seed bench lint lint-imports clean system-packages lock-rasa

help:
	@echo "make run    set up what is missing and start the product on http://127.0.0.1:8000/chat"
	@echo "make test   set up what is missing and run the whole test suite"
	@echo "make test-lite  the same, skipping (not failing) tests whose PostgreSQL, Redis or Chromium is missing"
	@echo "make train  train the Rasa model if its training data or config changed"
	@echo "make bench  print the performance figures"
	@echo "make lint   ruff, and the import contracts (layers, no cycles) with lint-imports"

setup: $(VENV)/.installed $(RASA_VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@python=$$(scripts/find-python310); \
	  [ -x $(VENV)/bin/python ] || { echo "creating $(VENV) with $$python"; $$python -m venv $(VENV); }
	$(VENV)/bin/pip install $(PIP_FLAGS) '$(UV)' 2> >(grep -v "^WARNING: Location" >&2)
	$(VENV)/$(UV_INSTALL) $(VENV)/bin/python -e '.[dev]'
	@touch $@

# Rasa's environment is installed from requirements-rasa.lock: every package pinned, as
# `make lock-rasa` resolved requirements-rasa.txt for Python 3.10 on Linux.
$(RASA_VENV)/.installed: requirements-rasa.lock
	@python=$$(scripts/find-python310); \
	  [ -x $(RASA_VENV)/bin/python ] || { echo "creating $(RASA_VENV) with $$python"; $$python -m venv $(RASA_VENV); }
	$(RASA_VENV)/bin/pip install $(PIP_FLAGS) '$(UV)' 2> >(grep -v "^WARNING: Location" >&2)
	$(RASA_VENV)/$(UV_INSTALL) $(RASA_VENV)/bin/python -r requirements-rasa.lock
	@touch $@

# After changing requirements-rasa.txt: resolve it again (tests/unit/test_rasa_lock.py
# fails while the lock does not hold what requirements-rasa.txt asks for).
lock-rasa: $(RASA_VENV)/.installed
	$(RASA_VENV)/bin/uv pip compile requirements-rasa.txt --python $(RASA_VENV)/bin/python \
	  --quiet -o requirements-rasa.lock

db: $(VENV)/.installed
	$(CC) db upgrade

seed: db
	$(CC) demo seed

train: setup
	$(CC) model ensure

run: setup seed train
	exec $(CC) run

# Every test on two workers, with Rasa's install and training overlapped: see scripts/test-all.
test:
	scripts/test-all

lint-imports: $(VENV)/.installed
	$(LINT_IMPORTS)

# On a machine without PostgreSQL, Redis or Chromium: the tests needing them skip, saying why.
test-lite: setup train
	$(LINT_IMPORTS)
	TEST_LITE=1 $(PYTEST) tests

test-unit: $(VENV)/.installed
	$(PYTEST) tests/unit

# Debian packages the browser tests need (installed only where missing).
system-packages:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian packages: $(DEBIAN_TEST_PACKAGES)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEBIAN_TEST_PACKAGES) >/dev/null; }

# axe-core, which the accessibility tests inject into every page (npm's lock file pins it).
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
	  echo "installing Debian packages: npm"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

bench: setup train system-packages
	$(VENV)/bin/python -m bench

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(LINT_IMPORTS)

clean:
	rm -rf $(VENV) $(RASA_VENV) models var results .pytest_cache node_modules
