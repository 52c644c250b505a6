"""The page's background preparation of an engine (ui/cache.prepare_in_background): once per
engine, off the script's thread, and a failure never reaches the page."""

from __future__ import annotations

import logging
import threading
from types import SimpleNamespace

from dashboard.ui import cache


class _Engine:
    def __init__(self, fail: bool = False):
        self.calls: list[str] = []
        self.done = threading.Event()
        self.fail = fail

    def prepare_daily(self) -> bool:
        self.calls.append(threading.current_thread().name)
        self.done.set()
        if self.fail:
            raise RuntimeError("the engine was closed")
        return True


def test_an_engine_is_prepared_once_in_a_background_thread():
    engine = _Engine()
    dataset = SimpleNamespace(engine=engine)
    for _ in range(3):  # every rerun of every session asks
        cache.prepare_in_background(dataset)
    assert engine.done.wait(10)
    for thread in threading.enumerate():
        if thread.name == "boilingpoint-prepare":
            thread.join(10)
    assert engine.calls == ["boilingpoint-prepare"]
    other = _Engine()
    cache.prepare_in_background(SimpleNamespace(engine=other))  # another dataset: its own
    assert other.done.wait(10) and len(other.calls) == 1


def test_a_failed_preparation_is_logged_and_an_engine_without_one_left_alone(caplog):
    engine = _Engine(fail=True)
    with caplog.at_level(logging.WARNING, logger=cache.__name__):
        cache.prepare_in_background(SimpleNamespace(engine=engine))
        assert engine.done.wait(10)
        for thread in threading.enumerate():
            if thread.name == "boilingpoint-prepare":
                thread.join(10)
    assert "preparing the daily sums failed" in caplog.text
    cache.prepare_in_background(SimpleNamespace(engine=object()))  # no prepare_daily: nothing to do
