# go-cluster assistant. `make run` and `make test` work on a fresh clone with Python 3.10.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Rasa 3.6 needs Python 3.10. Take `python3.10` from PATH if it runs, else a pyenv install.
PYTHON310 ?= $(shell for p in python3.10 $$HOME/.pyenv/versions/3.10*/bin/python3.10 /usr/local/bin/python3.10 /usr/bin/python3.10; do \
	$$p -c 'import sys; assert sys.version_info[:2] == (3, 10)' >/dev/null 2>&1 && { echo $$p; break; }; done)
VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
INSTALLED := $(VENV)/.installed
# pip 26.3: pip 24.0 had CVE-2025-8869 and CVE-2026-3219 (see SECURITY-DEPENDENCIES.md); same lock, same pip check.
PIP_VERSION := 26.3
SPACY_PIPELINE := models/spacy_de/gocluster-source.json
MODEL := models/gocluster.tar.gz
# Debian's Chromium for the widget's browser tests (Playwright drives it; nothing is downloaded).
CHROMIUM := /usr/bin/chromium
# Debian's HAProxy: the balancer of `make cluster` (and of the cluster tests).
HAPROXY := /usr/sbin/haproxy
# `make cluster`: servers of each kind on this machine (RASA_SERVERS=3 make cluster …).
RASA_SERVERS ?= 2
ACTION_SERVERS ?= 2
WEB_SERVERS ?= 2
# `make audit`: pip-audit in a throw-away environment of its own (never in $(VENV)).
AUDIT_VENV := var/auditenv
PIP_AUDIT_VERSION := 2.10.1
AUDIT_FLAGS ?=
TRAINING_INPUTS := config.yml domain.yml $(shell find data -name '*.yml' 2>/dev/null) $(wildcard content/*.yml) \
	$(SPACY_PIPELINE) $(wildcard rasa_ext/*.py) $(wildcard bot/nlp/*.py) $(wildcard bot/knowledge/*.py) $(wildcard bot/language/*.py) bot/rasa_data.py

# No telemetry from Rasa (privacy, and these machines have no internet), quiet TensorFlow.
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONDONTWRITEBYTECODE := 1
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export TQDM_DISABLE := 1

.PHONY: help install pipeline sync train run cluster lint test test-python validate test-stories bench lock audit clean

help:
	@echo "make run    – installieren, Sprachpipeline bauen, trainieren (falls nötig), Bot starten"
	@echo "make cluster – mehrere Rasa-, Action- und Webserver hinter HAProxy (braucht PostgreSQL und Redis, siehe README)"
	@echo "make test   – installieren (falls nötig) und alle Tests ausführen (zuerst make lint)"
	@echo "make lint   – statische Prüfungen: ruff (Stil, Importe, Formatierung) und mypy (Typen in bot/)"
	@echo "make bench  – Leistungsmessung: Standard-Bot aus rasa init gegen diesen Assistenten (startet beide selbst)"
	@echo "make audit  – gesperrte Pakete mit pip-audit auf bekannte Schwachstellen prüfen (braucht Internet)"

# Exactly the lock, without resolving: aiohttp from overrides.txt sits above Rasa's cap, which pip's
# resolver would refuse. The second install only checks that requirements.txt and overrides.txt agree
# with the lock (it installs nothing); bin/pip-check allows only the documented aiohttp conflict.
$(INSTALLED): requirements.txt overrides.txt constraints.txt bin/pip-check
	@test -n "$(PYTHON310)" || { echo "Python 3.10 nicht gefunden (Rasa 3.6 läuft nur damit)." >&2; exit 1; }
	@echo "Installiere Abhängigkeiten mit $(PYTHON310) in $(VENV) ..."
	rm -rf $(VENV)
	$(PYTHON310) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip==$(PIP_VERSION)"
	$(PY) -m pip install --quiet --no-deps -r constraints.txt
	$(PY) -m pip install --quiet --no-deps -r requirements.txt -r overrides.txt -c constraints.txt
	$(PY) bin/pip-check
	touch $@

install: $(INSTALLED)

$(SPACY_PIPELINE): $(INSTALLED) bot/nlp/build_pipeline.py
	$(PY) -m bot.nlp.build_pipeline models/spacy_de

pipeline: $(SPACY_PIPELINE)

# Files generated from content/ (FAQ rules, glossary lookup, FAQ intents in domain.yml).
sync: $(INSTALLED)
	$(PY) -m bot sync-rasa

# Rasa files generated from content/ are refreshed first, so a new glossary term or FAQ entry
# needs nothing but the content change.
$(MODEL): $(INSTALLED) $(TRAINING_INPUTS)
	$(PY) -m bot sync-rasa
	$(RASA) train --fixed-model-name gocluster --out models
	touch $@

train: $(MODEL)

run: $(MODEL)
	$(PY) -m bot serve --model $(MODEL)

$(HAPROXY):
	@echo "Installiere HAProxy (Lastverteiler) ..."
	@if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >/dev/null; \
	elif command -v sudo >/dev/null 2>&1; then sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >/dev/null; \
	else echo "HAProxy fehlt und kann ohne Root nicht installiert werden: apt-get install haproxy" >&2; exit 1; fi

# The scale-out topology on this machine; DATABASE_URL, TRACKER_DATABASE_URL (PostgreSQL) and
# LOCK_STORE_URL (Redis) come from the environment (README "Betrieb mit mehreren Servern").
cluster: $(MODEL) $(HAPROXY)
	$(PY) -m bot serve --model $(MODEL) --rasa-servers $(RASA_SERVERS) --action-servers $(ACTION_SERVERS) \
		--web-servers $(WEB_SERVERS)

validate: $(INSTALLED)
	$(RASA) data validate --fail-on-warnings

$(CHROMIUM):
	@echo "Installiere Chromium für die Browsertests ..."
	@if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	elif command -v sudo >/dev/null 2>&1; then sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "Chromium fehlt und kann ohne Root nicht installiert werden: apt-get install chromium" >&2; exit 1; fi

# bin/test-services: this machine's PostgreSQL and Redis, or throw-away instances where none answers
# (installed from Debian's packages if missing); the tests create and drop databases of their own.
test-python: $(MODEL) $(CHROMIUM)
	$(PY) bin/test-services $(PY) -m pytest

test-stories: $(MODEL)
	$(RASA) test core --model $(MODEL) --stories tests/stories --e2e --fail-on-prediction-errors --out var/results/stories

# Static checks (pyproject.toml: [tool.ruff], [tool.mypy]): lint, format, types; the first step of `make test`.
lint: $(INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

test: lint $(MODEL)
	$(MAKE) validate
	$(MAKE) test-python
	$(MAKE) test-stories

# The stock `rasa init` bot against this assistant (one process, and the cluster on PostgreSQL and
# Redis from bin/test-services), README "Leistung".
bench: $(MODEL) $(HAPROXY)
	$(PY) bin/test-services $(PY) -m bench

# Re-resolve the lock file from requirements.txt in a scratch environment, then install the
# overrides over it (pip warns about Rasa's aiohttp cap; bin/pip-check accepts only that).
lock:
	rm -rf var/lockenv && $(PYTHON310) -m venv var/lockenv
	var/lockenv/bin/pip install --quiet "pip==$(PIP_VERSION)" && var/lockenv/bin/pip install --quiet -r requirements.txt
	var/lockenv/bin/pip install --quiet -r overrides.txt
	var/lockenv/bin/python bin/pip-check
	{ echo "# Full lock of the Python 3.10 environment: \`pip freeze --all --exclude pip\` of a clean install of"; \
	  echo "# requirements.txt followed by overrides.txt. \`make install\` installs exactly these versions (--no-deps)"; \
	  echo "# and runs bin/pip-check. Regenerate with: make lock"; \
	  var/lockenv/bin/pip freeze --all --exclude pip; } > constraints.txt
	rm -rf var/lockenv

# Known vulnerabilities of the locked packages: what $(VENV) has installed (pip freeze, including pip,
# setuptools and wheel) or, before `make install`, constraints.txt. Needs internet (PyPI's JSON API or
# OSV, `make audit AUDIT_FLAGS="-s osv"`); without it bin/audit says so and exits 2, on findings 1.
# Not part of `make test`.
audit:
	@test -n "$(PYTHON310)" || { echo "Python 3.10 nicht gefunden." >&2; exit 1; }
	@rm -rf $(AUDIT_VENV) && $(PYTHON310) -m venv $(AUDIT_VENV)
	@$(AUDIT_VENV)/bin/python -m pip install --quiet "pip-audit==$(PIP_AUDIT_VERSION)" || { \
	  echo "pip-audit ließ sich nicht installieren (kein Zugang zum Paketindex?)." >&2; rm -rf $(AUDIT_VENV); exit 2; }
	@if [ -f $(INSTALLED) ]; then echo "Prüfe die installierten Pakete in $(VENV) ..."; $(PY) -m pip freeze --all > $(AUDIT_VENV)/locked.txt; \
	  else echo "Prüfe constraints.txt ($(VENV) ist nicht installiert) ..."; \
	  { grep -v '^#' constraints.txt; echo "pip==$(PIP_VERSION)"; } > $(AUDIT_VENV)/locked.txt; fi
	@$(AUDIT_VENV)/bin/python bin/audit $(AUDIT_VENV)/bin/pip-audit $(AUDIT_VENV)/locked.txt $(AUDIT_FLAGS); \
	  status=$$?; rm -rf $(AUDIT_VENV); exit $$status

clean:
	rm -rf $(VENV) models var/results
