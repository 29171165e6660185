# oracle: differential testing of C compilers against GCC.
SHELL := /bin/bash
VENV  := .venv
PY    := $(VENV)/bin/python
ORACLE := $(VENV)/bin/oracle
JOBS  ?= $(shell nproc)

.PHONY: setup images test test-unit test-integration demo clean

setup:
	bash scripts/setup.sh

# The engine (started if none answers) and both container images, built offline (debootstrap).
images: $(PY)
	bash containers/start-dockerd.sh
	$(ORACLE) images build --offline

test: $(PY)
	$(PY) -m pytest -q -n $(JOBS) tests

test-unit: $(PY)
	$(PY) -m pytest -q tests/unit

test-integration: $(PY)
	$(PY) -m pytest -q -n $(JOBS) tests/integration

# The main job on an embedded default: tcc as the candidate, smoke and torture suites, x86_64.
demo: $(PY)
	$(ORACLE) run --compiler tcc --suite smoke --arch x86_64 --out .oracle/demo-smoke || true
	$(ORACLE) run --compiler tcc --suite torture --arch x86_64 --out .oracle/demo-torture || true

$(PY):
	@echo "no $(VENV): run 'make setup' first" >&2; exit 2

clean:
	rm -rf .oracle build *.egg-info
