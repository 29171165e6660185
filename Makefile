# oracle: differential testing of C compilers against GCC.
SHELL := /bin/bash
VENV  := .venv
PY    := $(VENV)/bin/python
ORACLE := $(VENV)/bin/oracle
JOBS  ?= $(shell nproc)

.PHONY: setup images test test-unit test-integration demo bench bench-gen fleet clean

setup:
	bash scripts/setup.sh

# The engine (started if none answers) and both container images, built offline (debootstrap).
images: $(PY)
	bash containers/start-dockerd.sh
	$(ORACLE) images build --offline

# The whole suite, then a check that it left no process and nothing in /tmp behind.
test: $(PY)
	$(PY) tests/leftovers.py -- -q -n $(JOBS) tests

test-unit: $(PY)
	$(PY) -m pytest -q tests/unit

test-integration: $(PY)
	$(PY) -m pytest -q -n $(JOBS) tests/integration

# The main job on an embedded default: tcc as the candidate, smoke and torture suites, x86_64.
demo: $(PY)
	$(ORACLE) run --compiler tcc --suite smoke --arch x86_64 --out .oracle/demo-smoke || true
	$(ORACLE) run --compiler tcc --suite torture --arch x86_64 --out .oracle/demo-torture || true

# Speed and memory against the bare floor (minutes; not part of make test).
bench: $(PY)
	$(PY) bench/run.py

# Peak RSS of generated runs: csmith --count 500 against --count 5000 (memory must stay flat).
bench-gen: $(PY)
	$(PY) bench/run.py --arch '' --rss-cases 0 --gen-counts 500,5000

# A fleet of 16 agents sharing one reference through redis-server, cold, warm, --fast, a full run,
# and the server killed mid-run (tens of minutes; not part of make test). Smaller: FLEET_ARGS='--agents 4 --ratio 5'
fleet: $(PY)
	$(PY) bench/fleet.py $(FLEET_ARGS)

$(PY):
	@echo "no $(VENV): run 'make setup' first" >&2; exit 2

clean:
	rm -rf .oracle build *.egg-info
