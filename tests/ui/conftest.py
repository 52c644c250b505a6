"""The UI tests keep their notes in a store of their own, never in the user's data folder."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def store_home(tmp_path_factory):
    """BOILINGPOINT_HOME for the session: AppTest runs in process, and the browser tests' app
    server, started after this, inherits it."""
    home = tmp_path_factory.mktemp("boilingpoint-home")
    before = os.environ.get("BOILINGPOINT_HOME")
    os.environ["BOILINGPOINT_HOME"] = str(home)
    yield home
    if before is None:
        os.environ.pop("BOILINGPOINT_HOME", None)
    else:
        os.environ["BOILINGPOINT_HOME"] = before


@pytest.fixture
def fresh_store(tmp_path, monkeypatch):
    """A store of this test's own (AppTest only: the browser tests' server keeps the session's)."""
    monkeypatch.setenv("BOILINGPOINT_HOME", str(tmp_path / "home"))
    return tmp_path / "home"
