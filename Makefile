# Friender: `make run` serves the app and API on http://127.0.0.1:$(PORT); `make test` runs every suite.
# Both install what they need first, so they work on a fresh clone.

PYTHON ?= python3
PORT ?= 5000
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app friender
# One gevent worker while events fan out in-process; with REDIS_URL set, one per core shares Redis.
WORKERS ?= $(if $(REDIS_URL),2,1)

.PHONY: install install-test install-bench run dev migrate seed frontend test lint test-backend test-frontend test-e2e loadtest bench-discovery bench-messages bench-overhead bench-streams bench-signups lighthouse clean

# What the app needs to run; the test and bench extras come with the targets that use them.
install: $(VENV)/.installed

$(VENV)/.installed: backend/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e backend
	touch $@

install-test: $(VENV)/.installed-test

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -e 'backend[test]'
	touch $@

install-bench: $(VENV)/.installed-bench

$(VENV)/.installed-bench: $(VENV)/.installed-test
	$(BIN)/pip install --quiet -e 'backend[test,bench]'
	touch $@

# A warm `make run` neither reinstalls nor rebuilds: npm ci runs when package-lock.json changed,
# the build when a source, a config file or the installed packages are newer than the last build.
FRONTEND_SOURCES := $(shell find frontend/src frontend/public frontend/scripts -type f 2>/dev/null) \
	$(wildcard frontend/index.html frontend/package.json frontend/vite.config.ts frontend/tsconfig*.json)
FRONTEND_MODULES := frontend/node_modules/.friender-installed

$(FRONTEND_MODULES): frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	touch $@

frontend/dist/index.html: $(FRONTEND_MODULES) $(FRONTEND_SOURCES)
	cd frontend && npm run build
	touch $@

ifneq ($(wildcard frontend/package.json),)
frontend: frontend/dist/index.html
else
frontend:
	@echo "frontend/ not present: serving the API only"
endif

migrate: install
	$(FLASK) db upgrade

seed: migrate
	@if [ -f seed.py ]; then $(BIN)/python seed.py --if-empty; fi

# Migrations and the first seed in one Python process: each start of one costs seconds.
run: install frontend
	@if [ -f seed.py ]; then $(BIN)/python seed.py --migrate --if-empty; else $(FLASK) db upgrade; fi
	@echo "Friender on http://127.0.0.1:$(PORT) (API docs: http://127.0.0.1:$(PORT)/api/docs)"
	$(BIN)/gunicorn -c python:friender.gunicorn_config --bind 127.0.0.1:$(PORT) --workers $(WORKERS) \
		--access-logfile - 'friender:create_app()'

dev: install migrate
	$(FLASK) run --debug --port $(PORT)

test: install-test lint test-backend test-frontend test-e2e

lint: install-test $(if $(wildcard frontend/package.json),$(FRONTEND_MODULES))
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	@if [ -f frontend/package.json ]; then cd frontend && FRIENDER_PYTHON=$(abspath $(BIN))/python npm run --silent generate-api -- --check && npm run --silent lint; fi

# PostgreSQL when one answers on 127.0.0.1:5432 (a database of this checkout's own), else SQLite;
# TEST_DATABASE_URL overrides. The suite drops that database's schema, so never DATABASE_URL's.
test-backend: install-test
	@url="$${TEST_DATABASE_URL:-$$($(BIN)/python tests/local_postgres.py)}"; \
	echo "backend suite on $${url:-SQLite (no PostgreSQL on 127.0.0.1:5432)}"; \
	TEST_DATABASE_URL="$$url" $(BIN)/pytest

ifneq ($(wildcard frontend/package.json),)
test-frontend: $(FRONTEND_MODULES)
	cd frontend && npm test
else
test-frontend:
endif

test-e2e: install-test
	@if [ -f tests/e2e/package.json ]; then $(MAKE) frontend && cd tests/e2e && npm ci --no-audit --no-fund && npm test; fi

# Bounded load test against gunicorn + PostgreSQL on loopback (about 3 minutes); see bench/README.md.
loadtest: install-bench
	$(BIN)/python bench/loadtest.py

# Discovery at scale in its own PostgreSQL database (rebuilt from scratch): BENCH_USERS=20000 for a quick run.
BENCH_USERS ?= 1000000
BENCH_DATABASE_URL ?= postgresql+psycopg2://postgres@127.0.0.1:5432/bench_discovery

bench-discovery: install-bench
	$(BIN)/python bench/discovery.py --users $(BENCH_USERS) --database-url $(BENCH_DATABASE_URL)

# Message delivery latency across two processes (PostgreSQL + Redis on loopback) and the cost of
# open streams to a gthread worker; see bench/README.md.
bench-messages: install-bench
	$(BIN)/python bench/messages.py

# What the app adds to the SQL of each hot endpoint, and swipe vs bare throughput under gunicorn
# (PostgreSQL + Redis on loopback, about 3 minutes); see bench/README.md.
bench-overhead: install-bench
	$(BIN)/python bench/overhead.py

# Lighthouse (mobile) scores of the main pages, served by gunicorn on loopback: not a CI gate.
lighthouse: install-test frontend
	cd bench/lighthouse && npm ci --no-audit --no-fund && node run.mjs

# N open event streams against gevent workers (PostgreSQL + Redis on loopback): API latency with
# and without them, delivery among them, memory per stream; see bench/README.md.
STREAMS ?= 10000

bench-streams: install-bench
	$(BIN)/python bench/streams.py --streams $(STREAMS)

# A burst of signups at bcrypt cost 12 per BLOCKING_POOL_THREADS value, with ping and health
# measured meanwhile (PostgreSQL on loopback); see bench/README.md.
bench-signups: install-bench
	$(BIN)/python bench/signups.py

clean:
	rm -rf $(VENV) frontend/dist frontend/node_modules tests/e2e/node_modules
