# Casebook — `make run` starts the app, `make test` runs the tests.
# Both create and fill .venv themselves.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BUILD_STAMP := $(VENV)/.installed-build

.PHONY: run demo test bench screenshots lint venv clean system system-test installer smoke-test \
	translations translations-update

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[gui,dev]'
	touch $(STAMP)

# PyInstaller and Pillow (for the .ico and .icns), beside the app's own packages.
$(BUILD_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[gui,dev,build]'
	touch $(BUILD_STAMP)

# The window's words: resources/translations/*.ts (kept in git) compiled to .qm at build time.
TS := $(wildcard resources/translations/casebook_*.ts)
QM := $(TS:.ts=.qm)

translations: $(QM)

resources/translations/%.qm: resources/translations/%.ts $(STAMP)
	$(BIN)/pyside6-lrelease -silent $< -qm $@

# After changing the app's words: gather them into the .ts files (then translate the new ones):
# the window's sources, and the core's messages listed by tools/core_phrases.py.
translations-update: $(STAMP)
	$(BIN)/python tools/core_phrases.py build/core_phrases.cpp
	$(BIN)/pyside6-lupdate -silent -no-obsolete -locations none app/casebook/gui/*.py \
		build/core_phrases.cpp -ts $(TS)

# Qt's system libraries (installed with apt when possible, else one line saying how).
system:
	@bash installers/system-deps.sh run

system-test:
	@bash installers/system-deps.sh test

run: system $(STAMP) translations
	$(BIN)/casebook-gui

demo: system $(STAMP) translations
	$(BIN)/casebook-gui --demo

screenshots: $(STAMP) translations
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m casebook.gui.screenshots docs/screenshots

test: system-test $(STAMP) translations
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

# Linux: dist/casebook/ (casebook-gui, casebook and casebook-relay in one folder), the .deb
# and the .tar.xz; installers/README.md says how to build on macOS and Windows.
installer: $(BUILD_STAMP) translations
	@bash installers/system-deps.sh installer
	$(BIN)/pyinstaller installers/casebook.spec --noconfirm --log-level WARN \
		--distpath dist --workpath build/pyinstaller
	$(BIN)/python installers/package.py dist/casebook

# The .deb installed with apt on a minimal Debian, used as a user would (needs root).
smoke-test:
	bash installers/smoke-test.sh

bench: $(STAMP)
	$(BIN)/python bench/library_bench.py
	$(BIN)/python bench/sync_bench.py
	$(BIN)/python bench/ingest_bench.py
	$(BIN)/python bench/network_bench.py
	$(BIN)/python bench/flood_bench.py
	$(BIN)/python bench/gui_bench.py
	$(BIN)/python bench/withdraw_bench.py
	$(BIN)/python bench/relay_cluster_bench.py
	@if [ "$$(id -u)" = 0 ]; then $(BIN)/python bench/lan_bench.py; \
	else echo "bench/lan_bench.py makes network namespaces: run it as root"; fi

# Style, types (the whole package, mypy) and the layers of docs/architecture.md.
lint: $(STAMP)
	$(BIN)/ruff check app tests bench installers
	$(BIN)/ruff format --check app tests bench installers
	$(BIN)/mypy -p casebook
	$(BIN)/lint-imports --no-cache

clean:
	rm -rf $(VENV) build dist *.egg-info app/*.egg-info
