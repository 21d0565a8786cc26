# Two commands set up everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test test-all bench venv clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	# The dashboard's browser tests drive Debian's chromium (Playwright cannot download a browser here); CI runs as
	# root on a fresh Debian machine. Elsewhere, without root, the e2e tests skip and say why.
	command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium) \
		|| echo 'warning: chromium not installed; the e2e browser tests will skip'
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/wattwatch demo --out demo-out

test: $(STAMP)
	$(BIN)/python -m pytest -m "not slow" -q

test-all: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/quality.py

clean:
	rm -rf $(VENV) demo-out .pytest_cache .hypothesis
