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

.PHONY: install demo test test-sqlite test-postgres lint docs clean serve screenshots bundle bundle-check

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

docs: $(STAMP) ## regenerate the generated docs (docs/cli.md from every --help, glossary's model tables, docs/rules.md from the engine)
	$(BIN)/python -m keqi.core.docs_cli > docs/cli.md.tmp && mv docs/cli.md.tmp docs/cli.md
	$(BIN)/python -m keqi.core.docs_glossary
	$(BIN)/python -m keqi.rules > docs/rules.md.tmp && mv docs/rules.md.tmp docs/rules.md

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

# Offline install (docs/deploy.md): one archive with every wheel (pinned runtime
# dependencies + keqi's own wheel carrying templates/static/plans as keqi/_home),
# the collected static files (ECharts included) and install.sh. The wheels are for
# this machine's CPU and CPython 3.11: build on the same architecture as the server.
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)
BUNDLE := keqi-bundle-$(VERSION)
BUNDLE_DIR := build/$(BUNDLE)
bundle: $(STAMP) $(ECHARTS) ## dist/keqi-bundle-<version>.tar.gz for servers without registry access
	rm -rf $(BUNDLE_DIR) && mkdir -p $(BUNDLE_DIR)/wheels dist
	$(BIN)/python deploy/stage_bundle.py . build/bundle-src
	$(BIN)/pip wheel --quiet --disable-pip-version-check --no-deps -w $(BUNDLE_DIR)/wheels build/bundle-src
	$(BIN)/pip download --quiet --disable-pip-version-check --only-binary=:all: -d $(BUNDLE_DIR)/wheels -r build/bundle-src/requirements-runtime.txt
	rm -rf build/bundle-var && KEQI_VAR_DIR=$(abspath build/bundle-var) KEQI_DATABASE_URL=sqlite:///:memory: $(BIN)/keqi manage collectstatic --noinput -v 0
	mv build/bundle-var/static $(BUNDLE_DIR)/static && rm -rf build/bundle-var
	test -f $(BUNDLE_DIR)/static/keqi/vendor/echarts.min.js
	sed 's/@VERSION@/$(VERSION)/' deploy/install.sh > $(BUNDLE_DIR)/install.sh && chmod 755 $(BUNDLE_DIR)/install.sh
	mkdir -p $(BUNDLE_DIR)/deploy $(BUNDLE_DIR)/docs
	cp deploy/*.service deploy/*.timer deploy/*.conf deploy/keqi.env.example $(BUNDLE_DIR)/deploy/
	cp docs/deploy.md $(BUNDLE_DIR)/docs/
	tar czf dist/$(BUNDLE).tar.gz -C build $(BUNDLE)
	@echo "已生成 dist/$(BUNDLE).tar.gz"

# CI: install the bundle into a fresh prefix with no registry (pip --no-index), then
# keqi --help, keqi init on a scratch SQLite database and one page through the site.
bundle-check: bundle
	rm -rf build/bundle-check && mkdir -p build/bundle-check
	tar xzf dist/$(BUNDLE).tar.gz -C build/bundle-check
	cd build/bundle-check && env -u KEQI_DATABASE_URL -u KEQI_VAR_DIR -u VIRTUAL_ENV \
		KEQI_PREFIX=$(abspath build/bundle-check/prefix) KEQI_NO_LINK=1 PIP_NO_INDEX=1 \
		./$(BUNDLE)/install.sh
	cd build/bundle-check && prefix/bin/keqi --help | grep -q 科企
	cd build/bundle-check && prefix/bin/keqi init
	cd build/bundle-check && prefix/bin/keqi backup check.tar.gz >/dev/null
	cd build/bundle-check && set -a && . prefix/keqi.env && set +a && \
		DJANGO_SETTINGS_MODULE=keqi.settings KEQI_ALLOWED_HOSTS=testserver prefix/venv/bin/python -c \
		"import django; django.setup(); from django.test import Client; c = Client(); \
		r = c.get('/accounts/login/'); assert r.status_code == 200 and '登录' in r.content.decode(), r.status_code; \
		r = c.get('/static/keqi/vendor/echarts.min.js'); assert r.status_code == 200, r.status_code; \
		r = c.get('/healthz'); assert r.status_code == 200, r.content; print('离线安装包检查通过')"
	rm -rf build/bundle-check

clean:
	rm -rf $(VENV) var node_modules static_build build dist
