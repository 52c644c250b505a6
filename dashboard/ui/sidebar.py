"""The sidebar: dataset, filters, the model's Advanced settings, the link to this view."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from dashboard.contract import BUCKETS, Selection
from dashboard.dataset import Dataset
from dashboard.textsafe import escape_markdown
from dashboard.ui.cache import catalogue
from dashboard.ui.narratives import narrative_filter
from dashboard.ui.state import ATTENTION_SHARE, PARAM_DEFAULTS, apply_url_filters

WEIGHTS = ("weight_attention", "weight_tone", "weight_severity", "weight_breadth")


def _compact(n: int) -> str:
    for size, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if n >= size:
            return f"{n / size:.1f}".rstrip("0").rstrip(".") + suffix
    return str(int(n))


def actor_label(counts: pd.DataFrame):
    """The option labels, made once for every actor (the widget asks for each on every rerun)."""
    labels = {}
    for actor, events, mentions in counts[["actor", "events", "mentions"]].itertuples(index=False, name=None):
        parts = []
        if events:
            parts.append(f"{events:,} ev")
        if mentions:
            parts.append(f"{_compact(mentions)} mentions")
        labels[actor] = f"{actor} · {' · '.join(parts)}" if parts else actor

    def label(actor: str) -> str:
        return labels.get(actor, actor)

    return label


def date_range(picked, lo: dt.date, hi: dt.date) -> tuple[dt.date, dt.date]:
    """A date_input range may be half-picked (one date) while the user is choosing."""
    if isinstance(picked, (tuple, list)):
        if len(picked) == 2:
            return picked[0], picked[1]
        if len(picked) == 1:
            return picked[0], hi
        return lo, hi
    if isinstance(picked, dt.date):
        return picked, picked
    return lo, hi


MAX_ACTOR_OPTIONS = 1_000  # a browser's multiselect draws every option: a million crash it (RangeError)
ACTOR_HELP = "An event matches when the actor acted or was its target; a mention when it is about the actor."


def actor_options(names: pd.Series, query: str, chosen: list[str], limit: int = MAX_ACTOR_OPTIONS) -> tuple[list[str], int]:
    """The options the actor filter offers: the chosen actors, then the busiest `limit` of those
    matching `query` (any case, anywhere in the name; all when empty); and how many match."""
    query = query.strip()
    if query:
        matching = names[names.str.contains(query, case=False, regex=False, na=False)]
    else:
        matching = names
    return list(dict.fromkeys([*chosen, *matching.head(limit).tolist()])), len(matching)


def actor_filter(counts: pd.DataFrame) -> list[str]:
    """The actor multiselect: every actor when there are up to MAX_ACTOR_OPTIONS, else the most
    active ones and a search over all of them, with the count of those not listed."""
    names = counts["actor"]
    if len(names) <= MAX_ACTOR_OPTIONS:
        return st.multiselect("Actors", names.tolist(), format_func=actor_label(counts), key="actor",
                              placeholder="All actors", help=ACTOR_HELP)
    query = st.text_input("Find actors", key="actor_search", placeholder=f"Search all {len(names):,} actors")
    chosen = [a for a in st.session_state.get("actor", []) if isinstance(a, str)]
    options, matching = actor_options(names, query, chosen)
    shown = counts[counts["actor"].isin(options)]
    picked = st.multiselect("Actors", options, format_func=actor_label(shown), key="actor",
                            placeholder="All actors", help=ACTOR_HELP)
    listed = min(matching, MAX_ACTOR_OPTIONS)
    what = f"matching {query.strip()!r}" if query.strip() else "in the data"
    if matching > listed:
        text = f"The {listed:,} most active of the {matching:,} actors {what} are listed; {matching - listed:,} more: search to narrow"
    else:
        text = f"All {matching:,} actors {what} are listed, most active first"
    st.caption(escape_markdown(text))
    return picked


def render_filters(dataset: Dataset, opening: tuple[dt.date, dt.date] | None = None,
                   kept_narratives: list | None = None) -> Selection:
    """Actors, targets, dates, event types and bucket; returns the selection they make.

    The dates start at `opening` (the story's episode) when given, else the whole range;
    `kept_narratives`, the dataset's narratives when the page has read them already."""
    engine = dataset.engine
    known = catalogue(dataset)  # queried once per dataset, not on every rerun
    counts, targets, types = known.counts, list(known.targets), list(known.types)
    bounds = engine.date_bounds()
    apply_url_filters(dataset, counts["actor"].tolist(), targets, types)
    for problem in st.session_state.pop("_url_problems", []):
        st.warning(f"From the link: {escape_markdown(problem)}")
    actors = actor_filter(counts)
    narratives = narrative_filter(dataset, kept_narratives)
    start = end = None
    if bounds is not None:
        lo, hi = bounds
        if "dates" not in st.session_state:
            st.session_state["dates"] = opening or (lo, hi)
        picked = st.date_input("Dates (UTC)", min_value=lo, max_value=hi, key="dates", format="YYYY-MM-DD")
        start, end = date_range(picked, lo, hi)
    if "bucket" not in st.session_state:
        st.session_state["bucket"] = "day"
    bucket = st.segmented_control("Bucket", list(BUCKETS), key="bucket") or "day"
    chosen_targets: list[str] = []
    chosen_types: list[str] = []
    if engine.has_events:
        with st.expander("Event filters", expanded=bool(st.session_state.get("target") or st.session_state.get("type"))):
            chosen_targets = st.multiselect("Targets", targets, key="target", placeholder="Any target",
                                            help="Keep only events aimed at these targets.")
            chosen_types = st.multiselect("Event types", types, key="type", placeholder="Every type")
    return Selection(
        actors=tuple(actors), targets=tuple(chosen_targets), start=start, end=end,
        event_types=tuple(chosen_types), bucket=bucket, narratives=narratives,
    )


def render_advanced(error: str | None) -> None:
    """The model's weights, thresholds and penalty; each change lands in the URL. Made only
    while open (on_change="rerun": thirty elements fewer on every other rerun); the settings
    stay while it is closed (persist_state)."""
    box = st.expander("Advanced: the escalation model", expanded=error is not None, key="advanced_open", on_change="rerun")
    with box:
        if not box.open:
            return
        st.caption("Weights of the four components (renormalised over what the data have).")
        for name in WEIGHTS:
            st.slider(name.removeprefix("weight_").capitalize(), 0.0, 1.0, step=0.05, key=f"p_{name}", persist_state="session",
                      value=None if f"p_{name}" in st.session_state else PARAM_DEFAULTS[name])
        st.caption("Stage thresholds on the 0–100 index (enter at; leave 10 below).")
        cols = st.columns(3)
        # Short labels: three columns of a 300 px sidebar cut "Simmering" into "Simmerin g".
        for col, name, label in zip(cols, ("simmering", "boiling", "crisis"), ("Simmer", "Boil", "Crisis")):
            col.number_input(label, 1.0, 100.0, step=5.0, key=f"p_{name}", persist_state="session", help=f"The index at which a bucket enters {name}",
                             value=None if f"p_{name}" in st.session_state else PARAM_DEFAULTS[name])
        st.number_input("Attention gate (× the expectation to enter a higher stage)", 0.0, 10.0, step=0.1,
                        key="p_attention_gate", persist_state="session",
                        value=None if "p_attention_gate" in st.session_state else PARAM_DEFAULTS["attention_gate"])
        st.radio("Attention as", (0.0, 1.0), key=f"p_{ATTENTION_SHARE}", persist_state="session", horizontal=True,
                 format_func=lambda v: "share of all coverage" if v else "mention counts",
                 index=None if f"p_{ATTENTION_SHARE}" in st.session_state else 0,
                 help="Counts are measured against their own long memory; a share divides by the source's "
                      "total (every actor of the file), so a source that collects more moves nothing. "
                      "Choose actors to watch: with none, the share is always 1.")
        st.number_input("Gate: SD above the expectation to enter a higher stage", -5.0, 20.0, step=0.5, key="p_gate_z", persist_state="session",
                        value=None if "p_gate_z" in st.session_state else PARAM_DEFAULTS["gate_z"])
        memory, held = st.columns(2)
        memory.number_input("Memory (buckets)", 3.0, 400.0, step=1.0, format="%.0f", key="p_reference_buckets", persist_state="session",
                             value=None if "p_reference_buckets" in st.session_state else float(PARAM_DEFAULTS["reference_buckets"]),
                             help="The long-memory reference: the median of this many ordinary buckets.")
        held.number_input("Held for (buckets)", 0.0, 1000.0, step=5.0, format="%.0f", key="p_freeze_buckets", persist_state="session",
                             value=None if "p_freeze_buckets" in st.session_state else float(PARAM_DEFAULTS["freeze_buckets"]),
                             help="How long an elevated episode keeps its reference before its level becomes the new normal (chronic).")
        st.number_input("Change-point penalty (× log n; higher finds fewer)", 0.5, 20.0, step=0.5,
                        key="p_pelt_penalty", persist_state="session",
                        value=None if "p_pelt_penalty" in st.session_state else PARAM_DEFAULTS["pelt_penalty"])
        if error:
            st.error(f"These settings cannot be used ({escape_markdown(error)}); showing the defaults.")
        if st.button("Reset the model to its defaults", key="reset_model"):
            for name in PARAM_DEFAULTS:
                st.session_state.pop(f"p_{name}", None)
            st.rerun()
