# The two commands a newcomer types: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
UV := $(VENV)/bin/uv
# uv installs from uv.lock; this is the one version of uv itself that the lock is read with.
UV_VERSION := 0.13.9
CSS := static/build/app.css

.PHONY: run test bench install assets lint worker clean upgrade

# The venv holds exactly what uv.lock pins (with its hashes). --locked refuses to install
# when the lock no longer matches pyproject.toml: run `make upgrade` (or `uv lock`) then.
$(VENV)/.installed: pyproject.toml uv.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	test -x $(UV) && $(UV) --version | grep -q " $(UV_VERSION) " || $(PIP) install --quiet "uv==$(UV_VERSION)"
	UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --locked --extra dev --inexact --no-install-project --quiet
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(CSS): node_modules/.installed $(wildcard static/scss/*.scss)
	mkdir -p static/build
	npx sass --load-path=node_modules --style=compressed --no-source-map \
		static/scss/app.scss $(CSS)

install: $(VENV)/.installed node_modules/.installed $(CSS)

assets: $(CSS)

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py runserver 127.0.0.1:8000

# The suite runs in TEST_PROCESSES processes (pytest-xdist); each has its own test database,
# media folder and Redis database (config/settings/test.py). TEST_PROCESSES=0 runs it in this
# process, e.g. one file:
#   make test TEST_PROCESSES=0 PYTEST_ARGS=tests/core/test_formats.py
# (a -n in PYTEST_ARGS wins too, since it comes last).
TEST_PROCESSES ?= 2

test: install
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest -n $(TEST_PROCESSES) --dist worksteal $(PYTEST_ARGS)

bench: install
	$(PY) bench/run.py

worker: install
	$(VENV)/bin/celery -A config worker --loglevel=info

lint: install
	$(VENV)/bin/ruff check .

# Both locks move to the newest releases that pyproject.toml and package.json allow.
upgrade:
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	test -x $(UV) || $(PIP) install --quiet "uv==$(UV_VERSION)"
	$(UV) lock --upgrade
	npm update --no-audit --no-fund
	@echo "Locks refreshed: run make test, then commit uv.lock and package-lock.json."

clean:
	rm -rf $(VENV) node_modules static/build db.sqlite3 media
