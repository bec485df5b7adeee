# Backend Engineering Lab — the two commands are `make lab` and `make test`; `make help` lists the rest.

PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt pyproject.toml | cksum | cut -d' ' -f1)
FIRST_NOTEBOOK := $(firstword $(sort $(wildcard modules/00-orientation/*.ipynb)))
# Open a browser only where there is one to open (a desktop session or macOS); otherwise print the URL.
NO_BROWSER := $(if $(or $(DISPLAY),$(WAYLAND_DISPLAY),$(filter Darwin,$(shell uname -s))),,--no-browser)
# JupyterLab refuses to start as root unless told to (containers, CI runners often run as root).
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)
WORKERS ?= 3

.PHONY: help install lab test check grade modules bench nbval lint clean

help:  ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 12

$(STAMP): requirements.txt pyproject.toml
	@$(PY) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed, found " + sys.version.split()[0]'
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	$(BIN)/python -m pip check
	@rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)  ## create .venv with the pinned requirements and the backendlab package

lab: $(STAMP)  ## open the course in JupyterLab (on 127.0.0.1), starting with module 00
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.root_dir="$(CURDIR)" \
		--ServerApp.default_url=/lab/tree/$(FIRST_NOTEBOOK) $(NO_BROWSER) $(ALLOW_ROOT)

test: $(STAMP)  ## run the whole test suite (notebooks, autograding proofs, helper package)
	$(BIN)/python -m pytest -n $(WORKERS) --dist worksteal --durations=10 $(PYTEST_ARGS)

check: $(STAMP)  ## self-check your notebooks of a module, hidden tests included: make check M=03
	@test -n "$(M)" || { echo "usage: make check M=03   (a module number or folder name)"; exit 2; }
	@$(BIN)/python -m backendlab.selfcheck $(M)

grade: $(STAMP)  ## grade a class in sandboxes, in parallel: make grade MODULE=03 SUBMISSIONS=folder-or-lms.zip [WORKERS_GRADE=3]
	@test -n "$(MODULE)" -a -n "$(SUBMISSIONS)" || { echo "usage: make grade MODULE=03 SUBMISSIONS=path/to/submissions (see grading/README.md)"; exit 2; }
	$(BIN)/python -m backendlab.grading.classroom $(MODULE) "$(SUBMISSIONS)" $(if $(WORKERS_GRADE),--workers $(WORKERS_GRADE),)

modules: $(STAMP)  ## clean the solution notebooks and regenerate every student notebook in modules/
	$(BIN)/python -m tools.notebooks all

bench: $(STAMP)  ## time and measure the memory of every solution notebook, then the full test suite
	$(BIN)/python -m tools.bench --with-suite

nbval: $(STAMP)  ## run one notebook cell by cell under pytest while authoring: make nbval NB=solutions/03-orm-vs-raw-sql/01-x.ipynb
	@test -n "$(NB)" || { echo "usage: make nbval NB=path/to/notebook.ipynb"; exit 2; }
	$(BIN)/python -m pytest -p no:xdist -p no:cacheprovider --nbval-lax -o addopts="" "$(NB)"

lint: $(STAMP)  ## ruff over the Python code
	$(BIN)/ruff check backendlab tools tests grading

clean:  ## remove the virtual environment and caches (your progress.json is kept)
	rm -rf $(VENV) .pytest_cache .ruff_cache
