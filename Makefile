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
# Front end: ECharts from the npm registry (package-lock.json), copied into the
# git-ignored static_build/ that Django serves; nothing vendored, no CDN.
NPM_STAMP := node_modules/.keqi-installed
ECHARTS := static_build/keqi/vendor/echarts.min.js

.PHONY: install demo test test-sqlite test-postgres lint docs clean serve screenshots

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

$(NPM_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "未找到 npm：请安装 Node.js 20 和 npm（Debian：apt-get install nodejs npm）后重试。npm not found: install Node.js 20 and npm, then run make again." >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(ECHARTS): $(NPM_STAMP)
	@mkdir -p $(dir $@)
	cp node_modules/echarts/dist/echarts.min.js $@
	cp node_modules/echarts/LICENSE $(dir $@)echarts.LICENSE.txt

install: $(STAMP) $(ECHARTS) ## .venv with the `keqi` command in .venv/bin/keqi, and ECharts built into static_build/

# The demo is served like production (no DEBUG), so a stale link or another town's
# enterprise shows the Chinese 404 page, not Django's English debug page; plain http,
# so no secure cookies.
demo: $(STAMP) $(ECHARTS) ## set up SQLite, load demo data, print accounts, serve on 127.0.0.1:$(PORT) (make demo PORT=8001)
	KEQI_DEBUG=1 $(BIN)/keqi init
	KEQI_DEBUG=1 $(BIN)/keqi demo
	KEQI_DEBUG=0 KEQI_SECURE_COOKIES=0 KEQI_BUSINESS_DATE=$(DEMO_DATE) KEQI_CSRF_TRUSTED_ORIGINS=http://127.0.0.1:$(PORT) $(BIN)/keqi serve --host 127.0.0.1 --port $(PORT)

docs: $(STAMP) ## regenerate the generated docs (docs/cli.md from every --help, glossary's model tables)
	$(BIN)/python -m keqi.core.docs_cli > docs/cli.md.tmp && mv docs/cli.md.tmp docs/cli.md
	$(BIN)/python -m keqi.core.docs_glossary

screenshots: $(STAMP) $(ECHARTS) ## PNGs of the main pages with the demo data into docs/screenshots/ (scratch database; needs /usr/bin/chromium)
	$(BIN)/python -m keqi.core.screenshots --out docs/screenshots

test: $(STAMP) $(ECHARTS) lint test-sqlite test-postgres ## the whole suite, on SQLite and (when reachable) PostgreSQL

lint: $(STAMP)
	$(BIN)/ruff check keqi bench tests conftest.py
	$(BIN)/ruff format --check keqi bench tests conftest.py
	$(BIN)/lint-imports
	KEQI_TESTING=1 $(BIN)/mypy keqi
	KEQI_TESTING=1 $(BIN)/python manage.py makemigrations --check --dry-run

test-sqlite: $(STAMP) $(ECHARTS)
	KEQI_DATABASE_URL=sqlite:///:memory: $(BIN)/python -m pytest -q -rs

# Runs on PostgreSQL when KEQI_TEST_POSTGRES is set (required) or a local server answers.
test-postgres: $(STAMP) $(ECHARTS)
	@if [ -n "$$KEQI_TEST_POSTGRES" ] || $(BIN)/python -c "import psycopg; psycopg.connect('$(PG_URL)'.replace('/keqi','/postgres'), connect_timeout=2)" 2>/dev/null; then \
		echo "== PostgreSQL =="; \
		env -u KEQI_SLOW KEQI_DATABASE_URL=$(PG_URL) $(BIN)/python -m pytest -q -p no:randomly -m "not browser"; \
	else echo "PostgreSQL 不可用，跳过 PostgreSQL 测试 (PostgreSQL not reachable; skipped)"; fi

clean:
	rm -rf $(VENV) var node_modules static_build
