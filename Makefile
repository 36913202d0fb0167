# Entry points. `make report` sets everything up and builds the national edition;
# `make test` runs the test suite. Both work offline (package registries only).
PY      ?= python3
VENV    ?= .venv
BIN     := $(VENV)/bin
YEAR    ?= 2018
STAMP   := $(VENV)/.installed

.PHONY: setup report test test-fast bench lab clean

$(STAMP): pyproject.toml constraints.txt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	@# nbstripout's git filter: notebooks run in JupyterLab are committed without outputs.
	if git rev-parse --git-dir >/dev/null 2>&1; then $(BIN)/nbstripout --install; fi
	touch $(STAMP)

setup: $(STAMP)

# Real data where there is internet, the marked demo dataset where there is none.
report: $(STAMP)
	$(BIN)/etat-des-lieux quickstart --year $(YEAR)

# The whole suite (what CI runs): ends with the 15 slowest tests and the suite's total time.
test: $(STAMP)
	$(BIN)/lint-imports --no-cache
	$(BIN)/ruff check src tests benchmarks conftest.py
	$(BIN)/python -m pytest --durations=15

# The loop while editing (under a minute): the same checks and tests, without the notebooks and
# the tests marked slow (notebooks executed, documents rendered, a browser, the national demo) or
# shared_data (the real files of ../shared). `make test` still runs them all.
test-fast: $(STAMP)
	$(BIN)/lint-imports --no-cache
	$(BIN)/ruff check src tests benchmarks conftest.py
	$(BIN)/python -m pytest -m "not slow and not shared_data" --durations=10 tests

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

# JupyterLab for researchers, kept out of the build and test install on purpose.
lab: $(STAMP)
	$(BIN)/pip install --quiet -c constraints.txt -e '.[lab]'
	$(BIN)/jupyter lab notebooks/

clean:
	rm -rf reports/ data/processed data/cache
