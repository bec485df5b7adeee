# Backend Engineering Lab — the two commands are `make lab` and `make test`; `make help` lists the rest.

SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# Learners install requirements.txt; maintainers and CI add requirements-dev.txt (tests, lint, browser driver).
STAMP := $(VENV)/.learner-$(shell cat requirements.txt pyproject.toml | cksum | cut -d' ' -f1)
DEV_STAMP := $(VENV)/.dev-$(shell cat requirements.txt requirements-dev.txt pyproject.toml | cksum | cut -d' ' -f1)
# The learner's JupyterLab: opens module 00, hides the course machinery, no nbgrader instructor UI (binder/jupyter/README.md)
LEARNER_CONFIG := $(CURDIR)/binder/jupyter
LAB_FLAGS = --ServerApp.ip=127.0.0.1 --ServerApp.root_dir="$(CURDIR)" $(NO_BROWSER) $(ALLOW_ROOT)
# Open a browser only where there is one to open (a desktop session or macOS); otherwise print the URL.
NO_BROWSER := $(if $(or $(DISPLAY),$(WAYLAND_DISPLAY),$(filter Darwin,$(shell uname -s))),,--no-browser)
# JupyterLab refuses to start as root unless told to (containers, CI runners often run as root).
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)
WORKERS ?= 4

.PHONY: help install install-dev lab lab-instructor binder-requirements test check grade modules bench nbval lint clean

help:  ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 12

$(STAMP): requirements.txt pyproject.toml
	@$(PY) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed, found " + sys.version.split()[0]'
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	@echo "Installing the course's pinned packages into $(VENV): about two minutes the first time."
	$(BIN)/python -m pip install --disable-pip-version-check --progress-bar on -r requirements.txt \
		| { grep -v -e '^Requirement already satisfied' -e '^Looking in' || true; }
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	$(BIN)/python -m pip check
	@bash tools/system-packages.sh
	@rm -f $(VENV)/.learner-* $(VENV)/.installed-* && touch $@

$(DEV_STAMP): $(STAMP) requirements-dev.txt
	@bash tools/system-packages.sh --with-browser
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(BIN)/python -m pip check
	@rm -f $(VENV)/.dev-* && touch $@

install: $(STAMP)  ## create .venv with the pinned requirements and the backendlab package

install-dev: $(DEV_STAMP)  ## add the maintainer's tools (pytest, ruff, Playwright, repo2docker)

lab: $(STAMP)  ## open the course in JupyterLab (on 127.0.0.1), starting with module 00
	@echo "Opening module 00 in JupyterLab. Stop it with Ctrl+C (twice)."
	JUPYTER_CONFIG_PATH="$(LEARNER_CONFIG)" $(BIN)/jupyter lab $(LAB_FLAGS) --ServerApp.log_level=WARN --LabApp.log_level=WARN

lab-instructor: $(STAMP)  ## JupyterLab with nbgrader's instructor interface (formgrader, create assignment)
	$(BIN)/jupyter lab $(LAB_FLAGS) --LabApp.default_url=/lab/tree/grading/README.md

test: $(DEV_STAMP)  ## run the whole test suite (notebooks, autograding proofs, browser test, helper package)
	$(BIN)/python -m pytest -n $(WORKERS) --dist worksteal --durations=10 $(PYTEST_ARGS)

check: $(STAMP)  ## self-check your notebooks of a module, hidden tests included: make check M=03
	@test -n "$(M)" || { echo "usage: make check M=03   (a module number or folder name)"; exit 2; }
	@$(BIN)/python -m backendlab.grading.selfcheck $(M)

grade: $(STAMP)  ## grade a class in sandboxes, in parallel: make grade MODULE=03 SUBMISSIONS=folder-or-lms.zip [WORKERS_GRADE=3]
	@test -n "$(MODULE)" -a -n "$(SUBMISSIONS)" || { echo "usage: make grade MODULE=03 SUBMISSIONS=path/to/submissions (see grading/README.md)"; exit 2; }
	$(BIN)/python -m backendlab.grading.classroom $(MODULE) "$(SUBMISSIONS)" $(if $(WORKERS_GRADE),--workers $(WORKERS_GRADE),)

modules: $(STAMP)  ## clean the solution notebooks and regenerate every student notebook in modules/
	$(BIN)/python -m tools.notebooks all

bench: $(DEV_STAMP)  ## time and memory of every solution notebook, class grading, self-check, Binder size, the suite; SLOW=1: one busy core
	$(BIN)/python -m tools.bench $(if $(SLOW),--slow --class-students 0,--with-suite)

nbval: $(DEV_STAMP)  ## run one notebook cell by cell under pytest while authoring: make nbval NB=solutions/03-orm-vs-raw-sql/01-x.ipynb
	@test -n "$(NB)" || { echo "usage: make nbval NB=path/to/notebook.ipynb"; exit 2; }
	$(BIN)/python -m pytest -p no:xdist -p no:cacheprovider --nbval-lax -o addopts="" "$(NB)"

lint: $(DEV_STAMP)  ## ruff over the Python code
	$(BIN)/ruff check backendlab tools tests grading

binder-requirements:  ## copy requirements.txt to binder/requirements.txt (Binder installs it before copying the repo)
	@{ echo "# GENERATED copy of ../requirements.txt (repo2docker installs it before it copies the repository, so Binder"; \
	   echo "# caches this layer across commits). Regenerate with \`make binder-requirements\`; a test checks they match."; \
	   cat requirements.txt; } > binder/requirements.txt

clean:  ## remove the virtual environment and caches (your progress.json is kept)
	rm -rf $(VENV) .pytest_cache .ruff_cache
