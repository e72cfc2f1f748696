# Gongzhi: `make run` serves the demo on http://127.0.0.1:8000; `make test` runs lint and the suite.
SHELL := /bin/bash
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
VENDOR := src/gongzhi/static/vendor
ENVFILE := var/gongzhi.env
PYTEST_ARGS ?=

.PHONY: run test lint format messages compilemessages assets install migrate demo check-fonts clean bench

$(BIN)/python:
	@command -v $(PY) >/dev/null 2>&1 || { echo "需要 Python 3.11 / Python 3.11 is required ($(PY))"; exit 1; }
	$(PY) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

$(VENDOR)/.copied: node_modules/.package-lock.json
	mkdir -p $(VENDOR)/htmx $(VENDOR)/bootstrap $(VENDOR)/echarts
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/
	cp node_modules/bootstrap/dist/css/bootstrap.min.css $(VENDOR)/bootstrap/
	cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js $(VENDOR)/bootstrap/
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/echarts/
	touch $@

assets: $(VENDOR)/.copied

compilemessages: install
	cd src/gongzhi && ../../$(BIN)/django-admin compilemessages --ignore=.venv -l zh_Hans >/dev/null

messages: install
	cd src/gongzhi && ../../$(BIN)/django-admin makemessages -l zh_Hans --ignore=static --ignore=.venv --no-obsolete --add-location=file
	@echo "Now translate the new entries in src/gongzhi/locale/zh_Hans/LC_MESSAGES/django.po"

# Secrets for the embedded demo, made once and kept in var/ (never committed).
$(ENVFILE): | $(BIN)/python
	mkdir -p var
	$(BIN)/python -c "import secrets,base64; print('SECRET_KEY=' + secrets.token_urlsafe(50)); print('GONGZHI_FIELD_KEYS=' + base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()); print('GONGZHI_HASH_KEY=' + secrets.token_urlsafe(32))" > $@
	chmod 600 $@

check-fonts:
	@if ! (command -v fc-list >/dev/null && fc-list :lang=zh | grep -q .); then \
	  echo "警告：未安装中文字体，截图和 PDF 中的中文会显示为方框。请安装 Debian 软件包 fonts-noto-cjk（apt-get install fonts-noto-cjk）。"; \
	  echo "Warning: no CJK font installed; Chinese renders as boxes in PDFs and screenshots. Install the Debian package fonts-noto-cjk."; \
	fi

migrate: install $(ENVFILE)
	set -a; . ./$(ENVFILE); set +a; $(BIN)/gongzhi migrate --noinput

demo: migrate
	set -a; . ./$(ENVFILE); set +a; $(BIN)/gongzhi demo

run: install assets compilemessages check-fonts $(ENVFILE)
	set -a; . ./$(ENVFILE); set +a; \
	  $(BIN)/gongzhi migrate --noinput && \
	  $(BIN)/gongzhi demo && \
	  $(BIN)/gongzhi serve

lint: install
	$(BIN)/ruff format --check src tests
	$(BIN)/ruff check src tests

format: install
	$(BIN)/ruff format src tests
	$(BIN)/ruff check --fix src tests

test: install assets compilemessages lint
	@if [ -x /usr/bin/chromium ]; then echo "browser tests: on (/usr/bin/chromium)"; else echo "browser tests: skipped (no /usr/bin/chromium; apt-get install chromium)"; fi
	$(BIN)/pytest -n 2 --durations=15 $(PYTEST_ARGS)

# Benchmarks on PostgreSQL, servers on loopback: quick mode generates the city data set at F = 0.1 into a
# scratch database (BENCH_DATABASE_URL); BENCH_SCALE, BENCH_FROM=db or BENCH_REUSE=1 for city scale (docs/operations.md).
bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var test-artifacts
