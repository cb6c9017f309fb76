# Two commands a newcomer needs: `make run` and `make test`. Both set up .venv on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint format migrations i18n-extract i18n-update bench bench-reports bench-mailing clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

# A random SECRET_KEY for a first local run; production sets its own in the environment.
.env:
	@test -f .env || $(PYTHON) -c 'import secrets; print("SECRET_KEY=" + secrets.token_urlsafe(48))' > .env

run: $(STAMP) .env
	$(PY) main.py migrate
	$(PY) main.py seed-demo --if-empty
	$(PY) main.py serve

test: $(STAMP)
	$(PY) -m pytest -q -p no:cacheprovider

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrations: $(STAMP)
	$(PY) main.py makemigrations

i18n-extract: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg -k N_ -k ngettext:1,2 -o locales/messages.pot --no-location --omit-header --sort-output .

i18n-update: i18n-extract
	$(VENV)/bin/pybabel update -i locales/messages.pot -d locales -D messages --no-fuzzy-matching --ignore-obsolete
	$(PY) tools/fill_source_catalog.py

bench: $(STAMP)
	$(PY) bench/webhook.py

# Issue 8's report speed on the generated data set (docs/performance.md, "Reports"), e.g.
# make bench-reports ARGS="--db postgres://postgres@127.0.0.1:5432/bench_reports --scale 0.05"
bench-reports: $(STAMP)
	$(PY) -m bench.reports $(ARGS)

# A campaign against a local Bot API server that enforces 30 messages/s (docs/performance.md,
# "Mailings"); PostgreSQL + Redis from DATABASE_URL/REDIS_URL, e.g. ARGS="--recipients 4000".
bench-mailing: $(STAMP)
	$(PY) bench/mailing.py $(ARGS)

clean:
	rm -rf $(VENV) data .pytest_cache
