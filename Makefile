# Sosoon: `make run` serves the platform, `make test` runs the suite, `make bench` benchmarks,
# `make rehearse` rehearses the production topology (docs/deploy.md, "Rehearsal"),
# `make screenshots` photographs the main pages for review, `make messages` gathers the strings
# to translate into locale/ (docs/translations.md).
# Everything installs from requirements-dev.lock into .venv; nothing else is needed but
# Python 3.11+; GNU gettext's msgfmt (Debian: apt-get install gettext) compiles the
# translations, and without it the site runs in English only. requirements.lock is the
# runtime subset that production installs.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

export DEBUG ?= 1

# The compiled catalogs (.mo) are built from the committed .po files, never committed.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po))
# What makemessages leaves out: installed packages, data, tests (no user sees their text).
MESSAGES_IGNORE := --ignore=.venv --ignore=var --ignore=tests --ignore=node_modules

.PHONY: run test bench rehearse screenshots lint install lock clean messages compilemessages

$(INSTALLED): requirements-dev.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Sosoon needs Python 3.11 or newer; set PYTHON=/path/to/python3.11")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements-dev.lock
	@touch $@

install: $(INSTALLED) compilemessages

# Every language in locale/ gathers the strings marked in templates/ and the apps (django.po)
# and in static/js (djangojs.po), keeping the translations already made; file-only locations
# keep merges of the catalog small.
messages: $(INSTALLED)
	$(PY) manage.py makemessages --all --no-obsolete --add-location file $(MESSAGES_IGNORE)
	$(PY) manage.py makemessages --all --no-obsolete --add-location file $(MESSAGES_IGNORE) --domain djangojs

compilemessages: $(MO_FILES)

%.mo: %.po
	@if command -v msgfmt >/dev/null; then \
		msgfmt --check --output-file $@.tmp $< && mv $@.tmp $@; \
	else \
		echo "msgfmt is missing, so $< is not compiled and the site runs in English only: install GNU gettext (Debian: apt-get install gettext)" >&2; \
	fi

run: $(INSTALLED) compilemessages
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py serve --host $(HOST) --port $(PORT)

test: $(INSTALLED) compilemessages
	$(PY) -m pytest $(PYTEST_ARGS)

# On PostgreSQL the page benchmark runs a second time on the embedded default (SQLite).
bench: $(INSTALLED) compilemessages
	$(PY) -m tests.bench
	@case "$$DATABASE_URL" in postgres*) $(PY) -m tests.bench --sqlite pages ;; esac

# Needs nginx, PostgreSQL (DATABASE_URL) and Redis (REDIS_URL; its database is flushed); as
# root the services run as `nobody`. `$(PY) -m tests.rehearsal --help` lists REHEARSAL_ARGS.
rehearse: $(INSTALLED) compilemessages
	$(PY) -m tests.rehearsal $(REHEARSAL_ARGS)

# Every main page at phone and laptop size in var/screenshots/ (needs /usr/bin/chromium).
screenshots: $(INSTALLED) compilemessages
	$(PY) -m tests.screenshots

lint: $(INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

# Re-resolve both locks after editing pyproject.toml (needs network access to PyPI).
lock: $(INSTALLED)
	$(PY) -m pip install --quiet uv
	$(VENV)/bin/uv pip compile pyproject.toml --generate-hashes --python-version 3.11 -o requirements.lock
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 -o requirements-dev.lock

clean:
	rm -rf $(VENV) var
