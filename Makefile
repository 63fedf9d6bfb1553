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
DEMO_NOW := 2026-11-25T12:05:00+01:00

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

demo: export CMKIT_NOW = $(DEMO_NOW)
demo: $(VENV)/.installed
	@rm -rf $(OUT) && mkdir -p $(OUT)
	@echo "\n== cmkit check — every file validated and linted"
	$(CMKIT) -w $(WS) check
	@echo "\n== cmkit calendar — December for the bakery, with key dates and empty slots"
	$(CMKIT) -w $(WS) calendar boulangerie-martin --month 2026-12
	@echo "\n== cmkit stock — what is ready, and what will soon be missing"
	$(CMKIT) -w $(WS) stock
	@echo "\n== cmkit publish --due — what is due now, sent to a local outbox (offline)"
	$(CMKIT) -w $(WS) publish --due --outbox $(OUT)/outbox
	@echo "\n== cmkit today — the day's checklist across clients"
	@$(CMKIT) -w $(WS) today || echo "(today exits 1 when something needs attention, as here: a cron alert can use it)"
	@echo "\n== cmkit inbox — mentions and comments to answer, complaints first"
	$(CMKIT) -w $(WS) inbox
	@echo "\n== cmkit campaigns — paid campaigns: spend, pacing, CPC/CPM/CPA/ROAS"
	$(CMKIT) -w $(WS) campaigns
	@echo "\n== cmkit watch — the week's watch digest (stored items: --no-fetch stays offline)"
	$(CMKIT) -w $(WS) watch boulangerie-martin --no-fetch --since 7d
	@echo "\n== cmkit report — November's report for the bakery"
	$(CMKIT) -w $(WS) report boulangerie-martin --month 2026-11 --format html -o $(OUT)/boulangerie-martin-2026-11.html
	$(CMKIT) -w $(WS) report boulangerie-martin --month 2026-11 --format md -o $(OUT)/boulangerie-martin-2026-11.md
	@echo "\nOpen $(OUT)/boulangerie-martin-2026-11.html in a browser: the client's monthly report."

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
