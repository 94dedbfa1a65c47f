# Dekomp monitor: the two commands a new machine needs are `make run` and `make test`.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
DB     ?= data/dekomp.duckdb
HOST   ?= 127.0.0.1
PORT   ?= 8050
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run serve test install install-test bytecode demo db chromium lint format templates clean bench \
        load nginx

# Re-install when the project's dependencies change.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[test,dev]'
	touch $@

install: $(VENV)/.installed

# The app's own modules as bytecode (compileall only redoes changed files).
# These machines set PYTHONDONTWRITEBYTECODE, so without it every process
# compiles core/ and dashboard/ again: 10 ms of a `dekomp export`, 25 ms of
# a worker's start (docs/performance.md).
bytecode: install
	@$(PY) -m compileall -q -j 0 core dashboard app.py gunicorn.conf.py >/dev/null

install-test: $(VENV)/.installed-test

# Build the demo database only if there is none.
db: install
	@if [ -e "$(DB)" ]; then echo "Using the database $(DB)"; \
	else $(VENV)/bin/dekomp demo --db "$(DB)"; fi

# (Re)build the demo version; a no-op when the demo files are already in it.
demo: install
	$(VENV)/bin/dekomp demo --db "$(DB)"

run: db bytecode
	DEKOMP_DB="$(DB)" HOST="$(HOST)" PORT="$(PORT)" $(PY) app.py

# Production serving: gunicorn with workers and threads; every setting (workers,
# threads, auth, limits) comes from the environment: see docs/deployment.md.
serve: db bytecode
	DEKOMP_DB="$(DB)" HOST="$(HOST)" PORT="$(PORT)" $(VENV)/bin/gunicorn -c gunicorn.conf.py

# Debian's Chromium for the browser tests; Playwright never downloads one.
chromium:
	@if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then :; \
	else $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium chromium-driver; fi

test: install-test chromium lint
	@$(PY) -m pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "ERROR: pytest collected no tests" >&2; fi; \
	exit $$rc

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: install-test
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# The performance figures of docs/performance.md (bench/run.py). First loads
# are measured in Chromium, so the test extras and Chromium come along.
BENCH_SCALE    ?= 1.0
BENCH_REQUESTS ?= 200
BENCH_RESULTS  ?= bench/results.json
BENCH_BROWSER_REPEAT ?= 3

bench: install-test chromium bytecode
	$(PY) -m bench.run --scale $(BENCH_SCALE) --requests $(BENCH_REQUESTS) \
		--browser-repeat $(BENCH_BROWSER_REPEAT) --out $(BENCH_RESULTS)

# The load test of docs/operations.md (load/run.py): locust users open pages and
# change filters on the national-scale data (bench/cache), headless, loopback
# only, bounded in time. LOAD_URL=http://... loads a running app instead of
# starting one; LOAD_INSTANCES=2 puts two instances behind nginx.
LOAD_USERS     ?= 50
LOAD_DURATION  ?= 2m
LOAD_SCALE     ?= 1.0
LOAD_URL       ?=
LOAD_INSTANCES ?= 1
LOAD_NAME      ?=

load: install-test chromium bytecode $(if $(filter-out 1,$(LOAD_INSTANCES)),nginx)
	$(PY) -m load.run --users $(LOAD_USERS) --duration $(LOAD_DURATION) --scale $(LOAD_SCALE) \
		--instances $(LOAD_INSTANCES) $(if $(LOAD_URL),--url $(LOAD_URL)) \
		$(if $(LOAD_NAME),--name $(LOAD_NAME))

# Debian's nginx, for two instances behind a load balancer (deploy/nginx.conf).
# Only the binary is used, started by load/serve.py with its own prefix.
nginx:
	@if command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; then :; \
	else $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq nginx; fi

templates: install
	$(VENV)/bin/dekomp templates --out data/templates

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
