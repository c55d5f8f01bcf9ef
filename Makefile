# Neighbourhood Portal: `make run` to try it, `make test` to check it.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORTAL := $(BIN)/portal
# Extra pip arguments for torch, e.g. a CPU-only wheel index on a laptop without one on disk.
TORCH_PIP_ARGS ?=
HOST ?= 127.0.0.1
PORT ?= 8000

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export RASA_TELEMETRY_ENABLED := false

.PHONY: help install run seed serve test test-anywhere lint bench eval assets fonts translations browser screenshots bot-install bot-train

help:
	@echo "make run    install, load the demonstration directory, build the index, train the assistant, serve http://$(HOST):$(PORT)/"
	@echo "make test   install, then run the whole test suite"
	@echo "make test-anywhere  the suite in a narrow terminal, other time zones, and on a frozen Sunday night and bank holiday"
	@echo "make bench  measure search speed and quality, writing bench/results.md"
	@echo "make eval   search relevance on held-out, then development, queries"
	@echo "make lint   ruff"
	@echo "make assets        rebuild portal/static from the npm registry (design system, htmx, axe-core)"
	@echo "make translations  extract messages, update every catalogue in locales/, compile them"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"' || \
	  { echo "Python 3.11+ is needed: install it (e.g. 'pyenv install 3.11') or run 'make PYTHON=/path/to/python3.11 ...'"; exit 1; }
	$(PYTHON) -m venv $(VENV)

# Reinstalls only when pyproject.toml changes; torch first so nothing pulls a CUDA build.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0 $(TORCH_PIP_ARGS)
	$(BIN)/pip install --quiet -e ".[test,bench]"
	@touch $@

install: $(VENV)/.installed

seed: install
	$(PORTAL) directory seed

serve: install
	$(PORTAL) serve --host $(HOST) --port $(PORT)

# Everything: the portal, the API, and the assistant (Rasa and its action server), all on loopback.
run: seed bot-train
	$(PORTAL) serve --host $(HOST) --port $(PORT) --assistant

# Browser tests drive Debian's Chromium (never a downloaded browser); point PORTAL_CHROMIUM at another to skip apt.
PORTAL_CHROMIUM ?= /usr/bin/chromium
export PORTAL_CHROMIUM
APT := $(if $(filter 0,$(shell id -u)),,sudo) env DEBIAN_FRONTEND=noninteractive apt-get
browser:
	@test -x "$(PORTAL_CHROMIUM)" || { echo "Installing Debian's chromium for the browser tests"; \
	  $(APT) update -qq && $(APT) install -y -qq chromium chromium-driver >/dev/null; }
	@test -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf || ! command -v apt-get >/dev/null || \
	  { echo "Installing DejaVu fonts, so PDF reports keep residents' letters"; \
	  $(APT) install -y -qq fonts-dejavu-core >/dev/null || echo "(no DejaVu: PDFs fall back to Latin-1)"; }
	@test -f /usr/share/fonts/truetype/noto/NotoSansBengali-Regular.ttf || ! command -v apt-get >/dev/null || \
	  { echo "Installing Noto fonts, so PDF reports and the browser tests show Arabic and Bengali"; \
	  $(APT) install -y -qq fonts-noto-core >/dev/null || echo "(no Noto: PDFs keep DejaVu's letters only)"; }

test: install browser bot-train
	$(BIN)/ruff check .
	cd bot && .venv/bin/rasa data validate --fail-on-warnings --quiet
	cd bot && PYTHONPATH=. .venv/bin/python -m unittest discover -s tests -t . -q
	cd bot && PYTHONPATH=. .venv/bin/rasa test core --stories tests/test_stories.yml -m models/current.tar.gz \
	  --fail-on-prediction-errors --out results --quiet
	PORTAL_REQUIRE_BROWSER=1 PORTAL_REQUIRE_ASSISTANT=1 $(BIN)/python -m pytest

# The whole suite again where it is easiest to break: a 40-column terminal on the other side of the world, then
# the clock frozen on a Sunday at 23:30 and on a bank holiday morning (London time), each in another time zone.
test-anywhere: install browser bot-train
	COLUMNS=40 TZ=Pacific/Auckland PORTAL_REQUIRE_BROWSER=1 PORTAL_REQUIRE_ASSISTANT=1 $(BIN)/python -m pytest
	PORTAL_TEST_CLOCK=2026-12-27T23:30 TZ=America/Los_Angeles PORTAL_REQUIRE_BROWSER=1 $(BIN)/python -m pytest
	PORTAL_TEST_CLOCK=2026-12-28T09:15 TZ=Asia/Kolkata COLUMNS=40 PORTAL_REQUIRE_BROWSER=1 $(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .

bench: install bot-install
	@command -v wrk >/dev/null || { echo "Installing wrk for the page load benchmark"; \
	  $(APT) update -qq && $(APT) install -y -qq wrk >/dev/null; }
	$(BIN)/python -m bench.run

# Search relevance alone: held-out figures (what is reported), then development ones (what was tuned on).
eval: install
	HF_HUB_OFFLINE=1 $(BIN)/python -m bench.relevance --split heldout
	HF_HUB_OFFLINE=1 $(BIN)/python -m bench.relevance --split dev

screenshots: install browser
	@fc-list | grep -qi bengali || $(APT) install -y -qq fonts-lohit-beng-bengali >/dev/null  # the picker shows বাংলা
	$(BIN)/python -m docs.screenshots

# Front-end files are built from pinned npm packages and committed, so running the portal needs no Node.js.
FRONTEND := frontend
assets:
	cd $(FRONTEND) && npm ci --no-audit --no-fund
	cd $(FRONTEND) && npx sass --pkg-importer=node --style=compressed --no-source-map portal.scss ../portal/static/portal.css
	mkdir -p portal/static/vendor tests/browser/vendor
	cp $(FRONTEND)/node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js portal/static/vendor/
	cp $(FRONTEND)/node_modules/htmx.org/dist/htmx.min.js portal/static/vendor/
	cp $(FRONTEND)/node_modules/htmx.org/LICENSE portal/static/vendor/htmx.LICENSE.txt
	cp $(FRONTEND)/node_modules/axe-core/axe.min.js tests/browser/vendor/
	cp $(FRONTEND)/node_modules/axe-core/LICENSE tests/browser/vendor/axe-core.LICENSE.txt

# The portal's own Bengali webfont, for kiosks and phones without one: Noto Sans Bengali from Debian's
# fonts-noto-core, cut to the Bengali block (OpenType layout kept, so conjuncts form), and a few-kilobyte cut
# holding only the Bengali every page shows (the language's own name in the language list). Output is committed.
NOTO := /usr/share/fonts/truetype/noto
fonts: install
	test -f $(NOTO)/NotoSansBengali-Regular.ttf || $(APT) install -y -qq fonts-noto-core
	$(BIN)/pip install --quiet fonttools==4.69.1 brotli==1.2.1
	for weight in Regular Bold; do $(BIN)/pyftsubset $(NOTO)/NotoSansBengali-$$weight.ttf \
	  --unicodes="U+0980-09FF,U+200C-200D,U+25CC" --layout-features='*' --flavor=woff2 \
	  --output-file=portal/static/fonts/noto-sans-bengali-$$(echo $$weight | tr A-Z a-z).woff2; done
	$(BIN)/python -m portal.i18n bn > frontend/bengali-names.txt
	$(BIN)/pyftsubset $(NOTO)/NotoSansBengali-Regular.ttf --text-file=frontend/bengali-names.txt \
	  --layout-features='*' --flavor=woff2 --output-file=portal/static/fonts/noto-sans-bengali-names.woff2

LOCALES := locales
LANGS := pl pt es tr so fr ar bn
translations: install
	$(BIN)/pybabel extract -F babel.cfg -k N_ --no-location --sort-by-file -o $(LOCALES)/messages.pot \
	  --project="Neighbourhood Portal" --copyright-holder="Neighbourhood Portal contributors" .
	for lang in $(LANGS); do \
	  if [ -f $(LOCALES)/$$lang/LC_MESSAGES/messages.po ]; then \
	    $(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -i $(LOCALES)/messages.pot -d $(LOCALES) -l $$lang; \
	  else $(BIN)/pybabel init -i $(LOCALES)/messages.pot -d $(LOCALES) -l $$lang; fi; \
	done
	$(BIN)/pybabel compile --statistics -d $(LOCALES)

# The assistant: Rasa Open Source 3.6 needs Python 3.10, so it has its own environment in bot/.venv.
PYTHON310 ?= $(shell for p in $$(ls -d $$(pyenv root 2>/dev/null)/versions/3.10*/bin/python3.10 2>/dev/null) \
  $$(command -v python3.10); do $$p -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null \
  && echo $$p && break; done)
BOT_VENV := bot/.venv
BOT_BIN := $(BOT_VENV)/bin
BOT_SOURCES := bot/config.yml bot/domain.yml $(wildcard bot/data/*.yml) $(wildcard bot/components/*.py)

$(BOT_VENV)/.installed: bot/requirements.txt bot/constraints.txt
	@test -n "$(PYTHON310)" || { echo "The assistant needs Python 3.10 (Rasa 3.6 does not run on newer)."; \
	  echo "Install it with 'pyenv install 3.10', or run: make PYTHON310=/path/to/python3.10 ..."; exit 1; }
	$(PYTHON310) -m venv $(BOT_VENV)
	$(BOT_BIN)/pip install --quiet -r bot/requirements.txt -c bot/constraints.txt
	@touch $@

bot-install: $(BOT_VENV)/.installed

# Trains only when the configuration, domain, training data or components changed.
bot/models/current.tar.gz: $(BOT_SOURCES) | $(BOT_VENV)/.installed
	cd bot && .venv/bin/rasa train --quiet --fixed-model-name current --out models
	@touch $@

bot-train: bot/models/current.tar.gz
