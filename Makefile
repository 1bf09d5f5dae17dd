# MediSync: `make run` serves the API on the embedded default; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
STAMP := $(VENV)/.installed
export MEDISYNC_DATA_DIR ?= $(CURDIR)/var
# The ASR model `make run` prepares: the server's default unless MEDISYNC_ASR_MODEL says otherwise.
RUN_ASR_MODEL = $(or $(MEDISYNC_ASR_MODEL),base)

.PHONY: install install-run run test unit services-up services-down bench clean-data fuzz load soak

# What running needs: the package with its ML extra, the speaker encoder and the one ASR model used.
$(RUN_STAMP): setup.py
	@test -x $(BIN)/python || $(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null || { \
	  echo "MediSync needs Python 3.11, and '$(PYTHON)' is $$($(PYTHON) --version 2>/dev/null || echo 'not found')."; \
	  echo "Point make at one: make $(or $(MAKECMDGOALS),install) PYTHON=/path/to/python3.11"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[ml]'
	# resemblyzer only for its bundled speaker-encoder weights: --no-deps keeps torch out (docs/decisions.md).
	$(BIN)/pip install --quiet --no-deps 'resemblyzer==0.1.4'
	$(BIN)/python -m medisync.ml.model_cache $(RUN_ASR_MODEL) speaker-encoder
	touch $(RUN_STAMP)

# Everything the tests, benchmarks and fuzzing need on top: the dev tools, both ASR models and the
# FHIR reference validator (HAPI FHIR from Maven Central, cached in .venv/fhir-validator, D59).
$(STAMP): $(RUN_STAMP) setup.py
	$(BIN)/pip install --quiet -e '.[ml,dev]'
	$(BIN)/python -m medisync.ml.model_cache tiny.en base speaker-encoder
	tools/fhir-validator/validator.sh build
	touch $(STAMP)

install-run: $(RUN_STAMP)

install: $(STAMP)

# Listens on MEDISYNC_HOST/MEDISYNC_PORT or PORT from the environment, or `make run HOST=0.0.0.0 PORT=9000`.
# Ctrl-C stops the server and the embedded PostgreSQL it started (an external MEDISYNC_DATABASE_URL is left alone).
run: install-run
	$(BIN)/medisync serve --stop-db-on-exit $(if $(filter command line,$(origin HOST)),--host $(HOST)) $(if $(PORT),--port $(PORT))

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

# schemathesis's CLI against a live server of a seeded practice: every check (--checks all), the
# examples, coverage, fuzzing and stateful phases, MEDISYNC_FUZZ_EXAMPLES (100) per operation; fails
# on any failure (bench/fuzz.py, bench/schemathesis.toml, D61). `make test` runs a short version
# (tests/e2e/test_fuzz_cli.py: coverage and stateful phases, 5 examples) and tests/e2e/test_fuzz.py.
fuzz: install
	deploy/local/services-up.sh
	set -a && . $(MEDISYNC_DATA_DIR)/services.env && set +a && $(BIN)/python -m bench.fuzz $(FUZZ_ARGS)

# Bounded load on loopback: ~2 minutes of mixed reads and writes from 32 clients (bench/load.py).
load: install
	deploy/local/services-up.sh
	set -a && . $(MEDISYNC_DATA_DIR)/services.env && set +a && $(BIN)/python -m bench.load

bench: install
	deploy/local/services-up.sh
	set -a && . $(MEDISYNC_DATA_DIR)/services.env && set +a && $(BIN)/python -m bench.run_all

clean-data: services-down
	rm -rf $(MEDISYNC_DATA_DIR)/pgdata $(MEDISYNC_DATA_DIR)/blobs

# Soak: the load test's clients for 10 minutes with the ML worker on; RSS, fds, threads and DB
# connections must not grow (bench/soak.py, results in bench/results/soak.json). Not part of `make test`.
soak: install
	deploy/local/services-up.sh
	set -a && . $(MEDISYNC_DATA_DIR)/services.env && set +a && $(BIN)/python -m bench.soak
