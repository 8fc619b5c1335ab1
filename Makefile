# The two commands a newcomer types: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
CSS := static/build/app.css

.PHONY: run test bench install assets lint worker clean

# The venv is rebuilt whenever the declared dependencies change.
$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(CSS): node_modules/.installed $(wildcard static/scss/*.scss)
	mkdir -p static/build
	npx sass --load-path=node_modules --style=compressed --no-source-map --quiet-deps \
		--silence-deprecation=import --silence-deprecation=global-builtin \
		static/scss/app.scss $(CSS)

install: $(VENV)/.installed node_modules/.installed $(CSS)

assets: $(CSS)

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py runserver 127.0.0.1:8000

test: install
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest $(PYTEST_ARGS)

bench: install
	$(PY) bench/run.py

worker: install
	$(VENV)/bin/celery -A config worker --loglevel=info

lint: install
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) node_modules static/build db.sqlite3 media
