"""The dashboard's views. Each render_* draws one part of the page from pure results."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import replace
from typing import Literal

import pandas as pd
import streamlit as st

from dashboard import charts
from dashboard.charts.common import with_simulated
from dashboard.contract import KPI_CHANGE_BUCKETS, MAX_BUCKETS, STAGES, Bucket, Selection
from dashboard.dataset import Dataset
from dashboard.model.analysis import Analysis, align_on_boiling
from dashboard.model.escalation import ModelParams, peak_position
from dashboard.model.explain import describe_event
from dashboard.model.kpis import above_slow_boil, kpis
from dashboard.model.story import Episode, find_episode
from dashboard.textsafe import escape_markdown
from dashboard.ui import vega
from dashboard.ui.cache import BY_REPR, cached_analysis, cached_bucket_count, cached_leaderboard, cached_overview, cached_top_actors
from dashboard.ui.notes import notes_for, render_notes

log = logging.getLogger(__name__)


def guarded(name: str, render: Callable, *args, **kwargs) -> None:
    """Draw one view; if it fails, say so plainly and let the rest of the page go on."""
    try:
        render(*args, **kwargs)
    except Exception:  # noqa: BLE001 — any failure of one view must not take the page down
        log.exception("view %s failed", name)
        st.error(f"The {name} view could not be drawn for this selection. The rest of the page still works.")


def fit_bucket(dataset: Dataset, sel: Selection, quiet: bool = False) -> Selection:
    """Step up from hours to days to weeks until the chart has at most MAX_BUCKETS points."""
    while cached_bucket_count(dataset.key, sel, dataset) > MAX_BUCKETS and sel.bucket != "week":
        coarser: Bucket = "day" if sel.bucket == "hour" else "week"
        if not quiet:
            st.info(
                f"{sel.bucket.capitalize()} buckets over this range would be more than {MAX_BUCKETS:,} points; "
                f"showing {coarser}s. Narrow the dates to see {sel.bucket}s."
            )
        sel = replace(sel, bucket=coarser)
    return sel


def analysis_for(dataset: Dataset, sel: Selection, params: ModelParams) -> Analysis:
    return cached_analysis(dataset.key, sel, params, dataset)


def chart_key(dataset: Dataset, analysis: Analysis | None, *parts) -> tuple | None:
    """What a chart of this dataset and analysis is drawn from, as the key its finished spec is
    kept under (vega.cached_chart): the data's content key, the selection, the parameters and
    whatever else the caller names. None (no caching) for a dataset without a content key."""
    if not dataset.key:
        return None
    base = (dataset.key,) if analysis is None else (dataset.key, analysis.selection, vega.content_key(analysis.params))
    return (*base, *(vega.content_key(p) for p in parts))


def overview_for(dataset: Dataset, sel: Selection, params: ModelParams) -> pd.DataFrame:
    """The scored buckets only, for the overview strip (analysis.overview)."""
    return cached_overview(dataset.key, sel, params, dataset)


def whole_range(dataset: Dataset, sel: Selection, params: ModelParams) -> pd.DataFrame:
    """The selection's scored buckets over the dataset's whole range, in days (weeks when
    days would be too many): the overview strip and the episode finder read it."""
    whole = replace(sel, start=None, end=None, bucket="week" if sel.bucket == "week" else "day")
    return overview_for(dataset, fit_bucket(dataset, whole, quiet=True), params)


def default_window(whole: pd.DataFrame) -> Episode | None:
    """The window the page opens on: the most significant episode (story.find_episode)."""
    return find_episode(whole)


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False, hash_funcs=BY_REPR)
def _kept_episode(dataset_key: str, sel: Selection, params: ModelParams, _dataset: Dataset) -> Episode | None:
    return default_window(whole_range(_dataset, sel, params))


def opening_episode(dataset: Dataset, sel: Selection, params: ModelParams) -> Episode | None:
    """default_window of the selection's whole range, found once per dataset content, selection
    and parameters (every rerun of every session asks it)."""
    if not dataset.key:
        return default_window(whole_range(dataset, sel, params))
    return _kept_episode(dataset.key, sel, params, dataset)


# --- KPIs -------------------------------------------------------------------------------------


def _show_dates(dates: tuple) -> None:
    st.session_state["dates"] = dates


def render_window_line(dataset: Dataset, sel: Selection, episode: Episode | None) -> None:
    """Which window the page shows — the story's episode or the whole range — and the other one a click away."""
    bounds = dataset.engine.date_bounds()
    if bounds is None or episode is None:
        return
    cols = st.columns([5, 1.3], vertical_alignment="center")
    if (sel.start, sel.end) == episode.dates:
        cols[0].caption(
            f"Showing the most significant episode, {episode.start:%d %b} – {episode.end:%d %b %Y}: above slow boil from "
            f"{episode.onset:%d %b}, peak {episode.peak_index:.0f} ({episode.peak_stage}) on {episode.peak:%d %b}."
        )
        cols[1].button("Whole range", key="whole_range", help="Show the whole range of the data", icon=":material/open_in_full:", width="stretch",
                       on_click=_show_dates, args=(bounds,))
    else:
        cols[0].caption(f"Showing {sel.start:%d %b %Y} – {sel.end:%d %b %Y}." if sel.start and sel.end else "")
        cols[1].button("The episode", key="to_episode", help="Back to the most significant episode",
                       icon=":material/center_focus_strong:", width="stretch",
                       on_click=_show_dates, args=(episode.dates,))


def explanation(analysis: Analysis) -> str:
    """The window explained: its latest bucket while it is above slow boil, else its peak."""
    k = kpis(analysis)
    if k["stage"] != STAGES[0] or k["peak_index"] is None:
        return f"Why it is {k['stage']} on {k['date']:%d %b %Y}: " + analysis.explain()
    return f"Why it peaked on {k['peak_date']:%d %b %Y}: " + analysis.explain_date(k["peak_date"])


@st.cache_data(max_entries=256, ttl=3600, show_spinner=False, hash_funcs=BY_REPR)
def _kept_explanation(dataset_key: str, sel: Selection, params: ModelParams, _analysis: Analysis) -> str:
    return explanation(_analysis)


def explanation_for(dataset: Dataset, analysis: Analysis) -> str:
    """explanation(analysis), worded once per dataset content, selection and parameters: the
    same words for every session and rerun."""
    if not dataset.key:
        return explanation(analysis)
    return _kept_explanation(dataset.key, analysis.selection, analysis.params, analysis)


def render_kpis(dataset: Dataset, analysis: Analysis, sel: Selection, params: ModelParams) -> None:
    k = kpis(analysis)
    cols = st.columns([1.5, 0.75, 0.85, 1.35, 1.4])
    with cols[0]:
        st.markdown(f"Stage on {k['date']:%d %b %Y}: **{k['stage']}**, {k['direction']}")
        vega.cached_chart(("gauge", k["stage"]), lambda: charts.stage_gauge_chart(k["stage"]), width="stretch", height=48,
                          key="kpi_stage")
    n = k["change_buckets"]
    unit = {"hour": "h", "day": "d", "week": "wk"}[sel.bucket]
    delta = f"{k['index_change']:+.0f} in {n} {unit}" if k["index_change"] is not None else None
    cols[1].metric("Index now", "—" if k["index"] is None else f"{k['index']:.0f}", delta, delta_color="inverse",
                   help=f"The index on {k['date']:%d %b %Y} and its change over the last {n} {sel.bucket}s")
    cols[2].metric("Peak index", "—" if k["peak_index"] is None else f"{k['peak_index']:.0f}", f"{k['peak_date']:%d %b %Y}",
                   delta_color="off", delta_arrow="off")
    value, detail = above_slow_boil(k)
    cols[3].metric("Above slow boil", value, detail, delta_color="off", delta_arrow="off")
    board = cached_leaderboard(dataset.key, sel, params, dataset)
    if len(board) and board["change"].iloc[0] > 0:
        top = board.iloc[0]
        cols[4].metric("Escalating fastest", str(top["actor"]), f"{top['change']:+.0f} in {n} {unit}",
                       delta_color="inverse", help=f"{top['actor']}: its own index rose {top['change']:+.0f} in the last {n} {sel.bucket}s")
    else:
        cols[4].metric("Escalating fastest", "—", "no actor rising", delta_color="off", delta_arrow="off")


# --- timeline ---------------------------------------------------------------------------------


def _overview_zoom() -> None:
    """Brushing the overview strip sets the date range (and so the URL)."""
    state = st.session_state.get("overview") or {}
    zoom = (state.get("selection") or {}).get("zoom") or {}
    values = zoom.get("date") or zoom.get("start")
    if not values or len(values) != 2:
        return
    lo, hi = (pd.to_datetime(v, unit="ms") if isinstance(v, (int, float)) else pd.Timestamp(v) for v in values)
    st.session_state["dates"] = (min(lo, hi).date(), max(lo, hi).date())


def render_timeline(dataset: Dataset, analysis: Analysis, strip: pd.DataFrame, simulated: str) -> None:
    subtitle = "SIMULATED mentions: the shape follows real events, the numbers are invented" if simulated else ""
    picked = st.session_state.get("event_pick") or {}
    picked_ids = [p.get("id") for p in ((picked.get("selection") or {}).get("event") or []) if isinstance(p, dict)]
    highlight = None
    chosen = analysis.events[analysis.events["id"].isin(picked_ids)] if picked_ids and len(analysis.events) else None
    if chosen is not None and len(chosen):
        highlight = chosen["date"].iloc[0]
    sel = analysis.selection
    notes = notes_for(dataset, sel.start, sel.end)


    def panels() -> list:
        built = charts.timeline_layers(analysis, subtitle, highlight=highlight, events_selectable=True, notes=notes)
        built[0] = with_simulated(built[0], bool(simulated))  # the index is made of the mentions too
        return built

    specs = vega.cached_charts(chart_key(dataset, analysis, "timeline", subtitle, simulated, highlight, notes), panels)
    for i, (spec, height) in enumerate(specs):
        last = i == len(specs) - 1 and len(analysis.events)
        size: int | Literal["content"] = height if height is not None else "content"
        if last:
            st.vega_lite_chart(spec, width="stretch", height=size, key="event_pick", on_select="rerun", selection_mode="event")
        else:
            st.vega_lite_chart(spec, width="stretch", height=size, key=f"timeline-{i}")
        if i == 0:
            # The explanation, then the whole range as a strip to brush: right under the index.
            st.info(escape_markdown(explanation_for(dataset, analysis)), icon=":material/lightbulb:")
            # The strip is the whole range of this selection (whole_range): keyed by what it is
            # made of, not by hashing its frame on every rerun.
            vega.cached_chart(
                chart_key(dataset, None, "overview", analysis.params, analysis.selection.bucket,
                          replace(analysis.selection, start=None, end=None), len(strip)),
                lambda: charts.overview_chart(strip, bucket=analysis.selection.bucket),
                extra_height=0, width="stretch", key="overview", on_select=_overview_zoom, selection_mode="zoom",
            )
    if len(analysis.events):
        st.caption("Click an event marker for its details and that day's explanation; double-click to clear.")
    if chosen is not None and len(chosen):
        event = chosen.iloc[0]
        with st.container(border=True):
            st.markdown(f"**{event['date']:%a %d %b %Y %H:%M} UTC** — {escape_markdown(describe_event(event))}")
            if isinstance(event.get("source"), str):
                st.caption(f"Reported by {escape_markdown(event['source'])}")
            st.markdown(escape_markdown(analysis.explain_date(event["date"])))
    render_notes(dataset, analysis, highlight, notes)


# --- actors -----------------------------------------------------------------------------------


def render_actors(dataset: Dataset, analysis: Analysis, sel: Selection, params: ModelParams, simulated: str = "") -> None:
    engine = dataset.engine
    by_actor = engine.volume_by_actor(sel)
    if len(by_actor):
        normalise = st.toggle("Show shares (normalised)", key="sov_normalise")
        vega.cached_chart(chart_key(dataset, analysis, "sov", normalise, simulated),
                          lambda: with_simulated(charts.share_of_voice_chart(by_actor, normalise), bool(simulated)),
                          width="stretch", key="sov")
    else:
        st.info("No mentions in this selection, so there is no share of voice to show.")
    left, right = st.columns(2)
    with left:
        if len(by_actor) and by_actor["tone"].notna().any():
            vega.cached_chart(chart_key(dataset, analysis, "tone_by_actor", simulated),
                              lambda: with_simulated(charts.tone_by_actor_chart(by_actor), bool(simulated), brief=True),
                              extra_height=40, width="stretch", key="tone_by_actor")
        elif len(by_actor):
            st.info("These mentions carry no tone, so there is no tone by actor to show.")
        # No mentions at all (an events file alone): the share-of-voice note above says so already.
    with right:
        board = cached_leaderboard(dataset.key, sel, params, dataset)
        if len(board):
            vega.cached_chart(chart_key(dataset, analysis, "leaderboard", simulated),
                              lambda: with_simulated(charts.leaderboard_chart(board), bool(simulated), brief=True),
                              extra_height=40, width="stretch", key="leaderboard")
        else:
            st.info(f"Too few buckets to compare each actor's last {KPI_CHANGE_BUCKETS}.")
    matrix = engine.matrix(sel)
    if len(matrix):
        # Its own height (26 px a row): stretched to the default, 30 actors would share 60 px.
        vega.cached_chart(chart_key(dataset, analysis, "matrix"), lambda: charts.matrix_chart(matrix), extra_height=60,
                          width="stretch", key="matrix")
    else:
        st.info("No event in this selection names a target, so there is no who-acts-on-whom matrix.")


# --- events -----------------------------------------------------------------------------------


def render_events(analysis: Analysis, simulated: str = "") -> None:
    events = analysis.events
    if not len(events):
        st.info("No events in this selection.")
        return
    query = st.text_input("Search events", key="event_search", placeholder="actor, target or words of the headline")
    shown = events
    if query.strip():
        needle = query.strip().lower()
        hay = (events["actor"].fillna("") + " " + events["target"].fillna("") + " " + events["headline"].fillna("")).str.lower()
        shown = events[hay.str.contains(needle, regex=False)]
    st.caption(f"{len(shown):,} of {len(events):,} events. Click a column header to sort.")
    st.dataframe(
        shown[["date", "actor", "target", "event_type", "severity", "headline", "source", "url", "id", "retracts"]],
        hide_index=True, width="stretch",
        column_config={
            "date": st.column_config.DatetimeColumn("date (UTC)", format="YYYY-MM-DD HH:mm"),
            "severity": st.column_config.NumberColumn("severity", format="%+.1f"),
            "url": st.column_config.TextColumn("url"),  # shown as text, never as a live link
        },
    )
    st.subheader("Claims and their retractions")
    if not len(analysis.pairs):
        st.caption("No event in this selection retracts another.")
        return
    pairs = analysis.pairs.copy()
    st.dataframe(
        pairs[["actor", "claim_date", "claim_headline", "retraction_date", "retraction_headline", "lag_hours",
               "claim_coverage", "retraction_coverage", "reach_ratio", "tone_before", "tone_after_claim", "tone_after_retraction"]],
        hide_index=True, width="stretch",
        column_config={
            "claim_date": st.column_config.DatetimeColumn("claim", format="YYYY-MM-DD HH:mm"),
            "retraction_date": st.column_config.DatetimeColumn("retraction", format="YYYY-MM-DD HH:mm"),
            "lag_hours": st.column_config.NumberColumn("lag (h)", format="%.1f"),
            "claim_coverage": st.column_config.NumberColumn("mentions after claim", format="%.0f"),
            "retraction_coverage": st.column_config.NumberColumn("mentions after retraction", format="%.0f"),
            "reach_ratio": st.column_config.NumberColumn("reach ratio", format="%.2f",
                                                         help="retraction coverage / claim coverage, in equal windows after each that never overlap"),
        },
    )
    for _, p in pairs.iterrows():
        if not math.isnan(p["reach_ratio"]):
            st.caption(
                f"{escape_markdown(p['actor'])}: the retraction reached {p['reach_ratio']:.0%} of the claim's coverage "
                f"({p['retraction_coverage']:,.0f} vs {p['claim_coverage']:,.0f} mentions in the {p['window_hours']:.0f} hours after "
                f"each: the windows are as long as the time between them, 48 h at most)"
                + (" — SIMULATED mentions." if simulated else ".")
            )


# --- why --------------------------------------------------------------------------------------


def render_why(analysis: Analysis, simulated: str = "") -> None:
    table = analysis.table
    dates = table["date"].dt.date.tolist()
    default = st.session_state.get("why_day")
    if default not in dates:
        default = dates[peak_position(table["index"])]
        st.session_state["why_day"] = default
    day = st.select_slider("Day to explain", options=dates, key="why_day",
                           format_func=lambda d: d.strftime("%d %b %Y"))
    vega.altair_chart(with_simulated(charts.components_chart(table, analysis.params, pd.Timestamp(day)), bool(simulated)),
                      width="stretch", key="components")
    with st.container(border=True):
        st.markdown(f"**{day:%A %d %B %Y}**")
        st.markdown(escape_markdown(analysis.explain_date(pd.Timestamp(day))))
    alerts = analysis.alerts
    if len(alerts):
        today = alerts[alerts["date"].dt.date == day]
        for _, a in today.iterrows():
            st.warning(escape_markdown(a["reason"]))
    with st.expander("All alerts in this selection"):
        if len(alerts):
            st.dataframe(alerts, hide_index=True, width="stretch",
                         column_config={"date": st.column_config.DatetimeColumn("date", format="YYYY-MM-DD HH:mm")})
        else:
            st.caption("None.")


# --- compare ----------------------------------------------------------------------------------


def _add_to_compare() -> None:
    """A pasted link (or upload:<id>) joins the datasets Compare offers, if it names a kept upload."""
    from dashboard.ui import upload

    text = str(st.session_state.get("cmp_add") or "").strip()
    if not text:
        return
    problem = upload.adopt(text)
    st.session_state["_cmp_msg"] = problem
    if problem is None:
        st.session_state["cmp_add"] = ""


def _pick_two(keys: list[str], current: str | None) -> tuple[int, int]:
    first = keys.index(current) if current in keys else 0
    second = next((i for i in range(len(keys)) if i != first), first)
    return first, second


def _adopt_linked_pair(kind: str, options: list[str], keys: tuple[str, str]) -> None:
    """A link's comparison goes into the two menus once, if both are among their options;
    otherwise the page says so and the menus keep their defaults."""
    linked = st.session_state.get("_cmp_linked")
    if not linked or linked[0] != kind:
        return
    st.session_state.pop("_cmp_linked")
    pair = linked[1:]
    if all(p in options for p in pair):
        for key, value in zip(keys, pair):
            st.session_state[key] = value
    else:
        missing = ", ".join(repr(p[:40]) for p in pair if p not in options)
        st.warning(f"The link compares {missing}, which this view does not have; showing the first two instead.")


def _compare_narratives(dataset: Dataset) -> list:
    """The dataset's kept narratives (NarrativeFilter) when it has text; [] otherwise."""
    if not getattr(dataset.engine, "has_text", False):
        return []
    from dashboard.ui.narratives import kept_narratives

    return kept_narratives(dataset)


def _compare_modes(narratives: list) -> list[str]:
    """The Compare tab's modes: two narratives too when the dataset has two or more. A mode the
    session (or a link) holds that this dataset does not offer falls back to the first, said."""
    modes = ["two actors", "two datasets"] + (["two narratives"] if len(narratives) >= 2 else [])
    if st.session_state.get("cmp_mode") not in (None, *modes):
        st.session_state["cmp_mode"] = modes[0]
        linked = st.session_state.pop("_cmp_linked", None)
        if linked:
            st.warning("The link compares two narratives; these data have " + (
                "fewer than two narratives" if narratives else "no text to find narratives in") + ": showing two actors instead.")
    return modes


def _narrative_frames(dataset: Dataset, sel: Selection, params: ModelParams, narratives: list) -> tuple[list, list]:
    """Two narratives of this dataset, each within the sidebar's other filters, aligned as two actors are."""
    names = [n.name for n in narratives]
    by_name = {n.name: n for n in narratives}
    _adopt_linked_pair("narratives", names, ("cmp_nar_a", "cmp_nar_b"))
    cols = st.columns(2)
    a = cols[0].selectbox("First narrative", names, index=0, key="cmp_nar_a")
    b = cols[1].selectbox("Second narrative", names, index=1, key="cmp_nar_b")
    frames, notes = [], []
    for name in dict.fromkeys([a, b]):
        an = analysis_for(dataset, replace(sel, narratives=(by_name[name],)), params)
        frame, note = align_on_boiling(an.table, name)
        frames.append(frame)
        notes.append(note)
    def words(name: str) -> str:  # a found narrative's name is its keywords already: not said twice
        shown = by_name[name].keywords[:6]
        return escape_markdown(name if name == " / ".join(shown) else f"{name}: {', '.join(shown)}")

    st.caption("Each line is one narrative's mentions (its keywords: " + "; ".join(words(n) for n in dict.fromkeys([a, b]))
               + ") within the sidebar's other filters, in place of its narrative choice; a mention in both counts in each.")
    return frames, notes


def render_compare(dataset: Dataset, sel: Selection, params: ModelParams,
                   datasets: dict[str, tuple[str, Callable[[], Dataset], str]], simulated: str = "",
                   current: str | None = None) -> None:
    """Two actors of this dataset, two datasets (`datasets`: {key: (label, opener, simulated)},
    only the two chosen are opened), or two of this dataset's narratives (when it has text and
    two or more), aligned on the day each turned boiling."""
    narratives = _compare_narratives(dataset)
    mode = st.radio("Compare", _compare_modes(narratives), horizontal=True, key="cmp_mode")
    frames, notes, notes_labels = [], [], []  # type: list[pd.DataFrame], list[str], list[str]
    if mode == "two narratives":
        frames, notes = _narrative_frames(dataset, sel, params, narratives)
    elif mode == "two actors":
        actors = cached_top_actors(dataset.key, replace(sel, actors=()), 30, dataset)
        if len(actors) < 2:
            st.info("This dataset has fewer than two actors.")
            return
        _adopt_linked_pair("actors", actors, ("cmp_a", "cmp_b"))
        cols = st.columns(2)
        a = cols[0].selectbox("First actor", actors, index=0, key="cmp_a")
        b = cols[1].selectbox("Second actor", actors, index=1, key="cmp_b")
        for actor in dict.fromkeys([a, b]):
            an = analysis_for(dataset, replace(sel, actors=(actor,)), params)
            frame, note = align_on_boiling(an.table, actor)
            frames.append(frame)
            notes.append(note)
    else:
        keys = list(datasets)
        _adopt_linked_pair("datasets", keys, ("cmp_ds_a", "cmp_ds_b"))
        first, second = _pick_two(keys, current)
        row = st.columns(2)  # half the width each: an upload's file names are long
        a = row[0].selectbox("First dataset", keys, index=first, key="cmp_ds_a", format_func=lambda k: datasets[k][0])
        b = row[1].selectbox("Second dataset", keys, index=second, key="cmp_ds_b", format_func=lambda k: datasets[k][0])
        st.text_input("Add an upload by its link", key="cmp_add", on_change=_add_to_compare,
                           placeholder="paste a link to an uploaded dataset",
                           help="Any link whose dataset is an upload kept on this server (…?ds=upload:…), or its "
                                "upload:… name. Uploads you made or opened in this session are listed already.")
        problem = st.session_state.pop("_cmp_msg", None)
        if problem:
            st.warning(escape_markdown(problem))
        simulated = ""
        for key in dict.fromkeys([a, b]):
            label, opener, made_up = datasets[key]
            label = label.removeprefix("Upload: ")  # the file names say it: the legend has little room
            if frames and label == notes_labels[-1]:
                label += " (2)"  # two uploads of files with the same names: two series all the same
            notes_labels.append(label)
            simulated = simulated or made_up
            try:
                other = opener()
            except (LookupError, ValueError) as exc:
                st.warning(f"{escape_markdown(label)} cannot be opened: {escape_markdown(str(exc))}")
                continue
            an = analysis_for(other, Selection(bucket=sel.bucket), params)
            frame, note = align_on_boiling(an.table, label)
            frames.append(frame)
            notes.append(note)
    aligned = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if not len(aligned):
        st.info("Nothing to compare in this selection.")
        return
    vega.altair_chart(with_simulated(charts.compare_chart(aligned, sel.bucket), bool(simulated)), width="stretch", key="compare")
    for note in notes:
        st.caption(escape_markdown(note))


# --- data quality -----------------------------------------------------------------------------


def render_data_quality(dataset: Dataset, words: Callable[[str], str] = str) -> None:
    """Every file's report; `words` rewords a file-level error (the command line's flags named as the page's controls)."""
    with st.expander("Data quality — every row accounted for", expanded=False):
        for kind, report in dataset.reports.items():
            st.subheader(kind.capitalize())
            if report.error is not None:
                st.error(f"The {kind} file could not be read: {escape_markdown(words(report.error.message))}")
                continue
            st.markdown(
                f"{escape_markdown(report.file_format)}{', ' + report.encoding if report.encoding else ''} — "
                f"**{report.rows_read:,}** {'row' if report.rows_read == 1 else 'rows'} read: **{report.loaded:,}** loaded, "
                f"**{report.rejected:,}** rejected."
            )
            for note in report.notes:
                st.caption(escape_markdown(note))
            if report.rejections:
                st.dataframe(report.rejections_frame(), hide_index=True, width="stretch")
            if report.unlisted_rejections:
                st.caption(f"…and {report.unlisted_rejections:,} more rejections not listed.")

