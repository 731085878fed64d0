# Two commands on a fresh machine: `make demo` and `make test`. Each installs what it needs.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install test bench bench-instrument lint demo loadcheck freshcheck realworld phoenix phoenix-check clean

install: $(STAMP)

# Two distributions, one pip call: the runtime (runtime/pyproject.toml, package frmk) and the tool
# with its dev extra; pip takes goalgen-runtime from the local editable. Re-run when either changes.
$(STAMP): pyproject.toml runtime/pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ./runtime -e '.[dev]'
	touch $(STAMP)

test: install
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python benchmarks/run.py

# A report, not a pass/fail check: instrument speed on a ~110k-line corpus from PyPI sdists.
bench-instrument: install
	$(BIN)/python benchmarks/bench_instrument.py

lint: install
	$(BIN)/ruff check .

# SDK=agents: the generated bot on the Microsoft 365 Agents SDK instead of botbuilder
SDK ?= botbuilder
demo: install
	$(BIN)/python scripts/demo.py --sdk $(SDK)

# Run by hand, not by `make test`: 100 concurrent Emulator conversations, 400 messages, every
# trace checked complete (about a minute).
loadcheck: install
	$(BIN)/python scripts/loadcheck.py

# Run by hand, not by `make test` (downloads): a freshly generated project, installed with the
# printed command in a new venv outside the repository, passes its own tests.
freshcheck: install
	$(BIN)/python scripts/freshcheck.py

realworld: install
	bash scripts/realworld_langgraph.sh

# Arize Phoenix, the local OTLP backend we document, in a venv of its own (many pinned deps).
# `make phoenix` serves it on loopback (UI http://127.0.0.1:6006); `make phoenix-check` (slow,
# by hand) sends a demo conversation to a fresh one over OTLP and reads the spans back.
PHOENIX ?= .phoenix/venv/bin/phoenix
$(PHOENIX):
	test -x .phoenix/venv/bin/python || $(PY) -m venv .phoenix/venv
	.phoenix/venv/bin/python -m pip install -q arize-phoenix

phoenix: install $(PHOENIX)
	PHOENIX=$(PHOENIX) $(BIN)/python scripts/phoenix_server.py serve

phoenix-check: install $(PHOENIX)
	PHOENIX=$(PHOENIX) $(BIN)/python scripts/phoenix_check.py

clean:
	rm -rf $(VENV) build dist *.egg-info runtime/build .pytest_cache
