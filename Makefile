# Sanad — the commands a newcomer and CI use. `make run` and `make test` are all you need.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
LOCALES := content/locales
PYBABEL := $(BIN)/pybabel

.PHONY: run test install chromium compile messages new-language model check lint clean

run: install compile model  ## start Sanad on http://127.0.0.1:8000 (SQLite, in-process state)
	$(BIN)/sanad db upgrade
	$(BIN)/sanad run --host 127.0.0.1 --port 8000

test: install chromium compile model  ## install what the tests need and run the whole suite
	$(BIN)/sanad content check
	$(BIN)/ruff check bot nlu handlers tests bench
	$(BIN)/mypy bot nlu handlers
	$(BIN)/python -m pytest

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Sanad needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-* && touch $@

chromium:  ## Debian's chromium for the browser tests (installed when missing and we are root)
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "chromium is missing and we are not root: the browser tests will be skipped"; fi

compile: install  ## compile the gettext catalogs (.po -> .mo)
	$(PYBABEL) -q compile -d $(LOCALES) -D sanad

messages: install  ## extract translatable texts from code and flows, then update every catalog
	$(PYBABEL) -q extract -F content/babel.cfg -k Text:1c,2 -k Plural:1c,2,3 --no-location --sort-output \
		--project=Sanad --msgid-bugs-address=translators@sanad.invalid \
		-o $(LOCALES)/sanad.pot .
	@for dir in $(LOCALES)/*/; do lang=$$(basename $$dir); \
		if [ -f $$dir/language.yml ] && [ ! -f $$dir/LC_MESSAGES/sanad.po ]; then \
			$(PYBABEL) -q init -i $(LOCALES)/sanad.pot -d $(LOCALES) -D sanad -l $$lang; fi; done
	$(PYBABEL) -q update -i $(LOCALES)/sanad.pot -d $(LOCALES) -D sanad --no-fuzzy-matching --ignore-obsolete

new-language: install  ## start a new language: make new-language LANG=es NAME=Español
	@test -n "$(LANG)" -a -n "$(NAME)" || (echo "usage: make new-language LANG=<code> NAME=<its name in itself>"; exit 2)
	mkdir -p $(LOCALES)/$(LANG)/answers
	test -f $(LOCALES)/$(LANG)/language.yml || printf 'name: %s\nlocale: %s\n' "$(NAME)" "$(LANG)" > $(LOCALES)/$(LANG)/language.yml
	$(PYBABEL) init -i $(LOCALES)/sanad.pot -d $(LOCALES) -D sanad -l $(LANG)

model: install  ## train the NLU model (skipped when it is up to date)
	$(BIN)/sanad nlu train --if-stale

check: install  ## content check, lint and type check
	$(BIN)/sanad content check
	$(BIN)/ruff check bot nlu handlers tests bench
	$(BIN)/mypy bot nlu handlers

clean:
	rm -rf $(VENV) sanad.db sanad.db-* nlu/_model .pytest_cache

# ---- Rasa: the optional NLU backend (NLU_BACKEND=rasa) and the benchmark's comparison ---------
# Rasa 3.6.21 needs Python < 3.11, so it lives in its own virtualenv under rasa/ (gitignored,
# about 2.7 GB). `make rasa` builds it once, trains it from nlu/data when the data changed, then
# serves the HTTP API on 127.0.0.1:5005 (Ctrl-C stops it). Then: NLU_BACKEND=rasa sanad run,
# `pytest -m rasa`, or `python bench/nlu.py --rasa`.
RASA_PYTHON ?= /root/.pyenv/versions/3.10.13/bin/python
RASA_PORT   ?= 5005
RASA_BIN    := rasa/venv/bin
RASA_MODEL  := rasa/models/sanad.tar.gz
RASA_ENV    := RASA_TELEMETRY_ENABLED=false RASA_CACHE_DIRECTORY=rasa/cache

.PHONY: rasa rasa-install rasa-train

rasa: rasa-train  ## build, train and serve Rasa 3.6.21 on 127.0.0.1:5005 (optional backend)
	$(RASA_ENV) $(RASA_BIN)/rasa run --enable-api -i 127.0.0.1 -p $(RASA_PORT) --model $(RASA_MODEL)

rasa-install: $(RASA_BIN)/rasa

$(RASA_BIN)/rasa:
	@test -x $(RASA_PYTHON) || (echo "Rasa 3.6 needs Python 3.10: set RASA_PYTHON=/path/to/python3.10"; exit 2)
	$(RASA_PYTHON) -m venv rasa/venv
	$(RASA_BIN)/python -m pip install --quiet --upgrade "pip<24"
	$(RASA_BIN)/python -m pip install --quiet "rasa==3.6.21"

rasa-train: $(RASA_MODEL)

$(RASA_MODEL): $(RASA_BIN)/rasa nlu/rasa/config.yml $(shell find nlu/data -name '*.yml' 2>/dev/null)
	$(RASA_ENV) $(RASA_BIN)/rasa train nlu --nlu nlu/data --config nlu/rasa/config.yml \
		--out rasa/models --fixed-model-name sanad
