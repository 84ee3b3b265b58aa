# restorekit.aws developer entry points. `make help` lists them.
# Everything a target needs is installed by `make venv`: Python tools into .venv (from PyPI),
# MariaDB and shellcheck (and rclone for `make bench`) from Debian when missing.
# See docs/development.md.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
PYTHON ?= python3.11
VENV := $(ROOT)/.venv
BIN := $(VENV)/bin
# The stamp is named after the content of requirements-dev.txt and emulator/requirements.txt: a changed file means a
# new install.
REQ_HASH := $(shell cat $(ROOT)/requirements-dev.txt $(ROOT)/emulator/requirements.txt | sha256sum | cut -c1-16)
VENV_STAMP := $(VENV)/.restorekit-requirements-$(REQ_HASH)
COLLECTION_LINK := $(VENV)/collections/ansible_collections/restorekit/aws
# ansible-test needs a real .../ansible_collections/restorekit/aws directory (symlinks resolve away).
BUILD_COLLECTION := $(ROOT)/.build/ansible_collections/restorekit/aws
SANITY_PYTHON ?= 3.11
SANITY_ARGS ?=
# Two workers more than there are cores (nproc + 2), one test file each; each worker gets its own emulator and seeded
# world. The suite is mostly CPU (ansible-playbook, module runs, the emulators), but each test also waits on the
# emulator's jobs and on polls; the extra workers fill those waits. Measured on 2 cores, one after the other on the same
# checkout (2168 tests): three workers 10m14s wall and 19.4 CPU-minutes, two 11m32s and 18.7 CPU-minutes. Since module
# runs start from the suites' fork server (tools/module_forkserver.py), a module's share of the CPU is smaller and the
# waits weigh more: 2213 tests, four workers 406 s, then three 428 s. (Four workers were slower than two when the suite
# was measured at 1598 tests, before the start-up caches: 18m32s and ~37 CPU-minutes against 13m05s and 21.8.)
# Files are handed out in collection order (tests/e2e/conftest.py puts the slowest first), not by their number of
# tests, which left the slowest files, few tests each, to start last and run alone.
PYTEST_WORKERS ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 2) + 2 )))
PYTEST_ARGS ?= -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder
LINT_ARGS ?=

export PATH := $(BIN):$(PATH)
export ANSIBLE_CONFIG := $(ROOT)/ansible.cfg
# ansible-lint and molecule (ansible-compat) keep their copy of this collection in $(VENV)/.ansible, never in the
# user's ~/.ansible/collections, where a copy left by an earlier run would shadow the checkout.
export VIRTUAL_ENV := $(VENV)

# Root runs apt-get directly; others go through sudo when it exists.
APT = if [ "$$(id -u)" -eq 0 ]; then sudo=; elif command -v sudo >/dev/null 2>&1; then sudo=sudo; \
	else echo "error: installing $(1) needs root or sudo" >&2; exit 1; fi; \
	echo "installing Debian packages: $(1)"; \
	$$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq; \
	$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(1)

.PHONY: help venv debs rclone sanity sanity-pylint sanity-others-then-lint lint units integration test demo drill bench build clean distclean

help:
	@echo "make demo       incident rehearsal against the local emulator (installs what it needs)"
	@echo "make drill      a restore drill against the local emulator: restore, validate, report, clean up"
	@echo "make test       everything the project checks: sanity, lint, units, integration"
	@echo "make venv       create/refresh .venv, the collection link, Debian packages, ansible-test bootstrap"
	@echo "make sanity     ansible-test sanity on a staged copy in .build/"
	@echo "make lint       ansible-lint (profile: production)"
	@echo "make units      pytest: tests/unit, emulator/tests (the emulator) and tests/e2e (end to end)"
	@echo "make integration  tests/integration/run, when present"
	@echo "make build      ansible-galaxy collection build into .build/"
	@echo "make bench      benchmarks (bench/run), installs rclone"
	@echo "make clean      remove build output and caches; distclean also removes .venv"

venv: $(VENV_STAMP) debs
	@mkdir -p $(dir $(COLLECTION_LINK))
	@if [ "$$(readlink $(COLLECTION_LINK) 2>/dev/null)" != "../../../.." ]; then \
		rm -rf $(COLLECTION_LINK); ln -s ../../../.. $(COLLECTION_LINK); \
		echo "linked $(COLLECTION_LINK) -> $(ROOT)"; fi
	@$(BIN)/python $(ROOT)/tools/get_pip_standin.py --install
	@$(BIN)/python $(ROOT)/tools/ansiballz_bytecode_cache.py --install
	@$(BIN)/python $(ROOT)/tools/ansiballz_build_cache.py --install
	@$(BIN)/python $(ROOT)/tools/botocore_data_cache.py --install
	@$(BIN)/python $(ROOT)/tools/startup_gc.py --install
	@$(BIN)/python $(ROOT)/tools/module_forkserver.py --install
	@bash $(ROOT)/tools/install_mermaid.sh

# The Python packages (tools/install_requirements.sh: uv when it installs, pip otherwise) and Mermaid's npm packages
# (tools/install_mermaid.sh, also run by `venv`) are installed side by side: one waits on PyPI, the other on npm.
$(VENV_STAMP): $(ROOT)/requirements-dev.txt $(ROOT)/emulator/requirements.txt | debs
	@if [ ! -x $(BIN)/python ]; then \
		if ! command -v $(PYTHON) >/dev/null 2>&1; then echo "error: $(PYTHON) not found (set PYTHON=...)" >&2; exit 1; fi; \
		if ! $(PYTHON) -c 'import ensurepip, venv' >/dev/null 2>&1; then $(call APT,python3-venv python3.11-venv); fi; \
		echo "creating $(VENV) with $(PYTHON)"; $(PYTHON) -m venv $(VENV); fi
	@echo "installing requirements-dev.txt and emulator/requirements.txt into $(VENV)"
	@# Mermaid's outcome is not the stamp's: when npm fails, `venv` runs install_mermaid.sh again below and fails there.
	@log=$(VENV)/.install-mermaid.log; bash $(ROOT)/tools/install_mermaid.sh >$$log 2>&1 & mermaid=$$!; \
	trap 'kill $$mermaid 2>/dev/null' INT TERM; \
	rc=0; bash $(ROOT)/tools/install_requirements.sh || rc=$$?; \
	wait $$mermaid || echo "install_mermaid: failed (exit $$?); make venv tries again"; cat $$log; rm -f $$log; exit $$rc
	@rm -f $(VENV)/.restorekit-requirements-*
	@touch $@

# MariaDB backs the emulated RDS instances; shellcheck checks the shell scripts (sanity and lint); node and npm run
# Mermaid's own parser on the restore report's timeline (tools/install_mermaid.sh).
debs:
	@need=; \
	if ! command -v mariadbd >/dev/null 2>&1 && [ ! -x /usr/sbin/mariadbd ]; then need="mariadb-server mariadb-client"; fi; \
	if ! command -v shellcheck >/dev/null 2>&1; then need="$$need shellcheck"; fi; \
	if ! command -v node >/dev/null 2>&1; then need="$$need nodejs"; fi; \
	if ! command -v npm >/dev/null 2>&1; then need="$$need npm"; fi; \
	if [ -n "$$need" ]; then $(call APT,$$need); fi

rclone:
	@if ! command -v rclone >/dev/null 2>&1; then $(call APT,rclone); fi

# The collections this one depends on (amazon.aws, community.aws) come with the ansible package; ansible-test
# finds them beside a staged copy, so they are linked next to it (.build/ansible_collections/, .build/pylint/...).
STAGE = @$(BIN)/python $(ROOT)/tools/stage_collection.py $(1); \
	site=$$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])'); \
	for ns in amazon community; do ln -sfn "$$site/ansible_collections/$$ns" $(abspath $(1)/../..)/$$ns; done
SANITY = cd $(1) && env -u ANSIBLE_CONFIG $(BIN)/ansible-test sanity --python $(SANITY_PYTHON) --requirements --color no $(2)

sanity: venv
	$(call STAGE,$(BUILD_COLLECTION))
	$(call SANITY,$(BUILD_COLLECTION),$(SANITY_ARGS))

# make test's sanity: pylint (about 55 s here, on one core) on a staged copy of its own, while the other sanity tests
# (about 20 s) and then ansible-lint (about 35 s) run one after the other beside it. Together: about 80 s when sanity
# and lint ran side by side, each on one core.
PYLINT_COLLECTION := $(ROOT)/.build/pylint/ansible_collections/restorekit/aws
sanity-pylint: venv
	$(call STAGE,$(PYLINT_COLLECTION))
	$(call SANITY,$(PYLINT_COLLECTION),--test pylint)

sanity-others-then-lint: venv
	@rc=0; $(MAKE) --no-print-directory sanity SANITY_ARGS="--skip-test pylint" || rc=$$?; \
	$(MAKE) --no-print-directory lint || rc=$$?; exit $$rc

# A copy of this collection in ~/.ansible/collections or .venv/.ansible (molecule's prerun makes one; the scenarios turn
# it off, but an older checkout or a manual `molecule test` may have left one) would be read by ansible-lint before
# the checkout, so a module added since would be "unknown". Those copies are removed.
lint: venv
	@rm -rf $(VENV)/.ansible/collections/ansible_collections/restorekit
	@if [ -d "$$HOME/.ansible/collections/ansible_collections/restorekit/aws" ] && [ ! -L "$$HOME/.ansible/collections/ansible_collections/restorekit/aws" ]; then \
		rm -rf "$$HOME/.ansible/collections/ansible_collections/restorekit/aws"; fi
	cd $(ROOT) && $(BIN)/ansible-lint $(LINT_ARGS)
	@cd $(ROOT) && scripts=(); \
	while IFS= read -r path; do \
		case "$$(head -n1 "$$path" 2>/dev/null)" in \
			'#!/bin/sh'*|'#!/bin/bash'*|'#!/usr/bin/env sh'*|'#!/usr/bin/env bash'*) scripts+=("$$path");; \
		esac; \
	done < <($(BIN)/python tools/stage_collection.py --list); \
	if [ $${#scripts[@]} -eq 0 ]; then echo "shellcheck: no shell scripts"; else echo "shellcheck $${scripts[*]}"; shellcheck "$${scripts[@]}"; fi

# pytest exits 5 when it collected no test: not a failure while the suites are being written.
# Bytecode, and pytest's rewritten test modules, are kept in __pycache__ (ignored by git, the staged copies and the
# collection build) even where PYTHONDONTWRITEBYTECODE is set: each worker otherwise rewrote and compiled every test
# module again (collection took 4.3 s of CPU per process here, 1.9 s with them kept).
units: venv
	cd $(ROOT) && rc=0; env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest $(PYTEST_ARGS) || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "units: no tests collected"; else exit $$rc; fi

integration: venv
	@if [ -e $(ROOT)/tests/integration/run ]; then cd $(ROOT) && ./tests/integration/run; \
	else echo "integration: no integration targets yet (tests/integration/run does not exist)"; fi

# pylint, and the other sanity tests followed by ansible-lint, run side by side (each mostly one process on one core),
# their output kept apart (--output-sync); the test suites then run one after the other, each using every core.
# With -k (.ci/run) every step runs even after one failed, and make test still fails.
KEEP_GOING := $(if $(findstring k,$(firstword -$(MAKEFLAGS))),1,)
test: venv
	@rc=0; for step in "-j2 --output-sync=target sanity-pylint sanity-others-then-lint" units integration; do \
		$(MAKE) --no-print-directory $$step || { rc=$$?; [ -n "$(KEEP_GOING)" ] || exit $$rc; }; \
	done; exit $$rc

demo: venv
	@if [ ! -e $(ROOT)/tools/demo.sh ]; then echo "error: tools/demo.sh does not exist yet" >&2; exit 1; fi
	cd $(ROOT) && bash tools/demo.sh

drill: venv
	cd $(ROOT) && bash tools/drill.sh

bench: venv rclone
	@if [ -e $(ROOT)/bench/run ]; then cd $(ROOT) && ./bench/run; \
	else echo "bench: no benchmarks yet (bench/run does not exist)"; fi

build: venv
	@$(BIN)/python $(ROOT)/tools/stage_collection.py $(BUILD_COLLECTION)
	cd $(BUILD_COLLECTION) && $(BIN)/ansible-galaxy collection build --force --output-path $(ROOT)/.build

clean:
	rm -rf $(ROOT)/.build $(ROOT)/.ansible $(ROOT)/.pytest_cache $(ROOT)/tests/output
	find $(ROOT) -path $(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
