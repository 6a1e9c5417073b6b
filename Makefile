# mim-koppelvlak: see STYLE.md §9 for what each target does.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.ONESHELL:
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: help venv run test test-fast lint fmt migrate revision openapi bench clean

help:
	@echo "targets: run test test-fast lint fmt migrate revision m=\"...\" openapi bench clean"

venv: $(STAMP)

# The venv is (re)installed when missing or when the pins change.
$(STAMP): pyproject.toml constraints.txt
	@as_root() {
	  if [[ "$$(id -u)" == 0 ]]; then "$$@";
	  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo -n "$$@";
	  else return 1; fi
	}
	if [[ ! -x $(BIN)/python ]] || ! $(BIN)/python -m pip --version >/dev/null 2>&1; then
	  py="$$(command -v python3.11 || command -v python3 || true)"
	  [[ -n "$$py" ]] || { echo "error: python3.11 (or python3) not found" >&2; exit 1; }
	  rm -rf $(VENV)
	  if ! "$$py" -m venv $(VENV) >/dev/null 2>&1; then
	    rm -rf $(VENV)
	    echo "python -m venv failed (Debian needs python3-venv); installing it" >&2
	    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y python3-venv >&2 || {
	      echo "error: cannot create a virtualenv; install python3-venv (apt-get install -y python3-venv) and retry" >&2
	      exit 1; }
	    "$$py" -m venv $(VENV)
	  fi
	fi
	$(BIN)/pip install -q -c constraints.txt -e ".[dev]"
	touch $@

run: $(STAMP)
	MIM_DEMO_DATA=$${MIM_DEMO_DATA:-aan} $(BIN)/python -m api

test: $(STAMP)
	bash scripts/test.sh

test-fast: $(STAMP)
	env -u MIM_TEST_POSTGRES_URL $(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy api domain adapters tests

fmt: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrate: $(STAMP)
	$(BIN)/alembic upgrade head

revision: $(STAMP)
	@[[ -n "$(m)" ]] || { echo 'usage: make revision m="what changed"' >&2; exit 1; }
	$(BIN)/alembic revision --autogenerate -m "$(m)"

openapi: $(STAMP)
	$(BIN)/python -m api.export

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var bench/out .mypy_cache .ruff_cache .pytest_cache .hypothesis *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
