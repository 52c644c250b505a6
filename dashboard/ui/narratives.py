"""Narratives in the sidebar: a filter beside the actors, and a small editor.

A dataset's narratives are kept in the store under its mentions file's content digest (the
key `boilingpoint --narrative NAME` looks them up by). The first time a dataset with text is
opened and none is kept, the narratives found over its whole range (TF-IDF + NMF, seed 0)
are kept, each defined by its top terms; the editor renames, merges, defines by keywords and
deletes. Without text the filter is shown disabled, with the reason.
"""

from __future__ import annotations

import logging

import streamlit as st

from dashboard.contract import NarrativeFilter
from dashboard.dataset import Dataset
from dashboard.store import open_store
from dashboard.store.narratives import (
    delete_narrative,
    keep_found,
    list_narratives,
    merge_narratives,
    rename_narrative,
    save_narrative,
)
from dashboard.text.narratives import MAX_NARRATIVES, NarrativeError, define, find_for_dataset, split_keywords
from dashboard.textsafe import escape_markdown
from dashboard.ui.labelling import mentions_digest

log = logging.getLogger(__name__)
KEY = "narrative"  # the multiselect's key: the chosen names
HELP = ("A mention is in a narrative when its text holds any of its keywords or phrases (any case, whole words); "
        "an event when its headline does. Several narratives: any of them.")


def _store(create: bool):
    try:
        return open_store(create=create)
    except (OSError, ValueError) as exc:  # a read-only folder, a store from a newer version
        log.warning("the narratives store cannot be opened: %s", exc)
        return None


def store_key(dataset: Dataset) -> str:
    """What a dataset's narratives are kept under: its mentions file's content digest."""
    return mentions_digest(dataset) or dataset.key


@st.cache_data(max_entries=16, ttl=3600, show_spinner="Finding the narratives in the texts…")
def cached_found(dataset_key: str, _dataset: Dataset) -> list[NarrativeFilter]:
    return find_for_dataset(_dataset.engine)


def kept_narratives(dataset: Dataset, seed: bool = True) -> list[NarrativeFilter]:
    """The dataset's narratives: those kept, or (none kept yet, `seed`) the found ones, kept now."""
    key = store_key(dataset)
    kept = list_narratives(_store(create=False), key)
    if kept or not seed or not key:
        return kept
    found = cached_found(dataset.key, dataset)
    store = _store(create=True) if found else None
    if store is None:
        return found
    try:
        keep_found(store, key, found)
    except NarrativeError as exc:
        log.warning("found narratives not kept: %s", exc)
        return found
    return list_narratives(store, key)


def chosen_narratives(dataset: Dataset, names, kept: list[NarrativeFilter] | None = None) -> tuple[NarrativeFilter, ...]:
    """The kept narratives of these names (meeting mode reads the names from the session or the
    link); `kept`, when the caller has read them already."""
    if not names or not getattr(dataset.engine, "has_text", False):
        return ()
    by_name = {n.name: n for n in (kept if kept is not None else kept_narratives(dataset, seed=False))}
    return tuple(by_name[n] for n in names if n in by_name)


def narrative_filter(dataset: Dataset, kept: list[NarrativeFilter] | None = None) -> tuple[NarrativeFilter, ...]:
    """The Narratives multiselect and its editor; the narratives chosen. `kept`: the dataset's
    kept narratives when the page has read them already this run (none kept yet: None, and
    the found ones are kept now)."""
    linked = st.session_state.pop("_url_narratives", None)
    if not getattr(dataset.engine, "has_text", False):
        reason = getattr(dataset.engine, "text_unsupported", None) or "these mentions have no text to match"
        st.multiselect("Narratives", [], key="narrative_none", disabled=True, placeholder="No text: no narratives",
                       help=f"Narratives filter mentions by their text; {reason}.")
        if linked:
            st.warning(f"From the link: narratives ignored ({escape_markdown(reason)})")
        st.session_state.pop(KEY, None)
        return ()
    kept = kept or kept_narratives(dataset)
    names = [n.name for n in kept]
    if linked:
        unknown = [n for n in linked if n not in names]
        if unknown:
            st.warning("From the link: no narrative called " + ", ".join(escape_markdown(repr(n[:40])) for n in unknown[:5])
                       + " in this dataset")
        st.session_state[KEY] = [n for n in linked if n in names]
    if KEY in st.session_state:  # a narrative renamed or deleted elsewhere drops out of the choice
        st.session_state[KEY] = [n for n in st.session_state[KEY] if n in names]
    picked = st.multiselect("Narratives", names, key=KEY, placeholder="Every mention", help=HELP,
                            max_selections=MAX_NARRATIVES)
    render_editor(dataset, kept)
    by_name = {n.name: n for n in kept}
    return tuple(by_name[n] for n in picked if n in by_name)


def _act(dataset_key: str, action: str) -> None:
    """The editor's buttons (callbacks: they run before the widgets of the next run)."""
    ss = st.session_state
    store = _store(create=True)
    if store is None:
        ss["_nar_message"] = ("error", "The store cannot be opened: narratives cannot be changed.")
        return
    try:
        if action == "rename":
            old, new = str(ss.get("nar_rename_pick") or ""), ss.get("nar_rename_to", "")
            n = rename_narrative(store, dataset_key, old, new)
            ss[KEY] = [n.name if x == old else x for x in ss.get(KEY, [])]
            message = f"Renamed to “{n.name}”."
        elif action == "merge":
            merged = merge_narratives(store, dataset_key, ss.get("nar_merge_pick") or [], ss.get("nar_merge_to", ""))
            gone = set(ss.get("nar_merge_pick") or [])
            ss[KEY] = list(dict.fromkeys(merged.name if x in gone else x for x in ss.get(KEY, [])))
            message = f"Merged into “{merged.name}”: {', '.join(merged.keywords)}."
        elif action == "define":
            wanted = define(ss.get("nar_new_name", ""), split_keywords(ss.get("nar_new_keywords", "")))
            again = wanted.name in {n.name for n in list_narratives(store, dataset_key)}
            n = save_narrative(store, dataset_key, wanted, replace=True)  # a kept name: its keywords replaced
            message = f"{'Redefined' if again else 'Defined'} “{n.name}”: {', '.join(n.keywords)}."
        elif action == "delete":
            name = str(ss.get("nar_delete_pick") or "")
            delete_narrative(store, dataset_key, name)
            ss[KEY] = [x for x in ss.get(KEY, []) if x != name]
            message = f"Deleted “{name}”."
        else:
            raise NarrativeError(f"unknown action {action!r}")
    except NarrativeError as exc:
        ss["_nar_message"] = ("error", str(exc))
        return
    ss["_nar_message"] = ("success", message)


def render_editor(dataset: Dataset, kept: list[NarrativeFilter]) -> None:
    """Rename, merge, define by keywords, delete — each one line of widgets and a button."""
    key = store_key(dataset)
    message = st.session_state.pop("_nar_message", None)
    with st.expander("Edit narratives", expanded=message is not None):
        if message:
            kind, text = message
            (st.error if kind == "error" else st.success)(escape_markdown(text))
        for n in kept:
            st.caption(f"**{escape_markdown(n.name)}**: {escape_markdown(', '.join(n.keywords))}")
        names = [n.name for n in kept]
        if names:
            st.selectbox("Rename", names, key="nar_rename_pick")
            st.text_input("New name", key="nar_rename_to")
            st.button("Rename", key="nar_rename", on_click=_act, args=(key, "rename"))
            st.multiselect("Merge", names, key="nar_merge_pick", placeholder="Two or more")
            st.text_input("Merged name", key="nar_merge_to")
            st.button("Merge", key="nar_merge", on_click=_act, args=(key, "merge"))
        st.text_input("Define a narrative: name", key="nar_new_name",
                      help="A new name adds a narrative; a kept one's name replaces its keywords.")
        st.text_area("Keywords or phrases (commas or lines)", key="nar_new_keywords", height=68)
        st.button("Define", key="nar_define", on_click=_act, args=(key, "define"))
        if names:
            st.selectbox("Delete", names, key="nar_delete_pick")
            st.button("Delete", key="nar_delete", on_click=_act, args=(key, "delete"))
