# Two commands on a fresh machine: `make demo` runs the main job, `make test` runs the tests.
# Each creates the virtual environment it needs (.venv) on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?= -n 2 --dist loadgroup -q

.PHONY: demo serve test lint bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	$(BIN)/python -m config.messages compile
	touch $@

demo: $(VENV)/.installed
	$(BIN)/smartcity demo

# The web pages and API on the demo's data, with its mail in a local SMTP server (/mailbox).
serve: $(VENV)/.installed
	$(BIN)/smartcity --data-dir var/demo serve --smtp-sink

lint: $(VENV)/.installed
	$(BIN)/ruff check engine workflows notifications config interfaces migrations bench tests
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	$(BIN)/pytest $(PYTEST_ARGS)

bench: $(VENV)/.installed
	$(BIN)/python bench/transitions_rate.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
