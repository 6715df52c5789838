# adtrace — two commands: `make demo` and `make test`.
# The interpreter of .venv: Debian's python3.11 when the machine has it with its venv module, else
# python3. Debian builds it with PGO and LTO; the pipeline runs about 10 % faster on it than on a default
# source build such as pyenv's (measured, docs/extraction.md). Any Python 3.11 works: make PY=python3.11
PY ?= $(shell /usr/bin/python3.11 -c "import ensurepip, venv" >/dev/null 2>&1 && echo /usr/bin/python3.11 || echo python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DIR ?= demo-out

.PHONY: demo test lint typecheck pytest bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev,ml,images,engine,ocr]'
	touch $(STAMP)

DEMO_DB := $(DEMO_DIR)/adtrace.db
# The demo's ads span the last year, so the default retention (730 days) keeps them all.
DEMO_START ?= $(shell date -u -d '366 days ago' +%F)
PORT ?= 8000

# The terminal summary, then the web app on a synthetic store with images; prints the URL and a
# one-time admin password. `adtrace link` runs only when this build has it.
demo: $(STAMP)
	$(BIN)/adtrace demo --dir $(DEMO_DIR)
	$(BIN)/adtrace synth --docs 3000 --seed 1 --start $(DEMO_START) --images $(DEMO_DIR)/images -o $(DEMO_DIR)/app-corpus.jsonl
	$(BIN)/adtrace init --db $(DEMO_DB)
	$(BIN)/adtrace ingest --db $(DEMO_DB) $(DEMO_DIR)/app-corpus.jsonl
	@if $(BIN)/adtrace link --help >/dev/null 2>&1; then $(BIN)/adtrace link --db $(DEMO_DB) --images $(DEMO_DIR)/images > $(DEMO_DIR)/link.json && echo "clusters linked ($(DEMO_DIR)/link.json)"; \
	  else echo "adtrace link is not in this build; skipping clusters"; fi
	@$(BIN)/adtrace user add admin --role admin --random-password --db $(DEMO_DB) 2>/dev/null \
	  || $(BIN)/adtrace user reset admin --random-password --db $(DEMO_DB)
	@echo "Sign in at http://127.0.0.1:$(PORT)/ as admin with the password above."
	$(BIN)/adtrace serve --db $(DEMO_DB) --images $(DEMO_DIR)/images --port $(PORT)

# ruff, then the layer contract of DESIGN.md §2 (.importlinter): no package imports one above it.
lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy src

pytest: $(STAMP)
	$(BIN)/pytest

test: lint typecheck pytest

bench: $(STAMP)
	$(BIN)/python bench/extract.py

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache .mypy_cache .ruff_cache

# Translations (docs/i18n.md): extract every marked string into a template, merge it into each
# language's catalogue, compile the catalogues the package ships. The compiled .mo are committed
# (a fresh clone needs no build step); tests/i18n fails when a .mo is older than its .po.
I18N := src/adtrace/i18n/locales
.PHONY: i18n-extract i18n-update i18n-compile

i18n-extract: $(STAMP)
	$(BIN)/pybabel -q extract -F babel.cfg -k lazy_gettext -k define:3 -k N_ -k NP_:1c,2 --no-location --sort-output \
	  --project adtrace --copyright-holder "adtrace contributors" --msgid-bugs-address "" \
	  --width 110 -o $(I18N)/adtrace.pot src

i18n-update: i18n-extract
	$(BIN)/pybabel -q update -i $(I18N)/adtrace.pot -d $(I18N) -D adtrace --no-fuzzy-matching --ignore-obsolete --width 110

i18n-compile: $(STAMP)
	$(BIN)/pybabel compile -d $(I18N) -D adtrace --statistics
