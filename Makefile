# The two commands a newcomer needs: `make run` and `make test`. CI runs `make ci`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PG_URL ?= postgres://postgres@127.0.0.1:5432/scrutiny_ci
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test ci lint checks test-sqlite test-postgres test-browser assets venv demo empty worker audit bench bench-scale clean

# The lock file lists every package, so pip installs exactly it (--no-deps) and checks it is
# complete: resolving again would let pip 23's handling of extras (fonttools[woff]) reach
# for a newer release than the one locked and refuse it under --require-hashes.
$(VENV)/.installed: requirements/dev.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check --no-deps --require-hashes -r requirements/dev.txt
	$(PIP) check --disable-pip-version-check
	touch $@

venv: $(VENV)/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static/build/portal.css: node_modules/.installed static/scss/portal.scss
	mkdir -p static/build static/vendor/govuk/assets
	npx --no-install sass --no-source-map --style=compressed --quiet-deps --silence-deprecation=import --load-path=node_modules static/scss/portal.scss static/build/portal.css
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js static/vendor/govuk/
	cp -r node_modules/govuk-frontend/dist/govuk/assets/images static/vendor/govuk/assets/
	mkdir -p static/vendor/axe && cp node_modules/axe-core/axe.min.js static/vendor/axe/

assets: static/build/portal.css

demo: venv assets
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo_data

# DEMO=0 starts an empty portal instead: migrate, create the first administrator (its password
# is printed once) and serve; the administrator signs in and enters the council (docs/setup.md).
DEMO ?= 1
ifeq ($(DEMO),0)
# Its own database (unless DATABASE_URL is given), so the demo's is left alone.
DATABASE_URL ?= sqlite:///$(CURDIR)/var/empty.sqlite3
export DATABASE_URL
endif

empty: venv assets
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py setup_council

run: $(if $(filter 0,$(DEMO)),empty,demo)
	$(if $(filter 0,$(DEMO)),,$(PY) manage.py demo_logins)
	@$(PY) manage.py email_backend
	@echo "Serving on http://$(HOST):$(PORT) (a background task worker runs alongside; Ctrl-C stops both)"
	@trap 'kill 0' EXIT; $(PY) manage.py db_worker --queue-name default --interval 1 & \
	  $(PY) manage.py runserver $(HOST):$(PORT)

worker: venv
	$(PY) manage.py db_worker --queue-name default

# The whole suite on the embedded SQLite database, browser tests included.
test: venv assets
	$(PY) -m pytest -q

# lint-imports checks the one-way app chain (the layers contract in pyproject.toml).
lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

checks: venv assets
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	PRODUCTION=true SECRET_KEY=ci-check-$$(head -c 48 /dev/urandom | base64 | tr -dc A-Za-z0-9) ALLOWED_HOSTS=portal.example.org $(PY) manage.py check --deploy --fail-level WARNING

audit: venv
	$(VENV)/bin/pip-audit --strict --disable-pip -r requirements/base.txt --progress-spinner off || \
	  (echo "pip-audit could not complete (see above)"; exit 1)

# PostgreSQL-only tests (search ranking) are deselected here and run in test-postgres,
# so CI skips nothing.
test-sqlite: venv assets
	$(PY) -m pytest -q -m "not browser and not postgres"

# The read replica tests use a second connection to the same database as "replica".
test-postgres: venv assets
	DATABASE_URL=$(PG_URL) DATABASE_REPLICA_URL=$(PG_URL) $(PY) -m pytest -q -m "not browser"

test-browser: venv assets
	REQUIRE_BROWSER=1 $(PY) -m pytest -q -m browser

# The two database runs are independent single-process pytest runs: side by side they use
# both cores and keep make ci well inside its time; output is printed per run when it ends.
ci: lint checks
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres
	$(MAKE) --no-print-directory test-browser

# Benchmarks print their figures last; see the README's performance section.
bench: venv assets
	$(PY) bench/pack_build.py
	$(PY) bench/search.py

bench-scale: venv assets
	$(PY) bench/dataset.py
	$(PY) bench/queries.py
	$(PY) bench/load.py

clean:
	rm -rf $(VENV) node_modules static/build static/vendor var staticfiles
