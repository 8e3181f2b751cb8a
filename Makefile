# 政社 Zhengshe — two commands on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export ZHENGSHE_DATA_DIR ?= $(CURDIR)/data

.PHONY: demo test test-pg deps system-deps assets serve bench lint clean

demo: deps
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py collectstatic --noinput -v0
	$(VENV)/bin/zhengshe demo
	DJANGO_SETTINGS_MODULE=config.settings.prod ./scripts/serve.sh

test: deps
	$(VENV)/bin/pytest -n 2 --dist loadgroup -q $(PYTEST_ARGS)

# The same suite against PostgreSQL (DATABASE_URL must point at a server; .ci/run sets it).
test-pg: deps
	$(VENV)/bin/pytest -n 2 --dist loadgroup -q $(PYTEST_ARGS)

deps: system-deps $(STAMP) assets

system-deps:
	@./scripts/system_deps.sh

$(STAMP): pyproject.toml
	test -x $(PY) || $$(./scripts/find_python.sh) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[test]"
	touch $(STAMP)

assets: zhengshe/static/vendor/.done

zhengshe/static/vendor/.done: package.json
	npm install --no-audit --no-fund --loglevel=error
	./scripts/vendor_assets.sh
	touch $@

serve: deps
	DJANGO_SETTINGS_MODULE=config.settings.prod ./scripts/serve.sh

bench: deps
	$(PY) -m bench $(BENCH_ARGS)

lint: deps
	$(VENV)/bin/ruff check zhengshe config bench

clean:
	rm -rf $(VENV) node_modules zhengshe/static/vendor data/staticfiles
