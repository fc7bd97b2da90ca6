# `make run` and `make test` are all a newcomer needs; see README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi

.PHONY: run test lint translations assets clean lock

run: $(VENV)/.installed instance/secret_key translations
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	scripts/run-dev.sh

test: $(VENV)/.test-installed translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

translations: $(VENV)/.installed instance/secret_key
	$(FLASK) translate compile

# The development server's session key: random, made once, never committed (instance/ is ignored).
instance/secret_key:
	mkdir -p instance
	(umask 077 && $(PYTHON) -c 'import secrets; print(secrets.token_hex(32))' > $@)

$(VENV)/bin/python:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		(echo "Python 3.11 or newer is needed (set PYTHON=python3.11)"; exit 1)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Installed from the lock files: every package pinned, with hashes, as tested.
$(VENV)/.installed: requirements.lock | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	touch $@

$(VENV)/.test-installed: requirements-test.lock | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-test.lock
	touch $(VENV)/.installed $@

# After editing requirements*.txt: resolve them again into the lock files (hashes included).
UV_COMPILE = $(BIN)/uv pip compile --quiet --generate-hashes --universal --python-version 3.11
lock: | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet uv==0.13.9
	$(UV_COMPILE) requirements.txt -o requirements.lock
	$(UV_COMPILE) requirements-test.txt -o requirements-test.lock

# Refresh the vendored CSS framework from its npm package (needs Node.js; the result is committed).
assets:
	npm install --no-save --no-audit --no-fund
	cp node_modules/bootstrap/dist/css/bootstrap.min.css app/static/vendor/bootstrap/
	sed -i 's|/\*# sourceMappingURL=bootstrap.min.css.map \*/||' app/static/vendor/bootstrap/bootstrap.min.css
	cp node_modules/bootstrap/LICENSE app/static/vendor/bootstrap/

clean:
	rm -rf $(VENV) instance node_modules
