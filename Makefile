# make book: build the HTML book into _build/html.  make test: the whole test suite.
# Both create .venv from a bare python3 and install the pinned requirements when needed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
JB     := $(BIN)/jupyter-book

# axe-core, for the accessibility tests, from the npm registry: pinned version and checksum
AXE_VERSION := 4.14.1
AXE_SHA256  := 29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c
AXE         := $(VENV)/share/axe-core/axe.min.js

.PHONY: sources book test notebooks pdf fonts bench data-release chromium clean
.DEFAULT_GOAL := book

# uv (pinned, from the package registry) installs the complete lock in seconds; where it cannot
# be had, plain pip installs the same lock. Python compiles a module to bytecode the first time it
# is imported and keeps it: make's commands may write it, whatever the environment says
# (PYTHONDONTWRITEBYTECODE would have every kernel, build and test process compile pandas, Altair
# and Jupyter afresh). Compiling the whole lock at install instead (uv --compile-bytecode) took
# 9 s more there, for about 5 s less in the first build: most of the lock is never imported.
UV_VERSION := 0.13.8
unexport PYTHONDONTWRITEBYTECODE

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	{ $(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION) 2>/dev/null && \
	  $(BIN)/python -m uv pip install --quiet --python $(BIN)/python --no-deps -r requirements.txt; } || \
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -r requirements.txt
	# the project itself, the standard way: editable, with the pinned build backend from the lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

# The book renders the stored outputs, which nbval proves are what the code produces today
# (make test). First, every notebook whose inputs (data, package code, its own code) changed since
# its outputs were stored is re-executed and written back, so the book never shows stale numbers;
# data that fail validation or a notebook that raises stop make before the build.
# `make notebooks` re-executes every notebook.
# Then every text file of the book is also written as .gz and .br, for hosts that serve those.
# The HTML book and the print edition (make pdf) both start from `sources`: the notebooks brought
# up to date, and the charts' JavaScript bundle made once (it is kept in the venv, and each build
# would otherwise make it at its start). After that the two builds share no writable folder (this
# one writes _build/html and _build/.doctrees, the print build _build/print and _build/pdf), so
# make test runs them side by side, one on each core.
sources: $(STAMP)
	$(BIN)/python -m sinosoviet.book.notebooks refresh notebooks/*.ipynb
	$(BIN)/python -c 'from types import SimpleNamespace as Config; from sinosoviet.book.sphinxext import add_static; \
	  add_static(None, Config(html_static_path=[], templates_path=[], html_context=None))'

book: sources
	$(JB) build . --path-output . --warningiserror --nitpick --keep-going --quiet
	$(BIN)/python -m sinosoviet.book.compress _build/html

notebooks: $(STAMP)
	$(BIN)/python -m sinosoviet.book.notebooks execute notebooks/*.ipynb

# The print edition: the single-page build printed by headless Chromium once every chart has drawn,
# as a book (sinosoviet/book/pdf.py: title page, contents, bookmarks, page numbers, running heads).
# Its tests read the PDF with Debian's poppler-utils (pdftotext, pdffonts, pdftohtml), installed when missing.
PRINT := _build/print/_build/singlehtml
pdf: sources chromium
	@command -v pdftotext >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null)
	$(JB) build . --builder singlehtml --path-output _build/print --warningiserror --nitpick --keep-going --quiet
	$(BIN)/python -m sinosoviet.book.pdf $(PRINT) book/introduction.html _build/pdf/book.pdf

# The book's fonts for Chinese, Japanese, Burmese, Georgian and Arabic names: Noto from
# Debian's packages (pinned versions and checksums), subset to the characters the book uses and
# committed in sinosoviet/static/fonts/. Run after adding text in one of those scripts
# (tests/test_fonts.py fails until then).
NOTO_CJK  := fonts-noto-cjk=1:20220127+repack1-1
NOTO_CORE := fonts-noto-core=20201225-1
NOTO      := $(VENV)/share/noto
fonts: $(STAMP)
	rm -rf $(NOTO) && mkdir -p $(NOTO)/root
	cd $(NOTO) && apt-get download -qq $(NOTO_CJK) $(NOTO_CORE)
	cd $(NOTO) && printf '%s  %s\n' \
	  4a2515eb6db3978b897fef9709ed0d2b1f4c6c4df4d83d6c4ef65f71f1b1f502 'fonts-noto-cjk_1%3a20220127+repack1-1_all.deb' \
	  58f4f0bb6720f919f92096b3508e1412a0f1544424ade6c5b5bf1eb694dd64ba fonts-noto-core_20201225-1_all.deb | sha256sum --check --quiet
	for deb in $(NOTO)/*.deb; do dpkg-deb -x $$deb $(NOTO)/root; done
	$(BIN)/python -m sinosoviet.book.fonts $(NOTO)/root
	rm -rf $(NOTO)

# Lighthouse, for make bench, from the npm registry: 12.2.3 (13 needs Node 22; Debian has Node 20),
# its whole dependency tree locked, with checksums, in sinosoviet/book/lighthouse/package-lock.json
# and installed from the lock alone (`npm ci`), so every machine runs the same tree.
LIGHTHOUSE_LOCK := sinosoviet/book/lighthouse
LIGHTHOUSE      := $(VENV)/share/lighthouse/node_modules/.bin/lighthouse

$(LIGHTHOUSE): $(LIGHTHOUSE_LOCK)/package.json $(LIGHTHOUSE_LOCK)/package-lock.json
	@command -v npm >/dev/null || { echo "make bench needs npm (Node.js) to fetch Lighthouse from the npm registry" >&2; exit 1; }
	rm -rf $(VENV)/share/lighthouse && mkdir -p $(VENV)/share/lighthouse
	cp $(LIGHTHOUSE_LOCK)/package.json $(LIGHTHOUSE_LOCK)/package-lock.json $(VENV)/share/lighthouse/
	npm ci --silent --no-audit --no-fund --prefix $(VENV)/share/lighthouse
	touch $@

# Build times beside a floor book, page weights, chart drawing time, Lighthouse on every page, and
# a fresh clone's install, cold make book and rebuild after a CSV change: _build/bench/report.md.
# BENCH_FLAGS=--make-test also times make test in the fresh clone (three minutes more).
bench: $(STAMP) chromium $(LIGHTHOUSE)
	$(BIN)/python -m sinosoviet.book.bench $(BENCH_FLAGS)

# The data release: _build/release/sinosoviet-data-VERSION.zip (the tables, datapackage.json, the
# codebook, the changelog, LICENSE, CITATION.cff, SHA256SUMS), byte-identical for the same data.
data-release: $(STAMP)
	$(BIN)/python -m sinosoviet.book.release

chromium:
	@command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

$(AXE): Makefile
	@command -v npm >/dev/null || { echo "make test needs npm (Node.js) to fetch axe-core from the npm registry" >&2; exit 1; }
	rm -rf $(@D) && mkdir -p $(@D)
	cd $(@D) && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null && tar -xzf axe-core-$(AXE_VERSION).tgz package/axe.min.js
	echo "$(AXE_SHA256)  $(@D)/package/axe.min.js" | sha256sum --check --quiet
	mv $(@D)/package/axe.min.js $@ && rm -rf $(@D)/package $(@D)/axe-core-$(AXE_VERSION).tgz && touch $@

# Both cores: the HTML book and the PDF built side by side (with axe-core's download), then
# pytest-xdist, one browser (and book server) per worker; tests/conftest.py keeps each notebook,
# each module with shared fixtures and each page's tests (which share one visit per window size)
# on one worker, longest first.
test: $(STAMP) chromium
	$(MAKE) --no-print-directory -j2 $(AXE) book pdf
	$(BIN)/python -m pytest -n 2 --dist loadgroup

clean:
	rm -rf _build
