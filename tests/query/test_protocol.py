"""Both query engines implement the one QueryEngine Protocol the model and the page ask of."""

from __future__ import annotations

import inspect

import pytest

from dashboard.query.duckdb_engine import Engine
from dashboard.query.protocol import QueryEngine

PROTOCOL_METHODS = [name for name, _ in inspect.getmembers(QueryEngine, inspect.isfunction) if not name.startswith("_")]


def _check(engine) -> None:
    assert isinstance(engine, QueryEngine)
    for name in PROTOCOL_METHODS:
        want = inspect.signature(getattr(QueryEngine, name))
        got = inspect.signature(getattr(type(engine), name))
        assert list(got.parameters) == list(want.parameters), f"{type(engine).__name__}.{name}{got} is not {name}{want}"


def test_protocol_names_every_query_the_model_and_page_use():
    assert {"series", "series_each", "events_in", "coverages", "bucket_count", "date_bounds", "actor_counts"} <= set(PROTOCOL_METHODS)


def test_protocol_duckdb_engine_implements_it():
    engine = Engine()
    try:
        _check(engine)
    finally:
        engine.close()


@pytest.mark.spark
def test_protocol_ibis_engine_implements_it():
    pytest.importorskip("ibis")
    from dashboard.query.ibis_engine import IbisEngine, connect_duckdb

    engine = IbisEngine(connect_duckdb(), owns_connection=True)
    try:
        _check(engine)
    finally:
        engine.close()


@pytest.mark.spark
def test_protocol_ibis_engine_refuses_a_narrative_filter_clearly():
    """The Ibis/Spark engine holds no texts: a narrative filter is refused in words, not ignored."""
    pytest.importorskip("ibis")
    from dashboard.contract import NarrativeFilter, Selection
    from dashboard.query.ibis_engine import IbisEngine, connect_duckdb

    engine = IbisEngine(connect_duckdb(), owns_connection=True)
    try:
        with pytest.raises(ValueError, match="not supported on the Spark engine"):
            engine.series(Selection(narratives=(NarrativeFilter("n", ("x",)),)))
    finally:
        engine.close()


def test_protocol_duckdb_engine_without_text_refuses_a_narrative_filter():
    from dashboard.contract import NarrativeFilter, Selection

    engine = Engine()
    try:
        with pytest.raises(ValueError, match="no text|have none"):
            engine.series(Selection(narratives=(NarrativeFilter("n", ("x",)),)))
    finally:
        engine.close()
