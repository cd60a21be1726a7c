# One command to set up and run, one to set up and test; both create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: setup run test bench clean

$(BIN)/alliance-graph: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

setup: $(BIN)/alliance-graph

run: setup
	$(BIN)/alliance-graph stats
	$(BIN)/alliance-graph serve --port $(PORT)

# Two worker processes, each test file whole in one (its module's servers start once): most of
# the suite waits on servers, stores and browsers, so two halve its time (about 20 minutes
# alone on a 2-CPU machine); its timing tests wait for states, with margins for a busy machine.
test: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/python -m pytest -q -n 3 --dist loadfile

bench: setup
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .cache .pytest_cache
