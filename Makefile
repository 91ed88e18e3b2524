# Casebase: `make run` serves the site; `make test` runs the whole suite, browser tests included.
# Every target installs what it uses, so both work on a fresh clone of a bare machine.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
CHROMIUM := /usr/bin/chromium

.PHONY: run serve bench bench-catch-up bench-page-cache bench-saving bench-datasette bench-scale load-test test test-postgres postgres redis assets lint format load superuser clean

POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Reinstall only when the dependencies change.
$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

# GOV.UK Frontend compiled with Sass into static/dist/ (rebuilt when the sources change).
# Node.js comes from Debian if the machine has none.
NPM := $(shell command -v npm || echo /usr/bin/npm)
$(NPM):
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm

node_modules/.package-lock.json: package.json package-lock.json | $(NPM)
	npm ci --ignore-scripts --no-audit --no-fund

static/dist/casebase.css: node_modules/.package-lock.json $(wildcard static/src/*)
	npm run build --silent

assets: static/dist/casebase.css

# Debian's Chromium for the browser tests (never `playwright install`: it downloads a browser).
$(CHROMIUM):
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

run: $(VENV)/.installed assets
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_compendium --keep-edits
	$(PY) manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.installed $(CHROMIUM) assets redis
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(PY) manage.py makemigrations --check --dry-run
	$(BIN)/pytest

# The same suite against PostgreSQL (starts the local cluster if it is stopped).
test-postgres: $(VENV)/.installed $(CHROMIUM) assets postgres redis
	DATABASE_URL=$(POSTGRES_URL) $(BIN)/pytest

postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || \
		pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@pg_isready -h 127.0.0.1 -p 5432

# The shared cache: the tests of Redis-backed page caching need it, `make serve` uses it.
redis:
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || \
		redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
	@redis-cli -h 127.0.0.1 -p 6379 ping

# Production on one machine: gunicorn behind a TLS proxy, DEBUG off, static files collected and
# served by WhiteNoise (hashed, compressed, cached for a year), pages cached in Redis.
# Without a proxy, try it with DJANGO_SECURE_SSL_REDIRECT=0 make serve.
WORKERS ?= 2
SECRET_FILE := .secret-key
$(SECRET_FILE):
	$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	chmod 600 $@

serve: $(VENV)/.installed assets redis | $(SECRET_FILE)
	export DJANGO_DEBUG=0 DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$(cat $(SECRET_FILE))}" \
		REDIS_URL="$${REDIS_URL:-redis://127.0.0.1:6379/0}" && \
	$(PY) manage.py collectstatic --no-input --verbosity 0 && \
	$(PY) manage.py migrate --no-input && \
	$(PY) manage.py load_compendium --keep-edits && \
	DATABASE_STATEMENT_TIMEOUT_MS=$${DATABASE_STATEMENT_TIMEOUT_MS:-25000} \
	$(BIN)/gunicorn casebase.wsgi --workers $(WORKERS) --bind $(HOST):$(PORT) --timeout 30 \
		--access-logfile - --forwarded-allow-ips "$${FORWARDED_ALLOW_IPS:-127.0.0.1}"

# Benchmarks (bench/run.py): synthetic databases at 10,000 and 100,000 case studies on SQLite
# and PostgreSQL, server time and queries per page, wrk throughput; writes bench/results.md.
# BENCH_ARGS="--sizes 10000 --databases sqlite" narrows it.
WRK := /usr/bin/wrk
$(WRK):
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk

bench: $(VENV)/.installed assets postgres redis | $(WRK)
	DJANGO_DEBUG=0 DJANGO_SECRET_KEY=collectstatic-only-$$RANDOM$$RANDOM$$RANDOM$$RANDOM$$RANDOM \
		$(PY) manage.py collectstatic --no-input --verbosity 0
	$(PY) bench/run.py $(BENCH_ARGS)
	$(PY) bench/catch_up.py
	$(PY) bench/page_cache.py
	$(PY) bench/readers_while_saving.py --baseline $(SAVING_BASELINE)
	$(PY) bench/datasette_side_by_side.py $(DATASETTE_ARGS)
	$(PY) bench/markup.py
	$(PY) bench/like_mine.py
	$(PY) bench/scale.py

# The catalogue at 1,000,000 case studies against 100,000 (issue 16): page times, a fresh
# search side by side, memory (bench/scale.py; builds the 1,000,000 file if missing, about 25
# minutes and 15 GB). Writes bench/scale-results.md.
bench-scale: $(VENV)/.installed
	$(PY) bench/scale.py

# What a save costs the next request at 100,000 case studies: the catalogue index caught up in
# place against a full build (bench/catch_up.py, on bench/run.py's SQLite file). Writes
# bench/catch-up-results.md.
bench-catch-up: $(VENV)/.installed
	$(PY) bench/catch_up.py

# The page cache, old code (BASELINE) against the working tree, side by side: hits, cache
# busting, Redis stopped (bench/page_cache.py). Writes bench/page-cache-results.md.
BASELINE ?= 03afd58
bench-page-cache: $(VENV)/.installed assets redis | $(WRK)
	DJANGO_DEBUG=0 DJANGO_SECRET_KEY=collectstatic-only-$$RANDOM$$RANDOM$$RANDOM$$RANDOM$$RANDOM \
		$(PY) manage.py collectstatic --no-input --verbosity 0
	$(PY) bench/page_cache.py --baseline $(BASELINE)

# Readers while an editor saves every 10 s (issue 16): open-loop latency at 100,000 case studies
# on SQLite (bench/run.py's database, built if missing), the code at SAVING_BASELINE against the
# working tree, one after the other (bench/readers_while_saving.py; aiohttp in a venv of its
# own, bench/.venv-bench). SAVING_ARGS="--rate 8 --saving-seconds 120 ..." changes the run.
# Writes bench/saving-results.md.
SAVING_BASELINE ?= ee6299f
bench-saving: $(VENV)/.installed assets redis
	DJANGO_DEBUG=0 DJANGO_SECRET_KEY=collectstatic-only-$$RANDOM$$RANDOM$$RANDOM$$RANDOM$$RANDOM \
		$(PY) manage.py collectstatic --no-input --verbosity 0
	$(PY) bench/readers_while_saving.py --baseline $(SAVING_BASELINE) $(SAVING_ARGS)

# Casebase against Datasette on the same SQLite file at 100,000 case studies (issue 16): fresh
# searches, case study pages and faceted questions, one request at a time, the two servers in
# turn (bench/datasette_side_by_side.py; Datasette and aiohttp in bench/.venv-bench, never the
# project's dependencies). DATASETTE_ARGS="--database-file /tmp/b100k.sqlite3 --words 40 ..."
# changes the run. Writes bench/datasette-results.md.
bench-datasette: $(VENV)/.installed assets redis
	DJANGO_DEBUG=0 DJANGO_SECRET_KEY=collectstatic-only-$$RANDOM$$RANDOM$$RANDOM$$RANDOM$$RANDOM \
		$(PY) manage.py collectstatic --no-input --verbosity 0
	$(PY) bench/datasette_side_by_side.py $(DATASETTE_ARGS)

# 50 readers and 2 editors saving for 2 minutes against gunicorn, on SQLite then PostgreSQL
# (bench/load.py; locust in its own venv, bench/.venv-locust). Writes bench/load-results.md.
load-test: $(VENV)/.installed assets postgres redis
	$(PY) bench/load.py --database sqlite
	$(PY) bench/load.py --database postgresql

load: $(VENV)/.installed
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_compendium

superuser: $(VENV)/.installed
	$(PY) manage.py createsuperuser

lint: $(VENV)/.installed
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

format: $(VENV)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) staticfiles node_modules static/dist .cache
