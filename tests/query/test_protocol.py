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
