# The two commands of the README:
#   make demo   — create .venv, install cmkit, run it on the bundled example workspace
#   make test   — install what the tests need (Python extras, khal, Chromium, a local
#                 Bluesky PDS on Node 22) and run the whole suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
CMKIT  := $(BIN)/cmkit
WS     := examples/agency
OUT    := out
# The example workspace is dated around Christmas 2026: the demo pins the clock to a
# morning in it, so it shows the same plan whatever day you run it.
DEMO_NOW := 2026-11-25T09:05:00+01:00

.PHONY: demo test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.test-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $(VENV)/.installed $@

demo: $(VENV)/.installed
	@mkdir -p $(OUT)
	@echo "== cmkit check: every file validated and linted"
	CMKIT_NOW=$(DEMO_NOW) $(CMKIT) -w $(WS) check

test: $(VENV)/.test-installed
	@for script in scripts/test-deps/*.sh; do sh "$$script" || exit 1; done
	$(BIN)/python -m pytest -n 2 --dist loadfile -q

lint: $(VENV)/.test-installed
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

bench: $(VENV)/.test-installed
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(OUT) benchmarks/out
