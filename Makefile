# Two commands on a fresh machine: `make demo` runs the main job, `make test` runs the tests.
# Each creates the virtual environment it needs (.venv) on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?= -n 2 --dist loadgroup -q
# pip's own output is about 250 lines for the ~100 packages; `make demo PIP_QUIET=` shows it.
PIP_QUIET ?= --quiet

.PHONY: demo serve test lint bench clean

# The first run takes about a minute, so it says what it is doing (Indonesian, then English)
# rather than sit silent; later runs skip this until pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	@echo "Menyiapkan lingkungan Python ($(VENV)) sekali saja: sekitar satu menit."
	@echo "Setting up the Python environment ($(VENV)), once: about a minute."
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install $(PIP_QUIET) --upgrade pip
	@echo "Memasang dependensi: FastAPI, SQLModel, Alembic, WeasyPrint, Rich, pytest, dll."
	@echo "Installing the dependencies: FastAPI, SQLModel, Alembic, WeasyPrint, Rich, pytest..."
	$(BIN)/pip install $(PIP_QUIET) -e '.[test]'
	$(BIN)/python -m config.messages compile
	touch $@
	@echo "Siap / Ready: $(VENV)"

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
	$(BIN)/python bench/migration.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
