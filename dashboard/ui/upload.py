"""Uploads, and the step that reads a file that is not in the canonical format.

The column mapping, the date layout, the wide-table switch and the actor dictionary chosen
here are the same import options as the command line's --map, --date-format, --wide and
--actors; the mapping is kept in the URL (`map=events:date=Time,actor=airline`).
"""

from __future__ import annotations

import streamlit as st

from dashboard.contract import COLUMNS
from dashboard.dataset import Dataset
from dashboard.demo import DATA
from dashboard.loading import peek_columns
from dashboard.loading.options import build_options
from dashboard.textsafe import escape_markdown
from dashboard.ui.cache import dataset_from_bytes

NONE = "(not in this file)"
DATE_LAYOUTS = {"auto": "ISO 8601 or unambiguous", "month-first": "month first (2/24/2015)", "day-first": "day first (24/2/2015)"}
TIKTOK_DICTIONARY = DATA / "tiktok-2020" / "actors.csv"


def _auto_index(column: str, columns: list[str]) -> int:
    lowered = [c.strip().lower() for c in columns]
    return lowered.index(column) + 1 if column in lowered else 0


def _mapping_widgets(kind: str, columns: list[str]) -> dict[str, str]:
    """One select per contract column; returns {contract column: file column} where it differs."""
    mapping: dict[str, str] = {}
    cols = st.columns(2)
    for i, spec in enumerate(COLUMNS[kind]):
        key = f"map_{kind}_{spec.name}"
        pending = st.session_state.get("_url_maps", {}).get(kind, {}).get(spec.name)
        if pending in columns and key not in st.session_state:
            st.session_state[key] = pending
        label = spec.name + (" (required)" if spec.required else "")
        picked = cols[i % 2].selectbox(label, [NONE, *columns], index=_auto_index(spec.name, columns), key=key)
        if picked != NONE:
            mapping[spec.name] = picked
    identity = all(src.strip().lower() == name for name, src in mapping.items())
    return {} if identity else mapping


def _columns(kind: str, upload, data: bytes) -> list[str]:
    """The file's header, peeked once per upload (not on every rerun) and kept in the session."""
    peeked = st.session_state.setdefault("_peeked_columns", {})
    key = (kind, getattr(upload, "file_id", ""), len(data))
    if key not in peeked:
        if len(peeked) > 4:
            peeked.clear()
        peeked[key] = peek_columns(data)
    return peeked[key]


def render_upload(engine: str | None = None) -> tuple[Dataset | None, str]:
    """The uploaders and the reading options; the dataset (on `engine`) once at least one file is there."""
    ev = st.file_uploader("Events file", key="upload_events", help="CSV, TSV, JSON, JSON Lines, Parquet, GDELT or ACLED")
    me = st.file_uploader("Mentions file", key="upload_mentions", help="CSV, TSV, JSON, JSON Lines, Parquet, GDELT, or text")
    if ev is None and me is None:
        return None, "Your files"
    files = {"events": ev.getvalue() if ev else None, "mentions": me.getvalue() if me else None}
    maps: list[str] = []
    with st.expander("How to read these files", expanded=bool(st.session_state.get("_needs_mapping"))):
        st.caption("Canonical, GDELT and ACLED files are recognised on their own. For any other table, "
                   "say which of its columns hold the date, the actor, and so on.")
        for kind, data in files.items():
            if data is None:
                continue
            columns = _columns(kind, ev if kind == "events" else me, data)
            if not columns:
                continue
            st.markdown(f"**{kind.capitalize()} file** — {len(columns)} columns")
            mapping = _mapping_widgets(kind, columns)
            if mapping:
                maps.append(f"{kind}:" + ",".join(f'"{k}={v}"' if "," in v else f"{k}={v}" for k, v in mapping.items()))
        layout = st.selectbox("Dates are written", list(DATE_LAYOUTS), format_func=DATE_LAYOUTS.__getitem__, key="datefmt")
        wide = st.checkbox("The mentions file is a wide table (a date column, one count column per actor)", key="wide")
        if st.button("Use the TikTok demo's actor dictionary", key="tiktok_dict"):
            st.session_state["actor_dict"] = TIKTOK_DICTIONARY.read_text(encoding="utf-8")
        dictionary = st.text_area(
            "Actor dictionary: one `canonical,alias` per line (aliases are matched as whole words, any case)",
            key="actor_dict", height=120,
        )
    try:
        options = build_options(maps, [layout] if layout != "auto" else [], wide=wide)
        dataset = dataset_from_bytes(files["events"], files["mentions"], options, dictionary, engine)
    except ValueError as exc:
        st.error(f"These reading options cannot be used: {escape_markdown(str(exc))}")
        return None, "Your files"
    st.session_state["_maps"] = tuple(maps)
    needs = any(r.error is not None and r.error.code == "missing-label" for r in dataset.reports.values())
    if needs and not st.session_state.get("_needs_mapping"):
        st.session_state["_needs_mapping"] = True
        st.rerun()  # open the reading options at once
    st.session_state["_needs_mapping"] = needs
    names = " + ".join(f.name for f in (ev, me) if f is not None)
    return dataset, names

