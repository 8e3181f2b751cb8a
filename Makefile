# 政社 Zhengshe — two commands on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export ZHENGSHE_DATA_DIR ?= $(CURDIR)/data

.PHONY: demo test test-pg deps system-deps assets serve bench bench-pg lint clean

demo: deps
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py collectstatic --noinput -v0
	$(VENV)/bin/zhengshe demo
	DJANGO_SETTINGS_MODULE=config.settings.prod ./scripts/serve.sh

# pytest exit 5 = "no tests collected": a failure here too (a run that tested nothing proved nothing).
PYTEST = $(VENV)/bin/pytest -n 2 --dist loadgroup -q $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests (exit 5) — treated as a failure" >&2; fi; \
	exit $$status

# The layer contracts (pyproject.toml [tool.importlinter]) run first: a broken layer fails the suite.
IMPORTS = $(VENV)/bin/lint-imports --no-cache

test: deps
	@$(IMPORTS)
	@$(PYTEST)

# The same suite against PostgreSQL (DATABASE_URL must point at a server; .ci/run sets it).
test-pg: deps
	@case "$${DATABASE_URL:-}" in postgres*) ;; *) echo "test-pg: set DATABASE_URL=postgres://…" >&2; exit 2;; esac
	@$(IMPORTS)
	@$(PYTEST)

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

# Province-scale benchmark (bench/README.md): `make bench`, `make bench-pg`, BENCH_ARGS="--requests 100".
bench: deps
	$(PY) -m bench $(BENCH_ARGS)

bench-pg: deps
	$(PY) -m bench --db postgres $(BENCH_ARGS)

lint: deps
	$(VENV)/bin/ruff check zhengshe config bench
	$(VENV)/bin/lint-imports --no-cache

clean:
	rm -rf $(VENV) node_modules zhengshe/static/vendor data/staticfiles
