"""The query layer on Apache Spark (through Ibis) gives DuckDB's answers.

Every Engine query runs on three engines — dashboard.query.duckdb_engine.Engine (the reference),
IbisEngine on Ibis's DuckDB backend and IbisEngine on Spark in local mode — over the TikTok
demo and a generated dataset, and the answers must agree: same columns, dtypes and order,
floats within 1e-9 relative. Then the scoring (analyse, the leaderboard),
`boilingpoint score --engine spark`, and the dashboard on Spark against DuckDB's.

The tests marked `spark` start one Spark session for the run (make test-spark); the others
check the engine's plumbing without Spark and run in `make test`.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dashboard.contract import MAX_BUCKETS, Selection
from dashboard.demo import DATASETS
from dashboard.launch import launch_files
from dashboard.loading import load_bytes, load_path
from dashboard.model.analysis import actor_leaderboard, analyse
from dashboard.query import engine_label, open_engine, parquet_in_place
from dashboard.query.duckdb_engine import Engine
from tests.conftest import skip_or_fail

spark = pytest.mark.spark
D = dt.date

# --- a generated dataset: seeded, with the awkward cases the demo lacks --------------------

# Names that must survive quoting in every dialect: quotes, a backslash, SQL, non-ASCII.
HOSTILE = "x') OR 1=1 --"
ACTORS = ["Acme", "Beta Corp", "O'Brien & Sons", 'The "Quoted" One', "Back\\slash", HOSTILE, "Ünïcode Ltd", "Zed"]
SOURCES = ["Wire", "Paper", "Blog", "Ràdio"]
TYPES = ["statement", "threat", "policy", "action", "retraction", "response", None]
START = dt.datetime(2024, 1, 1)
DAYS = 90


def generated(seed: int = 8) -> tuple[pa.Table, pa.Table]:
    """Events and mentions in the engine's schema: daily rows stamped at midnight and
    instants, missing tones, sources and targets, events aimed at their own actor,
    severities missing, retractions of earlier claims, an event type missing."""
    rng = np.random.default_rng(seed)
    p = 1.0 / np.arange(1, len(ACTORS) + 1)
    p /= p.sum()
    n = 6_000
    seconds = np.where(rng.random(n) < 0.4, 0, rng.integers(0, 86_400, n)) + rng.integers(0, DAYS, n) * 86_400
    tone = np.round(rng.uniform(-1, 1, n), 3)
    source = rng.choice(len(SOURCES) + 1, n)
    mentions = pa.table({
        "date": pa.array(np.datetime64(START, "us") + seconds.astype("timedelta64[s]"), pa.timestamp("us")),
        "actor": pa.array(rng.choice(ACTORS, n, p=p).tolist(), pa.string()),
        "tone": pa.array(tone, pa.float64(), mask=rng.random(n) < 0.2),
        "count": pa.array(rng.integers(1, 20, n), pa.int64()),
        "source": pa.array([SOURCES[s] if s < len(SOURCES) else None for s in source], pa.string()),
    })
    k = 400
    stamps = rng.choice(DAYS * 86_400, k, replace=False)
    stamps[:40] = rng.choice(DAYS, 40, replace=False) * 86_400  # some events on a day, not at a time
    assert len(set(stamps.tolist())) == k  # no two events at one instant: event order is total
    order = np.argsort(stamps)
    stamps = stamps[order]
    actor = rng.choice(ACTORS, k, p=p)
    target = [None if r < 0.3 else (a if r < 0.35 else ACTORS[int(t)]) for a, r, t in zip(actor, rng.random(k), rng.integers(0, len(ACTORS), k))]
    kind = [TYPES[i] for i in rng.choice(len(TYPES), k, p=[0.3, 0.15, 0.1, 0.15, 0.1, 0.15, 0.05])]
    ids = [f"g{i:04d}" for i in range(k)]
    retracts = []
    for i, (a, t) in enumerate(zip(actor, kind)):
        earlier = [j for j in range(i) if actor[j] == a and kind[j] != "retraction"]
        retracts.append(ids[earlier[-1]] if t == "retraction" and earlier else None)
    severity = rng.integers(-10, 11, k).astype(float)
    events = pa.table({
        "id": ids,
        "date": pa.array(np.datetime64(START, "us") + stamps.astype("timedelta64[s]"), pa.timestamp("us")),
        "actor": pa.array(actor.tolist(), pa.string()),
        "target": pa.array(target, pa.string()),
        "event_type": pa.array(kind, pa.string()),
        "severity": pa.array(severity, pa.float64(), mask=rng.random(k) < 0.1),
        "headline": [f"Event {i}" for i in range(k)],
        "source": pa.array([SOURCES[s] if s < len(SOURCES) else None for s in rng.choice(len(SOURCES) + 1, k)], pa.string()),
        "url": pa.array([f"https://example.invalid/{i}" if i % 7 == 0 else None for i in range(k)], pa.string()),
        "retracts": pa.array(retracts, pa.string()),
    })
    return events, mentions


def demo_tables() -> tuple[pa.Table, pa.Table]:
    d = DATASETS["tiktok-2020"]
    return load_path(d.events, "events").table, load_path(d.mentions, "mentions").table


DATASET_TABLES = {"tiktok-2020": demo_tables, "generated": generated}

SELECTIONS = {
    "tiktok-2020": [
        Selection(),
        Selection(start=D(2020, 7, 1), end=D(2020, 7, 31)),
        Selection(start=D(2020, 8, 1), end=D(2020, 8, 2), bucket="hour"),
        Selection(bucket="week", targets=("TikTok",)),
        Selection(event_types=("policy", "threat"), start=D(2020, 9, 1)),
        Selection(actors=("Amazon", "TikTok"), end=D(2020, 8, 15)),
        Selection(actors=("Nobody",)),
    ],
    "generated": [
        Selection(),
        Selection(start=D(2024, 2, 10), end=D(2024, 2, 12), bucket="hour"),
        Selection(bucket="week"),
        Selection(actors=("O'Brien & Sons", "Back\\slash", 'The "Quoted" One')),
        Selection(actors=(HOSTILE,)),
        Selection(targets=("Acme", "Ünïcode Ltd"), event_types=("threat", "other")),
        Selection(start=D(2024, 3, 1)),
        Selection(end=D(2024, 1, 20), bucket="hour"),
        Selection(start=D(2023, 6, 1), end=D(2023, 6, 30)),  # a chosen range with no data
    ],
}
CASES = [(name, i) for name, sels in SELECTIONS.items() for i in range(len(sels))]


# --- comparing answers ---------------------------------------------------------------------


def assert_same(got, want, what: str = "") -> None:
    """The same answer: frames with equal columns, dtypes and rows (floats within 1e-9)."""
    if isinstance(want, pd.DataFrame):
        assert list(got.columns) == list(want.columns), what
        assert got.dtypes.astype(str).to_dict() == want.dtypes.astype(str).to_dict(), what
        pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True),
                                      check_exact=False, rtol=1e-9, atol=1e-12, obj=what or "frame")
    elif isinstance(want, dict):
        assert list(got) == list(want), what
        for key in want:
            assert_same(got[key], want[key], f"{what}[{key!r}]")
    elif isinstance(want, list) and want and isinstance(want[0], tuple):
        assert len(got) == len(want), what
        for g, w in zip(got, want):
            assert g[0] == pytest.approx(w[0], rel=1e-9), what
            assert (g[1] is None) == (w[1] is None) and (w[1] is None or g[1] == pytest.approx(w[1], rel=1e-9)), what
    else:
        assert got == want, what


def assert_same_analysis(got, want) -> None:
    assert list(got.table["stage"]) == list(want.table["stage"])
    np.testing.assert_allclose(got.table["index"], want.table["index"], rtol=1e-9, atol=1e-9)
    for part in ("table", "events", "change_points", "alerts", "pairs"):
        assert_same(getattr(got, part), getattr(want, part), part)
    assert got.explain() == want.explain()


# --- fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def spark_con():
    """One Spark session (local mode) for the whole run, through Ibis."""
    for module in ("ibis", "pyspark"):
        if importlib.util.find_spec(module) is None:
            skip_or_fail(f"{module} is not installed: the Spark tests need the spark extra (make test-spark)")
    if shutil.which("java") is None:
        skip_or_fail("Spark needs Java 17 (make test-spark installs Debian's when root)")
    from dashboard.query.spark import connect_spark

    con = connect_spark()
    yield con
    con.disconnect()


@dataclass
class Engines:
    dataset: str
    ref: Engine  # the reference: DuckDB SQL
    others: dict  # "ibis-duckdb", "spark" -> IbisEngine


@pytest.fixture(scope="session")
def engine_sets(spark_con):
    """Each dataset, built once on first use, in the reference Engine, in IbisEngine on DuckDB
    and in IbisEngine on Spark."""
    from dashboard.query.ibis_engine import IbisEngine, connect_duckdb

    built: dict[str, Engines] = {}

    def get(name: str) -> Engines:
        if name not in built:
            events, mentions = DATASET_TABLES[name]()
            built[name] = Engines(name, Engine(events, mentions), {
                "ibis-duckdb": IbisEngine(connect_duckdb(), events, mentions, owns_connection=True),
                "spark": IbisEngine(spark_con, events, mentions),
            })
        return built[name]

    yield get
    for engines in built.values():
        for engine in (engines.ref, *engines.others.values()):
            engine.close()


@pytest.fixture
def engines(request, engine_sets) -> Engines:
    return engine_sets(request.param)


def _check(engines: Engines, call, what: str):
    """The reference's answer, after checking that both other engines give it."""
    want = call(engines.ref)
    for name, engine in engines.others.items():
        assert_same(call(engine), want, f"{name}: {what}")
    return want


# --- the engine queries on both engines ------------------------------------------------------


@spark
@pytest.mark.parametrize("engines", list(DATASET_TABLES), indirect=True)
def test_spark_dataset_facts_match_duckdb(engines):
    ref = engines.ref
    for name, engine in engines.others.items():
        assert engine.date_bounds() == ref.date_bounds() is not None, name
        assert (engine.has_events, engine.has_mentions, engine.has_tone) == (True, True, True), name
    counts = _check(engines, lambda e: e.actor_counts(), "actor_counts")
    assert len(counts) >= 8 and counts["mentions"].sum() > 0 and counts["events"].sum() > 0
    assert len(_check(engines, lambda e: e.targets(), "targets")) >= 5
    assert len(_check(engines, lambda e: e.event_types(), "event_types")) >= 5


@spark
@pytest.mark.parametrize("engines, i", CASES, indirect=["engines"], ids=[f"{n}-{i}" for n, i in CASES])
def test_spark_series_match_duckdb(engines, i):
    sel = SELECTIONS[engines.dataset][i]
    series = _check(engines, lambda e: e.series(sel), "series")
    _check(engines, lambda e: e.bucket_count(sel), "bucket_count")
    names = engines.ref.actor_counts()["actor"].tolist()[:6] + ["Nobody at all"]
    each = _check(engines, lambda e: e.series_each(sel, names), "series_each")
    if sel.actors != ("Nobody",) and sel.start != D(2023, 6, 1):
        assert len(series) > 0 and series["volume"].sum() + series["events"].sum() > 0
        assert any(len(f) for f in each.values())


@spark
@pytest.mark.parametrize("engines, i", CASES, indirect=["engines"], ids=[f"{n}-{i}" for n, i in CASES])
def test_spark_lists_match_duckdb(engines, i):
    sel = SELECTIONS[engines.dataset][i]
    _check(engines, lambda e: e.events_in(sel), "events_in")
    _check(engines, lambda e: e.events_in(sel, limit=5), "events_in(limit=5)")
    _check(engines, lambda e: e.volume_by_actor(sel), "volume_by_actor")
    _check(engines, lambda e: e.retraction_links(sel), "retraction_links")
    _check(engines, lambda e: e.matrix(sel), "matrix")
    _check(engines, lambda e: e.matrix(sel, top=3), "matrix(top=3)")
    _check(engines, lambda e: e.top_actors(sel), "top_actors")
    _check(engines, lambda e: e.top_actors(sel, 3), "top_actors(3)")


@spark
@pytest.mark.parametrize("engines", list(DATASET_TABLES), indirect=True)
def test_spark_answers_are_not_empty_where_data_is(engines):
    """The comparisons above compare something: links, pairs and hostile names are there."""
    for engine in (engines.ref, *engines.others.values()):
        assert len(engine.retraction_links(Selection())) >= 1
        assert len(engine.matrix(Selection())) >= 5
        assert len(engine.volume_by_actor(Selection())) > 100
    if engines.dataset == "generated":
        for engine in engines.others.values():
            only = engine.events_in(Selection(actors=(HOSTILE,)))
            assert len(only) > 0 and set(only["actor"]) | set(only["target"].dropna()) >= {HOSTILE}
            assert (only["actor"] == HOSTILE).all() or (only["target"] == HOSTILE).any()
            assert set(engine.volume_by_actor(Selection(actors=("Back\\slash",)))["actor"]) == {"Back\\slash"}


@spark
@pytest.mark.parametrize("engines", list(DATASET_TABLES), indirect=True)
def test_spark_coverages_match_duckdb(engines):
    first = dt.datetime.combine(engines.ref.date_bounds()[0], dt.time())
    busiest = engines.ref.actor_counts()["actor"].tolist()[:3]
    at = lambda days, hours=0: first + dt.timedelta(days=days, hours=hours)  # noqa: E731
    windows = [
        (busiest[0], at(10, 15), at(12, 15)),  # across midnights: shares of daily rows
        (busiest[1], at(20), at(20, 6)),
        (busiest[2], at(30, 6.5), at(31)),
        (busiest[0], at(40, 3), at(40, 3)),  # empty window
        ("Nobody", at(0), at(99)),
    ]
    got = _check(engines, lambda e: e.coverages(windows), "coverages")
    assert got[0][0] > 0 and got[-1] == (0.0, None)


@spark
@pytest.mark.parametrize("engines, sel", [
    ("tiktok-2020", Selection()),
    ("tiktok-2020", Selection(actors=("Amazon",))),
    ("tiktok-2020", Selection(start=D(2020, 7, 1), end=D(2020, 8, 15))),
    ("tiktok-2020", Selection(start=D(2020, 7, 9), end=D(2020, 7, 11), bucket="hour")),
    ("generated", Selection()),
    ("generated", Selection(actors=("Acme",), start=D(2024, 2, 1))),
    ("generated", Selection(bucket="week")),
], indirect=["engines"])
def test_spark_analyse_gives_duckdbs_stages_and_index(engines, sel):
    want = analyse(engines.ref, sel)
    assert not want.empty
    for engine in engines.others.values():
        assert_same_analysis(analyse(engine, sel), want)
    if sel == Selection() and engines.dataset == "tiktok-2020":
        assert "crisis" in set(want.table["stage"]) and len(want.pairs) == 1  # the demo's peak and Amazon's retraction


@spark
@pytest.mark.parametrize("engines", list(DATASET_TABLES), indirect=True)
def test_spark_leaderboard_matches_duckdb(engines):
    want = actor_leaderboard(engines.ref, Selection())
    assert len(want) >= 3
    for engine in engines.others.values():
        assert_same(actor_leaderboard(engine, Selection()), want, "leaderboard")


# --- edges: too many buckets, nothing at all, Parquet read in place ---------------------------


@spark
def test_spark_refuses_more_buckets_than_a_chart_can_hold(spark_con):
    from dashboard.query.ibis_engine import IbisEngine

    me = load_bytes(b"date,actor,count\n2000-01-01,A,1\n2020-01-01,A,1\n", "mentions").table
    ref, engine = Engine(mentions=me), IbisEngine(spark_con, mentions=me)
    for sel in (Selection(bucket="hour"), Selection(), Selection(start=D(2000, 1, 1), end=D(2020, 1, 1))):
        assert engine.bucket_count(sel) == ref.bucket_count(sel) > MAX_BUCKETS
        with pytest.raises(ValueError, match="coarser bucket"):
            engine.series(sel)
        with pytest.raises(ValueError, match="coarser bucket"):
            engine.series_each(sel, ["A"])
    assert_same(engine.series(Selection(bucket="week")), ref.series(Selection(bucket="week")))
    assert len(engine.series(Selection(bucket="week"))) == 1045
    # A long chosen range without data is no error, as on DuckDB: an empty frame.
    nothing = Selection(actors=("B",), start=D(1990, 1, 1), end=D(2020, 1, 1), bucket="hour")
    assert_same(engine.series(nothing), ref.series(nothing))
    engine.close()


@spark
def test_spark_engine_without_any_table_is_empty(spark_con):
    from dashboard.query.ibis_engine import IbisEngine

    ref, engine = Engine(), IbisEngine(spark_con)
    assert engine.date_bounds() is None and not (engine.has_events or engine.has_mentions or engine.has_tone)
    for call in (lambda e: e.series(Selection()), lambda e: e.events_in(Selection()), lambda e: e.actor_counts(),
                 lambda e: e.volume_by_actor(Selection()), lambda e: e.retraction_links(Selection()),
                 lambda e: e.matrix(Selection()), lambda e: e.top_actors(Selection()), lambda e: e.targets(),
                 lambda e: e.series_each(Selection(), ["A"])):
        assert_same(call(engine), call(ref))
    assert engine.bucket_count(Selection()) == 0
    engine.close()


@dataclass
class _Source:
    """The loader's ParquetSource, as open_engine reads it: the file and its rejected rows."""

    path: Path
    rejected: int


@dataclass
class _Loaded:
    """The loader's LoadResult, as open_engine reads it: the rows, and where they came from."""

    table: pa.Table
    source: _Source | None


@spark
def test_spark_reads_a_clean_parquet_file_itself(spark_con, tmp_path):
    events, mentions = generated()
    # As a user's file may be: other column names' case, instants with a time zone, no count.
    path = tmp_path / "mentions.parquet"
    frame = mentions.drop_columns(["count"]).rename_columns(["Date", " Actor ", "TONE", "source"])
    frame = frame.set_column(0, "Date", frame.column("Date").cast(pa.timestamp("us", tz="UTC")))
    pq.write_table(frame, path)
    as_loaded = mentions.set_column(3, "count", pa.array(np.ones(len(mentions), dtype=np.int64)))
    ref = Engine(events, as_loaded)
    engine = open_engine("spark", events=events, mentions=_Loaded(as_loaded.slice(0, 0), _Source(path, 0)))
    assert engine.mentions_file == path  # Spark read the file; the (emptied) Arrow rows were not used
    sel = Selection(actors=("Acme", HOSTILE), bucket="week")
    for call in (lambda e: e.series(Selection()), lambda e: e.series(sel), lambda e: e.volume_by_actor(sel),
                 lambda e: e.actor_counts()):
        assert_same(call(engine), call(ref))
    assert engine.series(Selection())["volume"].sum() == len(mentions)
    # Rows were rejected: the file holds rows the report dropped, so the Arrow rows are used.
    fallback = open_engine("spark", events=events, mentions=_Loaded(as_loaded, _Source(path, 1)))
    assert fallback.mentions_file is None
    assert_same(fallback.series(sel), ref.series(sel))
    engine.close()
    fallback.close()


def test_parquet_in_place_only_for_files_loaded_whole_and_without_text(tmp_path):
    plain, texts = tmp_path / "plain.parquet", tmp_path / "texts.parquet"
    pq.write_table(pa.table({"date": [dt.datetime(2024, 1, 1)], "actor": ["A"], "tone": [0.1]}), plain)
    pq.write_table(pa.table({"date": [dt.datetime(2024, 1, 1)], "actor": ["A"], " Text ": ["fine"]}), texts)
    table = pa.table({"x": [1]})
    assert parquet_in_place(_Loaded(table, _Source(plain, 0))) == plain
    assert parquet_in_place(_Source(plain, 0)) == plain
    assert parquet_in_place(_Loaded(table, _Source(plain, 3))) is None  # rejected rows
    assert parquet_in_place(_Loaded(table, None)) is None  # not a Parquet file read in place
    assert parquet_in_place(_Loaded(table, _Source(tmp_path / "gone.parquet", 0))) is None
    assert parquet_in_place(_Loaded(table, _Source(texts, 0))) is None  # the loader scores text's tone
    assert parquet_in_place(table) is None and parquet_in_place(None) is None


# --- the command line and the dashboard ----------------------------------------------------------


def _cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dashboard.cli", *args], capture_output=True, text=True,
                          timeout=600, env=env)


@spark
def test_spark_cli_score_gives_duckdbs_stages_and_index(tmp_path, spark_con):
    out = {}
    for engine in ("duckdb", "spark"):
        out[engine] = tmp_path / f"{engine}.csv"
        # Spark's process in another time zone: dates must stay UTC all the way through.
        env = {**os.environ, "TZ": "America/New_York"} if engine == "spark" else None
        result = _cli("score", "--engine", engine, "--out", str(out[engine]), env=env)
        assert result.returncode == 0, result.stderr[-3000:]
    want, got = pd.read_csv(out["duckdb"]), pd.read_csv(out["spark"])
    assert len(want) == 173 and "crisis" in set(want["stage"])
    assert list(got.columns) == list(want.columns)
    assert list(got["stage"]) == list(want["stage"]) and list(got["date"]) == list(want["date"])
    pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-6)


def test_cli_engine_flag_reaches_the_app_and_is_checked(monkeypatch, capsys):
    from dashboard import cli

    calls = []
    monkeypatch.setattr(cli.subprocess, "call", lambda command: calls.append(command) or 0)
    monkeypatch.setattr("dashboard.query.check_spark_installed", lambda: None)  # runs without the extra too
    assert cli.main(["run", "--engine", "spark", "--port", "9"]) == 0
    app_args = calls[0][calls[0].index("--") + 1:]
    assert app_args == ["--engine", "spark"]
    assert launch_files(app_args).engine == "spark"
    assert cli.main(["run", "--port", "9"]) == 0
    assert "--engine" not in calls[1] and launch_files(calls[1][calls[1].index("--") + 1:]).engine == "duckdb"
    with pytest.raises(SystemExit):
        cli.main(["score", "--engine", "postgres"])
    assert "invalid choice: 'postgres'" in capsys.readouterr().err


@pytest.mark.parametrize("argv, engine", [
    ([], "duckdb"),
    (["--events", "e.csv", "--engine", "spark"], "spark"),
    (["--engine", "SPARK", "--wide"], "spark"),
    (["--engine", "duckdb"], "duckdb"),
])
def test_launch_files_reads_the_engine_flag(argv, engine):
    assert launch_files(argv).engine == engine


def test_launch_files_reports_an_unknown_engine_and_keeps_the_default():
    files = launch_files(["--engine", "oracle"])
    assert files.engine == "duckdb"
    assert "must be one of duckdb, spark" in files.problem


def test_engine_label_names_the_spark_master(monkeypatch):
    monkeypatch.delenv("BOILINGPOINT_SPARK_MASTER", raising=False)
    assert engine_label("spark") == "Apache Spark (local[*])"
    monkeypatch.setenv("BOILINGPOINT_SPARK_MASTER", "spark://head:7077")
    assert engine_label("spark") == "Apache Spark (spark://head:7077)"
    assert engine_label(None) == "DuckDB (embedded)"


def test_cli_and_the_default_engine_import_neither_ibis_nor_pyspark():
    code = (
        "import sys; import dashboard.cli, dashboard.query; from dashboard.cli import main; "
        "main(['score', '--to', '2020-06-05', '--out', '/dev/null']); "
        "print(sorted(m for m in ('ibis', 'pyspark', 'py4j') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"


def _escalation(at, chart_frames) -> pd.DataFrame:
    for chart in chart_frames(at):
        title = chart["spec"].get("title", {})
        text = title.get("text") if isinstance(title, dict) else title
        if text and text.startswith("Escalation"):
            return next(f for f in chart["data"] if {"index", "stage"} <= set(f.columns))
    raise AssertionError("no escalation chart")


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@spark
def test_spark_dashboard_on_spark_shows_duckdbs_stages_and_index(make_app, chart_frames, monkeypatch, spark_con):
    runs = {}
    for engine in ("duckdb", "spark"):
        monkeypatch.setattr(sys, "argv", ["app.py", "--engine", engine])
        at = make_app({"actor": ["Amazon", "TikTok"], "to": "2020-08-31"})
        at.default_timeout = 300
        at.run()
        assert not at.exception, at.exception
        assert not at.error, [e.value for e in at.error]
        runs[engine] = at
    spark_at, duck_at = runs["spark"], runs["duckdb"]
    assert any("Apache Spark (local[*])" in c.value for c in spark_at.sidebar.caption)
    assert not any("Apache Spark" in c.value for c in duck_at.sidebar.caption)
    # The app's dataset lives in the test's Spark session: its tables are registered there.
    views = [t.name for t in spark_con._session.catalog.listTables()]
    assert any(v.startswith("boilingpoint_mentions_") for v in views), views
    want, got = _escalation(duck_at, chart_frames), _escalation(spark_at, chart_frames)
    assert len(want) > 50 and set(want["stage"]) >= {"crisis"}
    assert list(got["stage"]) == list(want["stage"])
    np.testing.assert_allclose(got["index"], want["index"], rtol=1e-9)
    assert _metrics(spark_at) == _metrics(duck_at) and "Peak index" in _metrics(duck_at)
    # The filter reaches Spark: a narrower selection gives a different picture there too.
    spark_at.multiselect(key="actor").set_value(["Amazon"])
    spark_at.run()
    assert not spark_at.exception
    assert _metrics(spark_at) != _metrics(duck_at)


@spark
def test_build_dataset_on_spark_reads_a_clean_parquet_file_in_place(spark_con, tmp_path):
    """The real loader's ParquetSource (dashboard/loading/native.py) reaches Spark through
    build_dataset: Spark reads the file itself, with DuckDB's answers."""
    from dashboard.dataset import build_dataset
    from dashboard.model.analysis import analyse

    events, mentions = generated()
    path = tmp_path / "mentions.parquet"
    pq.write_table(mentions.set_column(0, "date", mentions.column("date").cast(pa.timestamp("us", tz="UTC"))), path)
    ev_path = tmp_path / "events.parquet"
    pq.write_table(events, ev_path)
    on_spark = build_dataset(ev_path, path, engine="spark")
    assert on_spark.engine.mentions_file == path.resolve()
    on_duckdb = build_dataset(ev_path, path)
    sel = Selection(actors=("Acme", HOSTILE), bucket="week")
    a, b = analyse(on_spark.engine, sel), analyse(on_duckdb.engine, sel)
    assert len(a.table) and (a.table["stage"] == b.table["stage"]).all()
    assert np.allclose(a.table["index"], b.table["index"])
    # Asking for a few actors keeps fewer rows than the file: then the file is not read in place.
    few = build_dataset(ev_path, path, engine="spark", only_actors=("Acme",))
    assert few.engine.mentions_file is None
    on_spark.engine.close()
    few.engine.close()


# --- a big Parquet file on Spark: the on-disk checks, the rows from disk -------------------------


def _big_file(tmp_path, bad: bool, naive: bool = False) -> tuple[Path, Path]:
    """The generated dataset as user files; `bad`: a few rows the checks reject (one of an
    actor seen nowhere else) or change (a name with spaces around it); else only plain ASCII
    names, which the checks clear without asking the validator (a file without suspects)."""
    events, mentions = generated()
    mentions = mentions.set_column(0, "date", mentions.column("date").cast(pa.timestamp("us", tz=None if naive else "UTC")))
    if not bad:
        for name in ("actor", "source"):
            plain = [None if v is None else v.replace("Ü", "U").replace("ï", "i").replace("à", "a")
                     for v in mentions.column(name).to_pylist()]
            mentions = mentions.set_column(mentions.schema.get_field_index(name), name, pa.array(plain, pa.string()))
    if bad:
        stamp = mentions.schema.field("date").type
        wrong = pa.table({
            "date": pa.array([dt.datetime(2024, 1, 5), None, dt.datetime(2024, 1, 6), dt.datetime(2024, 2, 1)], stamp),
            "actor": ["Only Rejected", "Acme", " Acme ", "Zed"],
            "tone": [5.0, 0.1, 0.2, -0.5],
            "count": pa.array([7, 1, 2, -3], pa.int64()),
            "source": ["Wire", "Wire", None, "Blog"],
        })
        mentions = pa.concat_tables([mentions.slice(0, 3_000), wrong, mentions.slice(3_000)])
    path, ev_path = tmp_path / "mentions.parquet", tmp_path / "events.parquet"
    pq.write_table(mentions, path, row_group_size=1_000)
    pq.write_table(events, ev_path)
    return ev_path, path


@spark
@pytest.mark.parametrize("bad, naive", [(True, False), (False, False), (False, True)])
def test_spark_takes_a_big_parquet_file_through_the_on_disk_checks(spark_con, tmp_path, monkeypatch, bad, naive):
    """At on_disk_rows() rows and more, --engine spark validates the file by DuckDB SQL as the
    default engine does (never the rows in memory): the same load report, and Spark reads from
    disk exactly the rows loaded — the store's rows exported when the checks rejected or changed
    any, the file itself when none — with DuckDB's answers."""
    from dashboard import dataset
    from dashboard.dataset import build_dataset

    monkeypatch.setenv("BOILINGPOINT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("BOILINGPOINT_ON_DISK_ROWS", "1000")
    ev_path, path = _big_file(tmp_path, bad, naive)
    load_one = dataset.load_one

    def events_only(source, kind, *args, **kwargs):
        assert kind == "events", "the mentions were loaded in memory"
        return load_one(source, kind, *args, **kwargs)

    monkeypatch.setattr(dataset, "load_one", events_only)
    on_duckdb = build_dataset(ev_path, path)
    on_spark = build_dataset(ev_path, path, engine="spark")
    assert on_spark.reports == on_duckdb.reports
    report = on_spark.reports["mentions"]
    store = next((tmp_path / "home" / "cache").glob("mentions-*.duckdb"))
    if bad:
        assert report.rejected == 3 and report.loaded == 6_001
        assert on_spark.engine.mentions_file == store.with_suffix(".parquet")
    else:
        assert report.rejected == 0 and report.exact
        assert on_spark.engine.mentions_file == path  # nothing to leave out: the file itself
    spark_engine, duck = on_spark.engine, on_duckdb.engine
    assert_same(spark_engine.actor_counts(), duck.actor_counts())
    assert "Only Rejected" not in set(spark_engine.actor_counts()["actor"])
    assert spark_engine.series(Selection())["volume"].sum() == duck.series(Selection())["volume"].sum()
    for sel in SELECTIONS["generated"]:
        assert_same(spark_engine.series(sel), duck.series(sel), str(sel))
        assert_same(spark_engine.volume_by_actor(sel), duck.volume_by_actor(sel), str(sel))
    sel = Selection(actors=("Acme", HOSTILE), bucket="week")
    assert_same_analysis(analyse(spark_engine, sel), analyse(duck, sel))
    assert_same(actor_leaderboard(spark_engine, Selection()), actor_leaderboard(duck, Selection()))
    spark_engine.close()
    # Opened again: the store and its export are found, with the same report.
    again = build_dataset(ev_path, path, engine="spark")
    assert again.reports == on_duckdb.reports
    assert_same(again.engine.series(sel), duck.series(sel))
    again.engine.close()
    duck.close()
