# make book: build the HTML book into _build/html.  make test: the whole test suite.
# Both create .venv from a bare python3 and install the pinned requirements when needed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
JB     := $(BIN)/jupyter-book

.PHONY: book test notebooks pdf bench chromium clean
.DEFAULT_GOAL := book

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -r requirements.txt
	# the package is imported from the working tree (no build step, no setuptools needed)
	$(BIN)/python -c "import sysconfig, pathlib; pathlib.Path(sysconfig.get_paths()['purelib'], 'sinosoviet-src.pth').write_text('$(CURDIR)\n')"
	touch $@

# The book renders the stored outputs, which nbval proves are what the code produces today
# (make test); `make notebooks` re-executes every notebook and writes its outputs back.
book: $(STAMP)
	$(JB) build . --path-output . --warningiserror --nitpick --keep-going --quiet

notebooks: $(STAMP)
	$(BIN)/python -m sinosoviet.notebooks execute notebooks/*.ipynb

# The print edition: the single-page build printed by headless Chromium once every chart has drawn.
PRINT := _build/print/_build/singlehtml
pdf: $(STAMP) chromium
	$(JB) build . --builder singlehtml --path-output _build/print --warningiserror --nitpick --keep-going --quiet
	$(BIN)/python -m sinosoviet.pdf $(PRINT) book/introduction.html _build/pdf/book.pdf

# Build times beside a floor book, page weights, chart drawing time: _build/bench/report.md
bench: $(STAMP) chromium
	$(BIN)/python -m sinosoviet.bench

chromium:
	@command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

test: $(STAMP) chromium book pdf
	$(BIN)/python -m pytest

clean:
	rm -rf _build
