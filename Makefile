# Boiling Point — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8501
ADDRESS ?= 127.0.0.1
PYTEST_ARGS ?=
BENCH_SIZES ?= 100k 1M 10M
BENCH_RUNS ?= 5
BENCH_LOAD_SESSIONS ?= 50
BENCH_LOAD_SESSIONS_1M ?= 20
BENCH_SHAPES ?= sorted real

.PHONY: run lint test test-spark java install install-test install-spark browser pdf-tools postgres clean demo-data bench spark-bench validity soak tone-bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

$(VENV)/.installed-spark: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,spark]'
	touch $@ $(VENV)/.installed-test $(VENV)/.installed

install-spark: $(VENV)/.installed-spark

## run: start the dashboard on the bundled TikTok demo at http://localhost:$(PORT)
run: install
	$(BIN)/boilingpoint run --port $(PORT) --address $(ADDRESS)

## lint: ruff (pyflakes, pycodestyle, bugbear, isort, pyupgrade, complexity) and mypy on dashboard/
lint: install-test
	$(BIN)/ruff check dashboard tests benchmarks docs
	$(BIN)/mypy

## test: every test but the Spark ones, browser tests included (installs Debian's chromium,
##       poppler-utils and postgresql when root)
test: install-test browser pdf-tools postgres
	$(BIN)/python -m pytest -m "not spark" $(PYTEST_ARGS)

## test-spark: the query layer on Apache Spark (local mode) against DuckDB: the spark extra,
##             Java 17 (Debian's, installed when root and missing), then the tests marked spark
test-spark: install-spark java
	$(BIN)/python -m pytest -m spark $(PYTEST_ARGS)

## java: a Java runtime for Spark (Debian's OpenJDK 17 headless, only installed when we are root)
java:
	@if command -v java >/dev/null; then \
		echo "java: $$(java -version 2>&1 | head -n1)"; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's OpenJDK 17 for Spark..."; \
		DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null; \
	else \
		echo "java is missing and we are not root: Spark cannot start."; \
		echo "Install it with: sudo apt-get install -y openjdk-17-jre-headless"; \
	fi

## browser: Debian's Chromium for the Playwright tests (only installed when we are root)
browser:
	@if [ -x /usr/bin/chromium ]; then \
		echo "chromium: $$(/usr/bin/chromium --version 2>/dev/null | head -n1)"; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's chromium for the browser tests..."; \
		DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "chromium is missing and we are not root: browser tests will be skipped."; \
		echo "Enable them with: sudo apt-get install -y chromium"; \
	fi

## postgres: Debian's PostgreSQL server programs (initdb, pg_ctl: tests/monitor/test_postgres.py
##           starts a throwaway cluster of its own on a free port), only installed when we are root
postgres:
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null; then \
		echo "postgresql: $$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | tail -n1)"; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's postgresql for the monitor store's PostgreSQL tests..."; \
		DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	else \
		echo "PostgreSQL is missing and we are not root: its tests will be skipped."; \
		echo "Enable them with: sudo apt-get install -y postgresql"; \
	fi

## pdf-tools: Debian's poppler-utils (pdftoppm: the slide tests render the PDF's pages to PNG) and
##            fonts-dejavu-core (the PDF's Unicode font), only installed when we are root
pdf-tools:
	@if command -v pdftoppm >/dev/null && [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then \
		echo "pdftoppm: $$(pdftoppm -v 2>&1 | head -n1)"; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's poppler-utils and fonts-dejavu-core for the slides..."; \
		DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils fonts-dejavu-core >/dev/null; \
	else \
		echo "pdftoppm or DejaVu Sans is missing and we are not root: the PDF page tests will be skipped."; \
		echo "Enable them with: sudo apt-get install -y poppler-utils fonts-dejavu-core"; \
	fi

## bench: the speed benchmarks at $(BENCH_SIZES) mention rows, side by side with naive pandas and
##        raw DuckDB, then the load tests (50 sessions on the demo, 20 on 1M); the figures go to BENCHMARKS.md (after a full run) and
##        benchmarks/results/. Quick run: make bench BENCH_SIZES=100k BENCH_RUNS=3 BENCH_LOAD_SESSIONS=0
bench: install-test browser
	$(BIN)/python benchmarks/generate.py $(BENCH_SIZES)
	@# The 10M-row files are past the import caps a dashboard deployment gets by default (200 MB
	@# on disk, 256 MB uncompressed, 10M rows): raised here as a deployment would (docs/deploying.md).
	BOILINGPOINT_MAX_BYTES=4000000000 BOILINGPOINT_MAX_UNCOMPRESSED_BYTES=4000000000 BOILINGPOINT_MAX_ROWS=100000000 \
		$(BIN)/python benchmarks/bench.py --sizes $(BENCH_SIZES) --shapes $(BENCH_SHAPES) --runs $(BENCH_RUNS) --doc BENCHMARKS.md
	@if [ "$(BENCH_LOAD_SESSIONS)" -gt 0 ] 2>/dev/null; then \
		$(BIN)/python benchmarks/load_test.py --sessions $(BENCH_LOAD_SESSIONS) --json benchmarks/results/load_test.json --doc BENCHMARKS.md; \
		case " $(BENCH_SIZES) " in *" 1M "*) \
			$(BIN)/python benchmarks/load_test.py --sessions $(BENCH_LOAD_SESSIONS_1M) --dataset 1M --json benchmarks/results/load_test-1M.json --doc BENCHMARKS.md;; \
		esac; \
	fi

## soak: 5 protocol-level clients change filters and upload files at random against one server
##       for SOAK_MINUTES (30); no error, memory flat; the result goes to BENCHMARKS.md
SOAK_MINUTES ?= 30
soak: install-test
	$(BIN)/python benchmarks/soak.py --minutes $(SOAK_MINUTES) --json benchmarks/results/soak.json --doc BENCHMARKS.md

## spark-bench: session start, loading, a series and a full analysis on the 1M dataset with
##              DuckDB, Ibis on DuckDB and Ibis on Spark (medians of BENCH_RUNS; a markdown table)
spark-bench: install-spark java
	$(BIN)/python benchmarks/generate.py 1M
	$(BIN)/python benchmarks/spark_bench.py --runs $(BENCH_RUNS)

## validity: the validation suite of issue 13 — the model on real COVID-19, ACLED and headline
##           series, null models and synthetic stories, each figure against its target and beside
##           the baseline (benchmarks/validity/baseline_v1.json); the results go to VALIDITY.md
validity: install-test
	$(BIN)/python benchmarks/validity/run.py --doc VALIDITY.md

## tone-bench: issue 16's tone target — VADER against the tone model fitted on 300 and 4,000 of the
##             14,640 human-labelled airline tweets in ../shared (macro-F1 on the rest), and the cost
##             per 10,000 texts; results in benchmarks/results/tone-latest.json and BENCHMARKS.md
tone-bench: install
	$(BIN)/python benchmarks/tone.py --doc BENCHMARKS.md

## demo-data: regenerate the simulated demo mentions and the COVID conversion
demo-data: install
	$(BIN)/python -m dashboard.demo

## screenshot: docs/screenshot.png, the README's picture: the app on the demo in Debian's Chromium, 1280x720
.PHONY: screenshot
screenshot: install-test browser
	$(BIN)/python docs/make_screenshot.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info
