PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

## Set everything up and align the bundled samples.
demo: $(STAMP)
	$(BIN)/bitext align data/samples -o demo-out
	$(BIN)/bitext stats demo-out --examples 8

## Lint (ruff check, mypy), then run the test suite.
test: $(STAMP)
	$(BIN)/ruff check align corpus
	$(BIN)/mypy align corpus
	$(BIN)/python -m pytest

## Benchmarks, one table over the dev sets (need ../shared/bench; BENCH_ARGS=--quick leaves
## out Bible 006, BENCH_ARGS='--sets mac-dev,ntrex' picks sets).
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) demo-out bench-out
