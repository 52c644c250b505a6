"""Shared pieces of the monitor tests: a store in a temp folder, a monitor over files there,
and a counter of the loader's parses."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from dashboard.monitor.spec import parse_monitor
from dashboard.store.db import open_store

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "data" / "tiktok-2020"


@pytest.fixture
def home(tmp_path, monkeypatch):
    folder = tmp_path / "home"
    monkeypatch.setenv("BOILINGPOINT_HOME", str(folder))
    return folder


@pytest.fixture
def store(home):
    return open_store(home)


@pytest.fixture
def parses(monkeypatch):
    """Every file the loader parses (load_bytes calls), by kind."""
    import dashboard.loading as loading

    calls: list[str] = []
    real = loading.load_bytes

    def counting(data, kind, *args, **kwargs):
        calls.append(kind)
        return real(data, kind, *args, **kwargs)

    monkeypatch.setattr(loading, "load_bytes", counting)
    return calls


def monitor(folder: Path, extra: str = "", mentions: str = "inbox/*.csv", events: str | None = None, name: str = "m"):
    text = f"name: {name}\nmentions: {mentions}\nactors: [TikTok]\nmin_stage: boiling\nsettle_seconds: 0\n"
    if events:
        text += f"events: {events}\n"
    return parse_monitor(text + extra, folder)


def demo_mentions() -> pd.DataFrame:
    return pd.read_csv(DEMO / "mentions.csv", keep_default_na=False, dtype={"date": str, "actor": str, "source": str})


def write_months(folder: Path, frame: pd.DataFrame, months: list[str]) -> list[Path]:
    """The rows of each month as its own CSV file in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for month in months:
        path = folder / f"mentions-{month}.csv"
        frame[frame["date"].str.startswith(month)].to_csv(path, index=False)
        out.append(path)
    return out
