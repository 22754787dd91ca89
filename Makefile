# jixiao — two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
STORE ?= data/store
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup system-deps run seed test lint typecheck format bench clean fuzz

setup: $(STAMP)  ## create .venv and install jixiao with its test tools (idempotent)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Debian packages the tests use: headless Chromium for the browser test (Playwright drives
# /usr/bin/chromium and downloads no browser of its own), OpenLink Virtuoso for the second
# remote store (tests/store/test_virtuoso.py starts its own virtuoso-t) and the WenQuanYi Micro Hei
# TrueType font the PDF fixtures are written in (tests/support/seed_formats.py). Needs root; their
# tests are skipped otherwise.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v virtuoso-t >/dev/null 2>&1 || missing="$$missing virtuoso-opensource"; \
	test -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc || missing="$$missing fonts-wqy-microhei"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "not root, so not installed:$$missing (their tests will be skipped)"; fi; fi

seed: setup  ## load the bundled seed tables into $(STORE)
	$(BIN)/jixiao seed --store $(STORE)

run: seed  ## set up, load the seed tables and serve on http://$(HOST):$(PORT)/
	$(BIN)/jixiao serve --store $(STORE) --host $(HOST) --port $(PORT)

# .typecheck/jixiao/ links the four folders as one package, for mypy and import-linter.
.typecheck/jixiao:
	mkdir -p .typecheck/jixiao
	for p in ontology ingest shapes service; do ln -sfn ../../$$p .typecheck/jixiao/$$p; done

lint: setup .typecheck/jixiao  ## ruff, ruff format, and the layer contracts of pyproject.toml
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	PYTHONPATH=.typecheck $(BIN)/lint-imports --no-cache

typecheck: setup .typecheck/jixiao
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

# The robustness tests with many more examples (Hypothesis profile `fuzz`, see
# tests/support/hypothesis_profiles.py) and many more SIGKILLs; minutes, so not part of `make test`.
fuzz: setup  ## long property-based, schemathesis and kill runs
	JIXIAO_HYPOTHESIS_PROFILE=fuzz $(BIN)/pytest tests/ingest/test_robustness_reader.py \
	  tests/ingest/test_targets.py tests/http/test_schemathesis.py tests/store/test_robustness_store.py
