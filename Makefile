# jixiao — two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
STORE ?= data/store
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup system-deps run seed test lint typecheck format bench clean

setup: $(STAMP)  ## create .venv and install jixiao with its test tools (idempotent)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Debian packages the tests use: headless Chromium for the browser test (Playwright drives
# /usr/bin/chromium and downloads no browser of its own). Needs root; skipped otherwise.
system-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium missing and not root: the browser test will be skipped"; fi; }

seed: setup  ## load the bundled seed tables into $(STORE)
	$(BIN)/jixiao seed --store $(STORE)

run: seed  ## set up, load the seed tables and serve on http://$(HOST):$(PORT)/
	$(BIN)/jixiao serve --store $(STORE) --host $(HOST) --port $(PORT)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	rm -rf .typecheck && mkdir -p .typecheck/jixiao
	for p in ontology ingest shapes service; do ln -s ../../$$p .typecheck/jixiao/$$p; done
	$(BIN)/mypy -p jixiao.ontology -p jixiao.ingest -p jixiao.shapes -p jixiao.service

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: setup system-deps lint typecheck  ## set up, then the whole test suite
	$(BIN)/pytest

bench: setup  ## benchmarks; writes BENCHMARKS.md and bench-results.json
	$(BIN)/python -m jixiao.service.bench

clean:
	rm -rf $(VENV) .typecheck .pytest_cache .mypy_cache .ruff_cache data
