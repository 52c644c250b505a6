"""The "What is being said" panel: a moment's representative mentions, emerging terms,
narratives and the evidence behind it (dashboard/text). Only what the data hold is shown:
mentions without text get a plain line saying so, never made-up words."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from dashboard.charts.said import terms_chart
from dashboard.contract import Selection, bucket_step
from dashboard.dataset import Dataset
from dashboard.model.analysis import Analysis
from dashboard.model.kpis import kpis
from dashboard.text.said import Said, compute_said
from dashboard.textsafe import escape_markdown
from dashboard.ui import vega

NO_TEXT = ("**What is being said** — these mentions have no text, so there is nothing to quote: load a "
           "mentions file with a `text` column (headlines, posts) to see the representative mentions, the "
           "emerging terms and the narratives of each moment.")


@st.cache_data(max_entries=64, ttl=3600, show_spinner="Reading what was said…")
def cached_said(dataset_key: str, sel: Selection, lo: dt.datetime, hi: dt.datetime, top: int, _dataset: Dataset) -> Said:
    return compute_said(_dataset.engine, sel, lo, hi, top=top, terms=10)


def moment_of(analysis: Analysis) -> tuple[dt.datetime, dt.datetime]:
    """The bucket the page explains: the latest while above slow boil, else the peak."""
    k = kpis(analysis)
    when = k["date"] if k["stage"] != "slow boil" or k["peak_date"] is None else k["peak_date"]
    lo = pd.Timestamp(when).to_pydatetime()
    return lo, lo + bucket_step(analysis.selection.bucket)


def peak_of(analysis: Analysis) -> tuple[dt.datetime, dt.datetime] | None:
    """The bucket of the window with the most mentions (None without mentions)."""
    volume = analysis.table["volume"]
    if not len(volume) or volume.max() <= 0:
        return None
    lo = pd.Timestamp(analysis.table["date"].iloc[int(volume.to_numpy().argmax())]).to_pydatetime()
    return lo, lo + bucket_step(analysis.selection.bucket)


def window_of(analysis: Analysis) -> tuple[dt.datetime, dt.datetime]:
    """The whole window shown: from its first bucket to the end of its last."""
    dates = analysis.table["date"]
    lo = pd.Timestamp(dates.min()).to_pydatetime()
    return lo, pd.Timestamp(dates.max()).to_pydatetime() + bucket_step(analysis.selection.bucket)


def _span(lo: dt.datetime, hi: dt.datetime) -> str:
    last = hi - dt.timedelta(microseconds=1)
    if lo.date() == last.date():
        return f"{lo:%a %d %b %Y}" + (f" {lo:%H:%M}–{hi:%H:%M} UTC" if hi - lo < dt.timedelta(days=1) else "")
    return f"{lo:%d %b %Y} – {last:%d %b %Y}"


def mention_line(m) -> str:
    """One representative mention as inert markdown: the text quoted, its source and copies."""
    copies = f" · {m.copies:,} copies" + (f" from {m.sources:,} sources" if m.sources > 1 else "") if m.copies > 1 else ""
    return f"“{escape_markdown(' '.join(m.text.split()))}” — *{escape_markdown(m.source or 'no source')}*{copies}"


def render_said(dataset: Dataset, analysis: Analysis, key: str = "said") -> None:
    """The panel for the explained moment, or the whole window (a choice)."""
    engine = dataset.engine
    unsupported = getattr(engine, "text_unsupported", "")
    if unsupported:
        st.caption(f"What is being said: {escape_markdown(unsupported)}")
        return
    if not getattr(engine, "has_text", False):
        st.caption(NO_TEXT)
        return
    moment, window, peak = moment_of(analysis), window_of(analysis), peak_of(analysis)
    labels = {f"The moment explained ({_span(*moment)})": moment}
    if peak is not None and peak != moment:
        labels[f"The peak of attention ({_span(*peak)})"] = peak
    labels[f"The whole window ({_span(*window)})"] = window
    with st.container(border=True, key=f"{key}-panel"):
        st.subheader("What is being said", anchor=False)
        if analysis.selection.narratives:  # the filter reads the text: say whose words these are
            st.caption(escape_markdown("Within the narratives " + "; ".join(
                f"{n.name} ({', '.join(n.keywords)})" for n in analysis.selection.narratives)))
        choice = st.radio("Read", list(labels), horizontal=True, key=f"{key}-range", label_visibility="collapsed")
        lo, hi = labels[choice] if choice in labels else moment
        render_said_result(cached_said(dataset.key, analysis.selection, lo, hi, 5, dataset), analysis, lo, key)


def render_said_result(said: Said, analysis: Analysis | None, lo: dt.datetime, key: str = "said") -> None:
    """One moment's answer: evidence line, mentions, terms, narratives."""
    line = f"{said.texts:,} text mentions, {said.distinct:,} distinct texts"
    if analysis is not None:
        evidence = analysis.evidence_at(lo)
        if evidence is not None and int(evidence["sources"]):
            n = int(evidence["sources"])
            line += f"; {n:,} source{'' if n == 1 else 's'}"
            if isinstance(evidence["top_source"], str) and pd.notna(evidence["top_share"]):
                line += f", the top one ({evidence['top_source']}) {evidence['top_share']:.0%} of the mentions"
            if evidence["flag"]:
                line += f" — this peak rests on {evidence['flag']}"
    st.caption(escape_markdown(line))
    if said.note:
        st.info(escape_markdown(said.note))
        return
    st.markdown("**Representative mentions** (near-copies collapsed into one, with their copies)")
    with st.container(key=f"{key}-mentions"):
        for m in said.mentions:
            st.markdown(mention_line(m))
    left, right = st.columns([1, 1], gap="medium")
    with left:
        if said.terms:
            chart = terms_chart(said.terms, subtitle=f"against {said.baseline}")
            vega.altair_chart(chart, width="stretch", key=f"{key}-terms")
        else:
            st.caption(escape_markdown(f"No term stands out against {said.baseline or 'the baseline'}."))
    with right:
        if said.narratives:
            st.markdown("**Narratives** (TF-IDF + NMF, seed 0: named by their top terms)")
            st.dataframe(pd.DataFrame([{"narrative": n.name, "share": n.share, "terms": ", ".join(n.terms)}
                                       for n in said.narratives]),
                         hide_index=True, width="stretch", key=f"{key}-narratives",
                         column_config={"share": st.column_config.ProgressColumn(format="percent", min_value=0.0,
                                                                                 max_value=1.0, width="small")})
        else:
            st.caption("Too few distinct texts to tell narratives apart.")


def render_said_moment(dataset: Dataset, analysis: Analysis, when) -> None:
    """Meeting mode: what was said in the moment's bucket — three mentions and the new terms,
    in a line each. Nothing is drawn for mentions without text (the moment needs no apology)."""
    engine = dataset.engine
    if getattr(engine, "text_unsupported", "") or not getattr(engine, "has_text", False):
        return
    lo = pd.Timestamp(when).to_pydatetime()
    said = cached_said(dataset.key, analysis.selection, lo, lo + bucket_step(analysis.selection.bucket), 3, dataset)
    if said.note or not said.mentions:
        return
    with st.container(border=True, key="said-moment"):
        st.markdown(f"**What is being said** · {said.texts:,} text mentions, {said.distinct:,} distinct")
        for m in said.mentions:
            st.markdown(mention_line(m))
        if said.terms:
            st.caption("New terms: " + escape_markdown(", ".join(t.term for t in said.terms[:8])))


@st.cache_data(max_entries=16, ttl=3600, show_spinner="Reading what was said at each moment…")
def _cached_moments(dataset_key: str, sel: Selection, table_key: str, _dataset: Dataset, _analysis: Analysis) -> dict:
    from dashboard.text.report import said_for_moments

    return said_for_moments(_dataset.engine, _analysis)


def said_for_export(dataset: Dataset, analysis: Analysis) -> dict:
    """What was said at each key moment, for the report and the slides ({} without text)."""
    if not getattr(dataset.engine, "has_text", False) or analysis.empty:
        return {}
    key = f"{len(analysis.table)}:{analysis.table['date'].iloc[0]}:{analysis.params}"
    return _cached_moments(dataset.key, analysis.selection, key, dataset, analysis)
