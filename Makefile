# Two entry points for a fresh machine: `make demo` and `make test`.
# Both create .venv and install the project (uv is bootstrapped into the venv for fast installs).

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean install system-packages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check uv

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/nbaprops demo

test: $(STAMP) system-packages
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/pytest -q

# Debian packages some tests drive, installed here when missing (CI runs as root with Debian's packages):
# chromium for tests/test_dashboard_browser.py (which fails, saying how to install it, when absent) and the
# PostgreSQL server for tests/test_run_history_postgres.py (which skips when absent).
system-packages:
	@missing=""; test -x /usr/bin/chromium || missing="chromium"; \
	  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	  test -z "$$missing" || { echo "installing$$missing (apt-get) for the tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null) \
	  || echo "warning: could not install$$missing: see the tests that need them"; }

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_pipeline.py

clean:
	rm -rf $(VENV) var .pytest_cache
