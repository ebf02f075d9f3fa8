# coursekit + the KEINO course. `make` sets up a virtualenv, builds and lints the course.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
SOURCE ?= course_src
OUT    ?= olx_build
RUN    ?=
RUN_ARG := $(if $(RUN),--run $(RUN),)
PORT   ?= 8000

.PHONY: all setup build lint test bench import import-dry-run clean stats moodle preview serve

all: setup  ## build + lint in one process: one load, one emit
	$(BIN)/coursekit build --lint --source $(SOURCE) --out $(OUT) $(RUN_ARG)

$(BIN)/coursekit: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

setup: $(BIN)/coursekit

build: setup
	$(BIN)/coursekit build --source $(SOURCE) --out $(OUT) $(RUN_ARG)

moodle: setup  ## IMS Common Cartridge 1.1 + Moodle XML question bank, and what Moodle cannot carry
	$(BIN)/coursekit build --target imscc --lint --source $(SOURCE) --out $(OUT) $(RUN_ARG)

preview: setup  ## the course as a static site that opens from disk: $(OUT)/preview/index.html
	$(BIN)/coursekit preview --source $(SOURCE) --out $(OUT)/preview $(RUN_ARG)

serve: setup  ## the preview on http://127.0.0.1:$(PORT)/, rebuilt and reloaded on every save
	$(BIN)/coursekit serve --source $(SOURCE) --port $(PORT) $(RUN_ARG)

lint: setup
	$(BIN)/coursekit lint --source $(SOURCE)

stats: setup
	$(BIN)/coursekit stats --source $(SOURCE)

test: setup
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python tools/bench/run.py

import: setup
	$(BIN)/coursekit import --source $(SOURCE) --out $(OUT) $(RUN_ARG) $(IMPORT_ARGS)

import-dry-run: setup
	$(BIN)/coursekit import --dry-run --source $(SOURCE) --out $(OUT) $(RUN_ARG) $(IMPORT_ARGS)

clean:
	rm -rf $(OUT) .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
