"""The labelling view: teach the dashboard the tone of your mentions, by keyboard.

It shows the texts of the current dataset's mentions (when the engine keeps them; else the
texts of a file given here) one at a time, the ones the current reader — the model fitted
here, else VADER — is least sure of first. N, U and P label the text negative, neutral or
positive and move on; J and K move forward and back. Labels are kept in the store. "Fit"
learns a tone model from them (dashboard.tone.fit), shows its cross-validated macro-F1 beside
VADER's on the same labels, and can become the tone of the dataset for this session (its
mentions that have text but no tone are scored again with it), or be downloaded for
`--tone-model`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

import pandas as pd
import streamlit as st

from dashboard.contract import Selection
from dashboard.dataset import Dataset, content_digest
from dashboard.store import open_store
from dashboard.store.labels import LabelError, export_labels_csv, label_counts, list_labels, set_label
from dashboard.textsafe import escape_markdown
from dashboard.tone import LABELS, MIN_LABELS
from dashboard.tone.active import guesses, labelling_order, next_unlabelled, uncertainty

log = logging.getLogger(__name__)
MAX_POOL = 20_000  # distinct texts offered for labelling: the reader scores them all (once per model) to order them
MAX_TEXT_FILE_BYTES = 50 * 1024 * 1024
SHORTCUTS = {"negative": "N", "neutral": "U", "positive": "P"}
UPCOMING = 8
TAUGHT = "_taught_tone"  # session: {mentions digest: ToneModel} — read by ui.cache when a dataset loads


def _store(create: bool):
    try:
        return open_store(create=create)
    except (OSError, ValueError) as exc:  # a read-only folder, a store from a newer version
        log.warning("the labels store cannot be opened: %s", exc)
        return None


def mentions_digest(dataset: Dataset) -> str:
    """The content digest of the dataset's mentions file (ui.cache writes Dataset.key as
    engine:events digest:mentions digest:options), "" when it has none."""
    parts = dataset.key.split(":")
    return parts[2] if len(parts) >= 3 else ""


def dataset_texts(dataset: Dataset, limit: int = MAX_POOL) -> list[str]:
    """Up to `limit` distinct texts of the dataset's mentions, from the engine's side table of
    texts (dashboard/text) when the engine keeps one; [] otherwise."""
    engine = dataset.engine
    if not getattr(engine, "has_text", False) or not hasattr(engine, "text_groups"):
        return []
    bounds = engine.date_bounds()
    if bounds is None:
        return []
    lo = dt.datetime.combine(bounds[0], dt.time())
    hi = dt.datetime.combine(bounds[1], dt.time()) + dt.timedelta(days=1)
    frame = engine.text_groups(Selection(), lo, hi, limit=limit)
    return [t for t in frame["text"].tolist() if isinstance(t, str) and t.strip()][:limit]


@st.cache_data(max_entries=8, ttl=3600, show_spinner="Reading the texts…")
def cached_file_texts(digest: str, name: str, column: str, _data: bytes) -> tuple[list[str], int]:
    from dashboard.tone.labels import distinct_texts, read_table

    frame = read_table(_data, name)
    return distinct_texts(frame[column].tolist(), MAX_POOL)


@st.cache_data(max_entries=8, ttl=3600, show_spinner=False)
def cached_columns(digest: str, name: str, _data: bytes) -> list[str]:
    from dashboard.tone.labels import read_table

    return [str(c) for c in read_table(_data, name).columns]


@st.cache_data(max_entries=16, ttl=3600, show_spinner="Finding the texts the tone reader is least sure of…")
def cached_order(pool_digest: str, model_digest: str, _texts: list[str], _model) -> tuple[list[int], list[float]]:
    order = labelling_order(_texts, _model)
    return order, uncertainty(_texts, _model).tolist()


def _pool(dataset: Dataset) -> tuple[list[str], str, str]:
    """(texts, the labels' key, where they come from in words)."""
    texts = dataset_texts(dataset)
    if texts:
        return texts, f"mentions:{mentions_digest(dataset)}", "the texts of this dataset's mentions"
    st.caption("This dataset keeps no mention text to label: give a file of texts here (CSV, TSV, JSON or Parquet). "
               "Its labels are kept for that file, and the model fitted on them can be the tone of this dataset.")
    left, right = st.columns([3, 2], vertical_alignment="bottom")
    upload = left.file_uploader("Texts to label", type=["csv", "tsv", "json", "jsonl", "parquet"], key="lab_file")
    if upload is None:
        return [], "", ""
    data = upload.getvalue()
    if len(data) > MAX_TEXT_FILE_BYTES:
        st.error(f"This file is {len(data) / 1e6:.0f} MB; at most {MAX_TEXT_FILE_BYTES / 1e6:.0f} MB here.")
        return [], "", ""
    digest = content_digest(data)
    try:
        columns = cached_columns(digest, upload.name, data)
    except ValueError as exc:
        st.error(f"{escape_markdown(upload.name)}: {escape_markdown(str(exc))}")
        return [], "", ""
    if not columns:
        st.error(f"{escape_markdown(upload.name)} has no column.")
        return [], "", ""
    guess = next((i for i, c in enumerate(columns) if c.strip().lower() in ("text", "headlines", "headline", "tweet")), 0)
    column = right.selectbox("Column of text", columns, index=guess, key="lab_column")
    texts, total = cached_file_texts(digest, upload.name, column, data)
    if total > len(texts):
        st.caption(f"The first {len(texts):,} of its {total:,} distinct texts are offered.")
    return texts, f"file:{digest}", f"the texts of {upload.name}"


def _fitted(key: str):
    fitted = st.session_state.get("_lab_fitted")
    return fitted["model"] if fitted and fitted["key"] == key else None


def _label(key: str, text: str, label: str, position: int) -> None:
    store = _store(create=True)
    if store is None:
        st.session_state["_lab_problem"] = "The labels cannot be kept: the store cannot be opened."
        return
    try:
        set_label(store, key, text, label)
    except LabelError as exc:
        st.session_state["_lab_problem"] = str(exc)
        return
    st.session_state["lab_pos"] = position + 1
    st.session_state["_lab_skip"] = True  # on to the next text without a label


def _move(step: int, size: int) -> None:
    st.session_state["lab_pos"] = min(max(st.session_state.get("lab_pos", 0) + step, 0), max(size - 1, 0))


def render_labelling(dataset: Dataset) -> None:
    """The labelling view of the dataset (see the module docstring)."""
    st.caption("Teach the dashboard the tone of your mentions. The texts the current tone reader is least sure of come "
               "first. Keys: **N** negative · **U** neutral · **P** positive · **J** next · **K** back.")
    texts, key, where = _pool(dataset)
    if not texts:
        return
    if st.session_state.get("_lab_key") != key:  # another pool: start at its first text
        st.session_state["_lab_key"] = key
        st.session_state["lab_pos"] = 0
        st.session_state["_lab_skip"] = True
    store = _store(create=False)
    labels = list_labels(store, key)
    model = _fitted(key)
    pool_digest = hashlib.sha256("\n\0".join(texts).encode("utf-8", "surrogatepass")).hexdigest()
    order, doubt = cached_order(pool_digest, model.digest if model is not None else "vader", texts, model)
    queue = [texts[i] for i in order]
    position = min(st.session_state.get("lab_pos", 0), len(queue))
    if st.session_state.pop("_lab_skip", False):
        position = next_unlabelled(queue, labels, position)
        st.session_state["lab_pos"] = position
    problem = st.session_state.pop("_lab_problem", None)
    if problem:
        st.error(escape_markdown(problem))
    counts = label_counts(store, key)
    reader = "the model fitted here is" if model is not None else "VADER is"
    st.markdown(f"**{len(labels):,} labelled** of {len(queue):,} texts ({where}): "
                + " · ".join(f"{counts.get(n, 0):,} {n}" for n in LABELS) + f". First come the texts {reader} least sure of.")
    if position >= len(queue):
        st.success("Every text from here on has a label. Press K to go back, or fit a model below.")
        _move_buttons(len(queue))
    else:
        _render_current(key, queue, position, labels, model, doubt[order[position]])
        _render_upcoming(queue, position, labels, model)
    st.divider()
    _render_fit(dataset, key, store)


def _render_current(key: str, queue: list[str], position: int, labels: dict, model, doubt: float) -> None:
    text = queue[position]
    (guess, tone), = guesses([text], model)
    with st.container(border=True, key="lab_current"):
        st.caption(f"Text {position + 1:,} of {len(queue):,}")
        st.markdown(escape_markdown(text))
        mine = labels.get(text)
        reader = "The model" if model is not None else "VADER"
        st.caption(f"{reader} reads it as {guess} ({tone:+.2f}); its uncertainty {doubt:.2f}."
                   + (f" **Your label: {mine}.**" if mine else ""))
    cols = st.columns(5)
    for col, label in zip(cols, LABELS):
        col.button(label.capitalize(), key=f"lab_{label}", shortcut=SHORTCUTS[label], width="stretch",
                   type="primary" if labels.get(text) == label else "secondary",
                   on_click=_label, args=(key, text, label, position))
    _move_buttons(len(queue), cols[3:])


def _move_buttons(size: int, cols=None) -> None:
    cols = cols or st.columns(5)[3:]
    cols[0].button("Back", key="lab_back", shortcut="K", icon=":material/arrow_back:", width="stretch",
                   on_click=_move, args=(-1, size))
    cols[1].button("Next", key="lab_next", shortcut="J", icon=":material/arrow_forward:", width="stretch",
                   on_click=_move, args=(1, size))


def _render_upcoming(queue: list[str], position: int, labels: dict, model) -> None:
    upcoming = [t for t in queue[position + 1:position + 1 + 4 * UPCOMING] if t not in labels][:UPCOMING]
    if not upcoming:
        return
    read = guesses(upcoming, model)
    frame = pd.DataFrame({"text": upcoming, "reader": [g for g, _ in read], "tone": [round(t, 2) for _, t in read]})
    with st.expander(f"Next {len(upcoming)} texts", expanded=False):
        st.dataframe(frame, hide_index=True, width="stretch")


def _fit(key: str) -> None:
    """Fit a model on the labels (a callback: the whole page then reads with it)."""
    from dashboard.tone import fit
    from dashboard.tone.model import dumps, loads

    labels = list_labels(_store(create=False), key)
    try:
        with st.spinner("Fitting and cross-validating…"):
            model = fit(list(labels), list(labels.values()))
    except ValueError as exc:
        st.session_state["_lab_fit_problem"] = str(exc)
        return
    data = dumps(model)
    st.session_state["_lab_fitted"] = {"key": key, "model": loads(data, "labelled-here.json"), "json": data}
    st.session_state["_lab_skip"] = True
    st.session_state["lab_pos"] = 0  # the new reader's least certain text first


def _render_fit(dataset: Dataset, key: str, store) -> None:
    labels = list_labels(store, key)
    st.markdown("**A tone model from your labels**")
    st.caption(f"A TF-IDF of words and characters with VADER's scores and lexicon counts, by logistic regression; at least {MIN_LABELS} "
               "labels and two of each class. Its macro-F1 is measured by 5-fold cross-validation on your labels, "
               "beside VADER's on the same labels.")
    left, right = st.columns(2)
    left.button("Fit", key="lab_fit", icon=":material/model_training:", width="stretch", on_click=_fit, args=(key,),
                disabled=len(labels) < MIN_LABELS,
                help=None if len(labels) >= MIN_LABELS else f"{MIN_LABELS - len(labels)} more labels are needed")
    problem = st.session_state.pop("_lab_fit_problem", None)
    if problem:
        st.warning(escape_markdown(problem))
    right.download_button("Download the labels (CSV)", export_labels_csv(labels), file_name="tone-labels.csv",
                          mime="text/csv", key="lab_csv", width="stretch", disabled=not labels)
    fitted = st.session_state.get("_lab_fitted")
    if not fitted or fitted["key"] != key:
        return
    model, cv = fitted["model"], fitted["model"].cv
    a, b, c = st.columns(3)
    a.metric("Your model: macro-F1", f"{cv['model_macro_f1']:.3f}",
             help=f"{cv['folds']}-fold cross-validated on your {cv['labels']:,} labels (C = {cv['C']:g}, chosen on the same folds)")
    b.metric("VADER on the same labels", f"{cv['vader_macro_f1']:.3f}")
    c.metric("Labels", f"{cv['labels']:,}")
    digest = mentions_digest(dataset)
    taught = st.session_state.get(TAUGHT, {})
    in_use = digest and getattr(taught.get(digest), "digest", None) == model.digest
    left, right = st.columns(2)
    if in_use:
        left.success("This model is the tone of this dataset in this session.")
        left.button("Go back to VADER", key="lab_unuse", on_click=_use, args=(digest, None), width="stretch")
    elif digest:
        left.button("Use it as the tone of this dataset", key="lab_use", type="primary", width="stretch",
                    on_click=_use, args=(digest, model),
                    help="The mentions that have text but no tone are scored again with this model, for this session. "
                         "A row that has its own tone keeps it.")
    right.download_button("Download the model (JSON, for --tone-model)", fitted["json"], file_name="tone-model.json",
                          mime="application/json", key="lab_model_json", width="stretch")


def _use(digest: str, model) -> None:
    taught = dict(st.session_state.get(TAUGHT, {}))
    if model is None:
        taught.pop(digest, None)
    else:
        taught = {digest: model}  # one taught model per session: each holds a vocabulary in memory
    st.session_state[TAUGHT] = taught
