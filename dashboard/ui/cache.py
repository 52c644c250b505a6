"""Caching at the UI boundary, keyed on content (a hash of the file bytes), bounded."""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from dashboard.contract import Selection
from dashboard.dataset import Dataset, build_dataset, content_digest
from dashboard.loading.options import ImportOptions, build_options
from dashboard.model.analysis import Analysis, actor_leaderboard, analyse, overview
from dashboard.model.escalation import ModelParams
from dashboard.query import DEFAULT_ENGINE


@st.cache_resource(max_entries=16, ttl=6 * 3600, show_spinner=False)
def _file_digest(path: str, mtime_ns: int, size: int) -> str:
    from dashboard.loading.load_report import LoadLimits
    from dashboard.loading.on_disk import file_digest

    try:  # only a regular file, within the byte cap, read in chunks: a FIFO or a device never blocks the app
        return file_digest(Path(path), LoadLimits.for_local_files().max_bytes)
    except OSError as exc:
        return f"unreadable:{exc}"  # the load itself reports the problem


def file_digest(path: Path) -> str:
    """Content hash of a file on disk, recomputed only when its size or mtime changes."""
    stat = path.stat()
    return _file_digest(str(path), stat.st_mtime_ns, stat.st_size)


@st.cache_resource(max_entries=8, ttl=6 * 3600, show_spinner="Loading and validating the data…")
def cached_dataset(events_digest: str, mentions_digest: str, options_key: tuple, engine: str, _events, _mentions,
                   _options: ImportOptions | None = None, _dictionary=None) -> Dataset:
    """One engine per distinct pair of file contents (and import options, and query engine),
    shared by the sessions that load it.

    Only content digests, the options and the engine's name are the key: two sessions with
    different uploads get different datasets, and the same content is loaded once however
    many sessions ask.
    """
    dataset = build_dataset(_events, _mentions, options=_options, dictionary=_dictionary, engine=engine)
    dataset.key = f"{engine}:{events_digest}:{mentions_digest}:{content_digest(repr(options_key).encode())[:16]}"
    return dataset


def taught_tone(options: ImportOptions | None, mentions_digest: str) -> ImportOptions | None:
    """The options with the tone model that the labelling view made the tone of these mentions
    in this session (ui/labelling.py), if it did; the options as they are otherwise."""
    model = st.session_state.get("_taught_tone", {}).get(mentions_digest) if mentions_digest else None
    if model is None:
        return options
    return replace(options or ImportOptions(), tone_model=model)


def dataset_from_paths(events: Path | None, mentions: Path | None, options: ImportOptions | None = None,
                       engine: str = DEFAULT_ENGINE) -> Dataset:
    options = taught_tone(options, file_digest(mentions) if mentions else "")
    return cached_dataset(
        file_digest(events) if events else "",
        file_digest(mentions) if mentions else "",
        (options.specs, file_digest(options.actors) if options and options.actors else "",
         getattr(options.tone_model, "digest", "")) if options else (),
        engine,
        events,
        mentions,
        options,
    )


def dataset_from_bytes(events: bytes | None, mentions: bytes | None, options: ImportOptions | None = None,
                       dictionary_text: str = "", engine: str | None = None) -> Dataset:
    from dashboard.loading.actors import load_actor_dictionary

    dictionary = load_actor_dictionary(dictionary_text.encode()) if dictionary_text.strip() else None
    options = taught_tone(options, content_digest(mentions) if mentions is not None else "")
    return cached_dataset(
        content_digest(events) if events is not None else "",
        content_digest(mentions) if mentions is not None else "",
        ((options.specs if options else ()), content_digest(dictionary_text.encode()) if dictionary else "",
         getattr(options.tone_model, "digest", "") if options else ""),
        engine or DEFAULT_ENGINE,
        events,
        mentions,
        options,
        dictionary,
    )


@st.cache_resource(max_entries=8, ttl=3600, show_spinner="Opening the kept upload…")
def kept_dataset(upload_id: str, engine: str | None) -> Dataset:
    """A kept upload (store/uploads.py), loaded as it was when it was uploaded: the same bytes
    and reading options, so the same Dataset.key (and the same notes). The id names its content,
    so one engine serves every session that opens it; LookupError when nothing is kept under it."""
    from dashboard.store import UploadLimits, open_store, open_upload

    kept = open_upload(open_store(create=False), upload_id, UploadLimits.from_env())
    if kept is None:
        raise LookupError(f"nothing is kept under upload:{upload_id}")
    o = kept.info.options
    options = build_options(o.maps, o.date_formats, wide=o.wide) if (o.maps or o.date_formats or o.wide) else None
    return dataset_from_bytes(kept.events, kept.mentions, options, kept.dictionary, engine)


def _by_repr(value) -> str:
    """A Selection or ModelParams (frozen dataclasses of plain values, every field in their
    repr) hashed by its repr: Streamlit's hasher would walk it field by field, a twentieth of a
    rerun's CPU for the few cached calls of each rerun (profiled, BENCHMARKS.md)."""
    return repr(value)


BY_REPR: dict[str | type[Any], Callable[[Any], Any]] = {Selection: _by_repr, ModelParams: _by_repr}

# The analysis, overview and leaderboard of a selection are kept as objects, shared by every
# session that shows it (st.cache_resource): st.cache_data would unpickle a copy of their
# frames on every call of every rerun. They are read only — every chart builder and view
# copies what it changes (pandas' copy-on-write besides).


@st.cache_resource(max_entries=64, ttl=3600, show_spinner=False, hash_funcs=BY_REPR)
def cached_analysis(dataset_key: str, sel: Selection, params: ModelParams, _dataset: Dataset) -> Analysis:
    return analyse(_dataset.engine, sel, params)


@st.cache_resource(max_entries=32, ttl=3600, show_spinner=False, hash_funcs=BY_REPR)
def cached_overview(dataset_key: str, sel: Selection, params: ModelParams, _dataset: Dataset):
    return overview(_dataset.engine, sel, params)


@st.cache_resource(max_entries=32, ttl=3600, show_spinner=False, hash_funcs=BY_REPR)
def cached_leaderboard(dataset_key: str, sel: Selection, params: ModelParams, _dataset: Dataset):
    return actor_leaderboard(_dataset.engine, sel, params)


@st.cache_data(max_entries=256, ttl=3600, show_spinner=False, hash_funcs=BY_REPR)
def cached_bucket_count(dataset_key: str, sel: Selection, _dataset: Dataset) -> int:
    """How many buckets the selection has: asked on every rerun (and several times when a
    bucket is stepped up), the same for every session on the same data."""
    return _dataset.engine.bucket_count(sel)


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False, hash_funcs=BY_REPR)
def cached_top_actors(dataset_key: str, sel: Selection, n: int, _dataset: Dataset) -> list[str]:
    return _dataset.engine.top_actors(sel, n)


@dataclass(frozen=True)
class Catalogue:
    """What a dataset holds, as the sidebar's filters offer it: every actor with its counts
    (busiest first), the targets, the event types. Shared by every session on the same data:
    read only."""

    counts: pd.DataFrame
    targets: tuple[str, ...]
    types: tuple[str, ...]


def _read_catalogue(dataset: Dataset) -> Catalogue:
    engine = dataset.engine
    return Catalogue(engine.actor_counts(), tuple(engine.targets()), tuple(engine.event_types()))


@st.cache_resource(max_entries=8, ttl=6 * 3600, show_spinner=False)
def _cached_catalogue(dataset_key: str, _dataset: Dataset) -> Catalogue:
    return _read_catalogue(_dataset)


def catalogue(dataset: Dataset) -> Catalogue:
    """The dataset's Catalogue, queried once per content key (the data behind a key never
    change) instead of three queries on every rerun of every session; afresh for a dataset
    without a key."""
    return _cached_catalogue(dataset.key, dataset) if dataset.key else _read_catalogue(dataset)


_PREPARED: weakref.WeakSet = weakref.WeakSet()  # the engines whose preparation has started
_PREPARED_LOCK = threading.Lock()
_log = logging.getLogger(__name__)


def prepare_in_background(dataset: Dataset) -> None:
    """Start the engine's own preparation for filter changes (`prepare_daily`: DuckDB's daily sums)
    in a background thread, once per engine, after a view of it has been drawn: work every first
    filter change would otherwise do while its reader waits. An engine without one is left as it is;
    a failure is logged, and the first filter change makes the sums itself, as before."""
    engine = dataset.engine
    prepare = getattr(engine, "prepare_daily", None)
    if prepare is None:
        return
    with _PREPARED_LOCK:
        if engine in _PREPARED:
            return
        _PREPARED.add(engine)

    def run() -> None:
        try:
            prepare()
        except Exception:  # noqa: BLE001 - the foreground makes the sums itself when asked
            _log.warning("preparing the daily sums failed", exc_info=True)

    threading.Thread(target=run, name="boilingpoint-prepare", daemon=True).start()
