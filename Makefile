# market-entry: every target sets up .venv itself (Python 3.11+ and make are all it needs).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
KERNEL := $(VENV)/share/jupyter/kernels/market-entry/kernel.json
LOCK   := requirements.lock
SCENARIO ?= data/scenarios/base.yaml

.PHONY: help install lock report test test-fast lint bench lab clean

help:
	@echo "make report   run $(SCENARIO) into reports/ and print the HTML path"
	@echo "make test     run the test suite (unit, property, notebook, CLI, browser)"
	@echo "make test-fast  the tests without Papermill, kernels and Chromium"
	@echo "make lab      open JupyterLab on notebooks/ with the project's kernel"
	@echo "             (PORT=8888 IP=0.0.0.0 NO_BROWSER=1 TOKEN=... LAB_ARGS=...)"
	@echo "make lint     ruff check and format check"
	@echo "make bench    run the benchmarks"
	@echo "make lock     re-resolve $(LOCK) (UPGRADE=1: newest versions pyproject allows)"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "market-entry needs Python 3.11 or newer (set PYTHON=python3.11)"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# the exact versions of $(LOCK) first, then the project itself (editable) on top of them
$(STAMP): pyproject.toml $(LOCK) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e '.[dev]'
	@touch $@

$(KERNEL): $(STAMP)
	$(BIN)/python -m ipykernel install --sys-prefix --name market-entry \
	  --display-name "Python (market-entry)" >/dev/null

install: $(STAMP) $(KERNEL)

# make lock [UPGRADE=1]: resolve pyproject.toml's dependencies (all extras) into $(LOCK)
# with uv, for every platform and Python 3.11+; keeps the current pins where they still
# fit, or with UPGRADE=1 takes the newest versions allowed. Then `make install`.
lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --extra pdf --universal \
	  --python-version 3.11.5 --annotation-style line --custom-compile-command "make lock" \
	  $(if $(UPGRADE),--upgrade) --quiet -o $(LOCK)

report: install
	@$(BIN)/market-entry run $(SCENARIO)

test: install
	$(BIN)/python -m pytest

test-fast: install
	$(BIN)/python -m pytest -m "not slow and not browser"

lint: install
	$(BIN)/ruff check models tests benchmarks notebooks
	$(BIN)/ruff format --check models tests benchmarks
	$(BIN)/lint-imports

bench: install
	$(BIN)/python benchmarks/bench_startup.py
	$(BIN)/python benchmarks/bench_model.py
	$(BIN)/python benchmarks/bench_reviews.py
	$(BIN)/python benchmarks/bench_whatif.py
	$(BIN)/python benchmarks/bench_whatif_offline.py
	$(BIN)/python benchmarks/bench_sweep.py
	$(BIN)/python benchmarks/bench_html_size.py

# make lab [PORT=8888] [IP=0.0.0.0] [NO_BROWSER=1] [TOKEN=secret] [LAB_ARGS="..."]
PORT ?= 8888
# JupyterLab refuses to run as root unless told: root is normal in a container
ALLOW_ROOT := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)
# the kernels start with glibc's allocation pools capped at 2 unless the caller's
# environment sets MALLOC_ARENA_MAX (as a report's kernel: models/runner/kernel.py)
lab: install
	MALLOC_ARENA_MAX=$${MALLOC_ARENA_MAX:-2} OPENBLAS_NUM_THREADS=$${OPENBLAS_NUM_THREADS:-1} \
	OMP_NUM_THREADS=$${OMP_NUM_THREADS:-1} MKL_NUM_THREADS=$${MKL_NUM_THREADS:-1} \
	$(BIN)/jupyter lab --notebook-dir=notebooks --port=$(PORT) \
	  $(if $(IP),--ip=$(IP)) $(if $(NO_BROWSER),--no-browser) \
	  $(if $(TOKEN),--IdentityProvider.token=$(TOKEN)) $(ALLOW_ROOT) $(LAB_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
