# Friender: `make run` serves the app and API on http://127.0.0.1:$(PORT); `make test` runs every suite.
# Both install what they need first, so they work on a fresh clone.

PYTHON ?= python3
PORT ?= 5000
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app friender
# One process while events fan out in-process; with REDIS_URL set, several processes share Redis.
WORKERS ?= $(if $(REDIS_URL),2,1)

.PHONY: install run dev migrate seed frontend test lint test-backend test-frontend test-e2e loadtest bench-discovery bench-messages clean

install: $(VENV)/.installed

$(VENV)/.installed: backend/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e 'backend[test]'
	touch $@

frontend:
	@if [ -f frontend/package.json ]; then \
		cd frontend && npm ci --no-audit --no-fund && npm run build; \
	else echo "frontend/ not present: serving the API only"; fi

migrate: install
	$(FLASK) db upgrade

seed: migrate
	@if [ -f seed.py ]; then $(BIN)/python seed.py --if-empty; fi

run: install frontend migrate seed
	@echo "Friender on http://127.0.0.1:$(PORT) (API docs: http://127.0.0.1:$(PORT)/api/docs)"
	$(BIN)/gunicorn -c python:friender.gunicorn_config --bind 127.0.0.1:$(PORT) --workers $(WORKERS) \
		--access-logfile - 'friender:create_app()'

dev: install migrate
	$(FLASK) run --debug --port $(PORT)

test: install lint test-backend test-frontend test-e2e

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test-backend: install
	$(BIN)/pytest

test-frontend:
	@if [ -f frontend/package.json ]; then cd frontend && npm ci --no-audit --no-fund && npm test; fi

test-e2e:
	@if [ -f tests/e2e/package.json ]; then $(MAKE) frontend && cd tests/e2e && npm ci --no-audit --no-fund && npm test; fi

# Bounded load test against gunicorn + PostgreSQL on loopback (about 3 minutes); see bench/README.md.
loadtest: install
	$(BIN)/pip install --quiet -e 'backend[bench]'
	$(BIN)/python bench/loadtest.py

# Discovery at scale in its own PostgreSQL database (rebuilt from scratch): BENCH_USERS=20000 for a quick run.
BENCH_USERS ?= 1000000
BENCH_DATABASE_URL ?= postgresql+psycopg2://postgres@127.0.0.1:5432/bench_discovery

bench-discovery: install
	$(BIN)/python bench/discovery.py --users $(BENCH_USERS) --database-url $(BENCH_DATABASE_URL)

# Message delivery latency across two processes (PostgreSQL + Redis on loopback) and the cost of
# open streams to a gthread worker; see bench/README.md.
bench-messages: install
	$(BIN)/python bench/messages.py

clean:
	rm -rf $(VENV) frontend/dist frontend/node_modules tests/e2e/node_modules
