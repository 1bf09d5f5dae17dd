# MediSync: `make run` serves the API on the embedded default; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export MEDISYNC_DATA_DIR ?= $(CURDIR)/var

.PHONY: install run test unit services-up services-down bench clean-data fuzz load

$(STAMP): setup.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[ml,dev]'
	# resemblyzer only for its bundled speaker-encoder weights: --no-deps keeps torch out (docs/decisions.md).
	$(BIN)/pip install --quiet --no-deps 'resemblyzer==0.1.4'
	$(BIN)/python -m medisync.ml.model_cache tiny.en base speaker-encoder
	touch $(STAMP)

install: $(STAMP)

run: install
	@echo "Create the first admin with: $(BIN)/medisync create-admin --email you@clinic.org --password '...' --full-name 'Your Name' --practice 'Your Clinic'"
	@echo "  (or POST /api/v1/auth/register with practice_name)"
	$(BIN)/medisync serve --host 127.0.0.1 --port 8080

services-up: install
	deploy/local/services-up.sh

services-down:
	deploy/local/services-down.sh

# The whole suite, against real Postgres, a real Kafka broker and the real ML models.
test: install
	deploy/local/services-up.sh
	set -a && . $(MEDISYNC_DATA_DIR)/services.env && set +a && \
	  $(BIN)/python -m pytest $(PYTEST_ARGS); status=$$?; \
	  deploy/local/services-down.sh; exit $$status

unit: install
	$(BIN)/python -m pytest tests/unit $(PYTEST_ARGS)

# A longer fuzzing campaign than `make test` runs (examples per operation and generation mode).
fuzz: install
	deploy/local/services-up.sh
	set -a && . $(MEDISYNC_DATA_DIR)/services.env && set +a && \
	  MEDISYNC_FUZZ_EXAMPLES=$${MEDISYNC_FUZZ_EXAMPLES:-100} $(BIN)/python -m pytest tests/e2e/test_fuzz.py $(PYTEST_ARGS)

# Bounded load on loopback: ~2 minutes of mixed reads and writes from 32 clients (bench/load.py).
load: install
	deploy/local/services-up.sh
	set -a && . $(MEDISYNC_DATA_DIR)/services.env && set +a && $(BIN)/python -m bench.load

bench: install
	deploy/local/services-up.sh
	set -a && . $(MEDISYNC_DATA_DIR)/services.env && set +a && $(BIN)/python -m bench.run_all

clean-data: services-down
	rm -rf $(MEDISYNC_DATA_DIR)/pgdata $(MEDISYNC_DATA_DIR)/blobs
