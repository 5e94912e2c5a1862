# keqi — two commands: `make demo` and `make test`. Both set everything up themselves.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/keqi
PORT ?= 8000
# The demo data is the 2019 campaign; pages default to this day (KEQI_BUSINESS_DATE).
DEMO_DATE ?= 2019-09-30

.PHONY: install demo test test-sqlite test-postgres lint docs clean serve

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP) ## .venv with the `keqi` command in .venv/bin/keqi

demo: $(STAMP) ## set up SQLite, load demo data, print accounts, serve on 127.0.0.1:$(PORT) (make demo PORT=8001)
	KEQI_DEBUG=1 $(BIN)/keqi init
	KEQI_DEBUG=1 $(BIN)/keqi demo
	KEQI_DEBUG=1 KEQI_BUSINESS_DATE=$(DEMO_DATE) KEQI_CSRF_TRUSTED_ORIGINS=http://127.0.0.1:$(PORT) $(BIN)/keqi serve --host 127.0.0.1 --port $(PORT)

docs: $(STAMP) ## regenerate the generated docs (docs/cli.md from every --help, glossary's model tables)
	$(BIN)/python -m keqi.core.docs_cli > docs/cli.md.tmp && mv docs/cli.md.tmp docs/cli.md
	$(BIN)/python -m keqi.core.docs_glossary

test: $(STAMP) lint test-sqlite test-postgres ## the whole suite, on SQLite and (when reachable) PostgreSQL

lint: $(STAMP)
	$(BIN)/ruff check keqi bench tests conftest.py
	$(BIN)/ruff format --check keqi bench tests conftest.py
	$(BIN)/lint-imports
	KEQI_TESTING=1 $(BIN)/mypy keqi
	KEQI_TESTING=1 $(BIN)/python manage.py makemigrations --check --dry-run

test-sqlite: $(STAMP)
	KEQI_DATABASE_URL=sqlite:///:memory: $(BIN)/python -m pytest -q

# Runs on PostgreSQL when KEQI_TEST_POSTGRES is set (required) or a local server answers.
test-postgres: $(STAMP)
	@if [ -n "$$KEQI_TEST_POSTGRES" ] || $(BIN)/python -c "import psycopg; psycopg.connect('$(PG_URL)'.replace('/keqi','/postgres'), connect_timeout=2)" 2>/dev/null; then \
		echo "== PostgreSQL =="; \
		env -u KEQI_SLOW KEQI_DATABASE_URL=$(PG_URL) $(BIN)/python -m pytest -q -p no:randomly -m "not browser"; \
	else echo "PostgreSQL 不可用，跳过 PostgreSQL 测试 (PostgreSQL not reachable; skipped)"; fi

clean:
	rm -rf $(VENV) var
