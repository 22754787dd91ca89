# jixiao — two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
VENDOR := service/static/vendor
VENDOR_STAMP := $(VENDOR)/.installed
STORE ?= data/store
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup system-deps run seed test lint typecheck format bench clean fuzz messages

setup: $(STAMP) $(VENDOR_STAMP)  ## create .venv, install jixiao, its test tools and browser assets (idempotent)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# The query page's browser assets (YASGUI, Chart.js) come from the npm registry, pinned by
# package-lock.json, and are copied into service/static/vendor/ (served by the app, shipped
# in the wheel as package data; never fetched from a CDN). Redone only when the lock changes.
$(VENDOR_STAMP): package.json package-lock.json scripts/vendor.mjs
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	node scripts/vendor.mjs
	touch $(VENDOR_STAMP)

# Debian packages the tests use: headless Chromium for the browser test (Playwright drives
# /usr/bin/chromium and downloads no browser of its own), OpenLink Virtuoso for the second
# remote store (tests/store/test_virtuoso.py starts its own virtuoso-t) and the WenQuanYi Micro Hei
# TrueType font the PDF fixtures are written in (tests/support/seed_formats.py) and the README's
# screenshots show Chinese in (scripts/screenshots.py). Needs root; their
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

# BENCH_ARGS: the bench's options, e.g. a run of a few minutes:
# make bench BENCH_ARGS="--sizes 30000 --clients 30 --load-seconds 3 --mixed-seconds 5 --cli-runs 1"
bench: setup  ## benchmarks; writes BENCHMARKS.md and bench-results.json
	$(BIN)/python -m jixiao.service.bench $(BENCH_ARGS)

# The pages' words: extract the msgids (babel.cfg) and merge them into the Chinese catalog,
# whose new entries then need their translation (tests/http/test_i18n.py fails until they have one).
messages: setup  ## update service/locale/zh/LC_MESSAGES/messages.po from the sources
	$(BIN)/pybabel extract --no-location --no-wrap --project jixiao -F babel.cfg -k N_ -o .messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching --no-wrap -i .messages.pot -l zh \
	  -D messages -d service/locale
	rm -f .messages.pot

clean:
	rm -rf $(VENV) .typecheck .pytest_cache .mypy_cache .ruff_cache data node_modules $(VENDOR)

# The robustness tests with many more examples (Hypothesis profile `fuzz`, see
# tests/support/hypothesis_profiles.py) and many more SIGKILLs; minutes, so not part of `make test`.
fuzz: setup  ## long property-based, schemathesis and kill runs
	JIXIAO_HYPOTHESIS_PROFILE=fuzz $(BIN)/pytest tests/ingest/test_robustness_reader.py \
	  tests/ingest/test_targets.py tests/http/test_schemathesis.py tests/store/test_robustness_store.py \
	  tests/http/test_outside_access.py tests/http/test_hostile_bodies.py
