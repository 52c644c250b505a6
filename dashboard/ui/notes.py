"""Notes on the timeline: pin one to a date (and an actor), see everyone's, take them away as CSV."""

from __future__ import annotations

import datetime as dt
import logging

import pandas as pd
import streamlit as st

from dashboard.dataset import Dataset
from dashboard.model.analysis import Analysis
from dashboard.model.escalation import peak_position
from dashboard.store import NoteError, add_note, delete_note, export_notes_csv, import_notes_csv, list_notes, open_store
from dashboard.store.notes import MAX_NOTE_CHARS, notes_frame, notes_key
from dashboard.textsafe import escape_markdown
from dashboard.ui.cache import cached_top_actors

log = logging.getLogger(__name__)
WHOLE_STORY = "— the whole story —"


def _store(create: bool):
    try:
        return open_store(create=create)
    except (OSError, ValueError) as exc:  # a read-only folder, a store from a newer version
        log.warning("the notes store cannot be opened: %s", exc)
        return None


def data_key(dataset: Dataset) -> str:
    """The notes' key of a dataset: its files' content digests (ui.cache writes Dataset.key as
    engine:events digest:mentions digest:options)."""
    parts = dataset.key.split(":")
    return notes_key(parts[1], parts[2]) if len(parts) >= 3 else dataset.key


def notes_for(dataset: Dataset, start=None, end=None) -> pd.DataFrame:
    """The dataset's notes (date, actor, text, author, id), those in [start, end] when given."""
    return notes_frame(list_notes(_store(create=False), data_key(dataset), start, end))


def _add(dataset_key: str) -> None:
    day, time = st.session_state.get("note_day"), st.session_state.get("note_time") or dt.time(12, 0)
    actor = st.session_state.get("note_actor")
    try:
        store = _store(create=True)
        if store is None:
            raise NoteError("the notes store cannot be opened on this server")
        add_note(store, dataset_key, dt.datetime.combine(day, time) if day else None, st.session_state.get("note_text", ""),
                 None if actor in (None, WHOLE_STORY) else actor, st.session_state.get("note_author") or None)
        st.session_state["note_text"] = ""
        st.session_state["_note_msg"] = ("success", "Note pinned. Everyone who opens this dataset on this server sees it.")
    except NoteError as exc:
        st.session_state["_note_msg"] = ("error", f"The note was not kept: {exc}.")


def _delete(note_id: int) -> None:
    store = _store(create=False)
    if store is not None and delete_note(store, note_id):
        st.session_state["_note_msg"] = ("success", "Note deleted.")


def render_notes(dataset: Dataset, analysis: Analysis, when: pd.Timestamp | None, shown: pd.DataFrame | None = None) -> None:
    """The notes of this window (`shown`, when the caller has read them already for its charts),
    a form to pin one (at `when`, a clicked event's date, by default), and CSV out and in."""
    sel = analysis.selection
    if shown is None:
        shown = notes_for(dataset, sel.start, sel.end)
    kind, message = st.session_state.pop("_note_msg", (None, None))
    # Open after pinning or deleting, so that the person sees what happened. Its content is
    # made only while it is open (on_change="rerun"): closed, as most sessions keep it, it
    # costs one element instead of twenty (BENCHMARKS.md, "The server under load"); the form's
    # values are kept while it is closed (persist_state).
    box = st.expander(f"Notes on this timeline ({len(shown)}) — pin a note to a date", expanded=message is not None,
                      key="notes_open", on_change="rerun")
    with box:
        if not box.open:
            return
        if message:
            (st.success if kind == "success" else st.error)(escape_markdown(message))
        default = (when or analysis.table["date"].iloc[peak_position(analysis.table["index"])]).to_pydatetime()
        if st.session_state.get("_note_default") != default:  # a newly clicked event moves the form's date
            st.session_state["_note_default"] = default
            st.session_state["note_day"], st.session_state["note_time"] = default.date(), default.time()
        cols = st.columns([1, 0.7, 1.4])
        cols[0].date_input("Date (UTC)", key="note_day", format="YYYY-MM-DD", persist_state="session")
        cols[1].time_input("Time", key="note_time", step=dt.timedelta(minutes=15), persist_state="session")
        actors = [WHOLE_STORY] + cached_top_actors(dataset.key, sel, 30, dataset)
        cols[2].selectbox("About", actors, key="note_actor", persist_state="session")
        st.text_area("Note", key="note_text", max_chars=MAX_NOTE_CHARS, height=80, persist_state="session",
                     placeholder="What happened here, what to ask, what to check…")
        sign = st.columns([1.4, 1])
        sign[0].text_input("Your name (optional)", key="note_author", max_chars=200, persist_state="session")
        sign[1].button("Pin the note", key="note_add", icon=":material/push_pin:", type="primary", width="stretch",
                       on_click=_add, args=(data_key(dataset),))
        for note in shown.itertuples():
            row = st.columns([6, 1], vertical_alignment="center")
            about = f" · {escape_markdown(note.actor)}" if isinstance(note.actor, str) else ""
            by = f" — {escape_markdown(note.author)}" if isinstance(note.author, str) else ""
            row[0].markdown(f"✎ **{note.date:%d %b %Y %H:%M}**{about}: {escape_markdown(note.text)}{by}")
            row[1].button("Delete", key=f"note_del_{note.id}", on_click=_delete, args=(int(note.id),), width="stretch")
        every = list_notes(_store(create=False), data_key(dataset))
        files = st.columns(2)
        files[0].download_button("Notes as CSV", export_notes_csv(every), file_name="notes.csv", mime="text/csv",
                                key="notes_csv", icon=":material/download:", width="stretch", disabled=not every)
        # The uploader only when asked for: the page's only file inputs stay the sidebar's data uploads.
        wanted = files[1].toggle("Add notes from a CSV", key="notes_import_on")
        upload = st.file_uploader("Notes CSV (date, text, actor, author)", type=["csv"], key="notes_import") if wanted else None
        if upload is not None and st.session_state.get("_notes_imported") != upload.file_id:
            st.session_state["_notes_imported"] = upload.file_id
            store = _store(create=True)
            added, problems = import_notes_csv(store, data_key(dataset), upload.getvalue()) if store else (0, ["no store"])
            st.success(f"{added:,} notes added.")
            for problem in problems[:10]:
                st.warning(escape_markdown(problem))
