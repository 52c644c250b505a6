"""The dashboard page: sidebar filters (mirrored in the URL), the timeline, data quality."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import charts
from dashboard.dataset import Dataset
from dashboard.demo import DATASETS, DEFAULT_DATASET
from dashboard.engine import BUCKETS, MAX_BUCKETS, Selection
from dashboard.textsafe import escape_markdown
from dashboard.viewstate import ViewState, clamp_dates, from_query
from dashboard.ui.cache import dataset_from_bytes, dataset_from_paths

FILES = "files"  # the files given on the command line
UPLOAD = "upload"


@dataclass(frozen=True)
class LaunchFiles:
    events: Path | None
    mentions: Path | None

    @property
    def given(self) -> bool:
        return bool(self.events or self.mentions)


def launch_files(argv: list[str]) -> LaunchFiles:
    """The --events/--mentions given to `boilingpoint run` (passed after `--`)."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--events", type=Path)
    parser.add_argument("--mentions", type=Path)
    args, _ = parser.parse_known_args(argv)
    return LaunchFiles(args.events, args.mentions)


def dataset_options(files: LaunchFiles) -> dict[str, str]:
    options = {}
    if files.given:
        options[FILES] = "Files given at launch"
    options.update({key: d.label for key, d in DATASETS.items()})
    options[UPLOAD] = "Upload your own files…"
    return options


def main() -> None:
    st.set_page_config(page_title="Boiling Point — narrative escalation", page_icon="🔥", layout="wide")
    files = launch_files(sys.argv[1:])
    options = dataset_options(files)
    if "_url_view" not in st.session_state:
        # A session's first run: the link it was opened with sets the view.
        view = from_query({k: st.query_params.get_all(k) for k in st.query_params}, list(options))
        st.session_state["_url_view"] = view
        st.session_state["_url_pending"] = True
        if view.dataset:
            st.session_state["ds"] = view.dataset
    with st.sidebar:
        st.title("Boiling Point")
        st.caption("How a narrative escalates, from a slow boil to a crisis.")
        choice = st.selectbox(
            "Dataset",
            list(options),
            index=0,
            format_func=options.__getitem__,
            key="ds",
            on_change=_reset_filters,
        )
        dataset, label, simulated = _load_choice(choice, files)
    if dataset is None:
        render_header(label, simulated)
        st.info("Upload an events file, a mentions file, or both, in the sidebar to begin.")
        return
    selection = render_filters(dataset)
    sync_url(ViewState(choice, selection.actors, selection.start, selection.end, selection.bucket), dataset)
    render_header(label, simulated)
    if dataset.empty:
        st.warning("No row of these files could be loaded — see Data quality below for the reasons.")
    else:
        render_timeline(dataset, selection, simulated)
    render_data_quality(dataset)


def _reset_filters() -> None:
    for key in ("actor", "dates"):
        st.session_state.pop(key, None)


def apply_url_view(dataset: Dataset, actors: list[str]) -> None:
    """Put the view from the opening link into the widgets, once, naming what was dropped."""
    if not st.session_state.pop("_url_pending", False):
        return
    view: ViewState = st.session_state["_url_view"]
    problems = list(view.problems)
    known = set(actors)
    unknown = [a for a in view.actors if a not in known]
    if unknown:
        problems.append("no actor called " + ", ".join(repr(a[:40]) for a in unknown[:5]) + " in this dataset")
    st.session_state["actor"] = [a for a in view.actors if a in known]
    bounds = dataset.engine.date_bounds()
    if bounds is not None and (view.start or view.end):
        st.session_state["dates"] = clamp_dates(view.start, view.end, *bounds)
    st.session_state["bucket"] = view.bucket
    if problems:
        st.session_state["_url_problems"] = problems


def sync_url(view: ViewState, dataset: Dataset) -> None:
    """Mirror the current view into the address bar (dates only when narrowed)."""
    bounds = dataset.engine.date_bounds()
    if bounds is not None and (view.start, view.end) == bounds:
        view = ViewState(view.dataset, view.actors, None, None, view.bucket)
    wanted = view.to_query()
    current = {k: st.query_params.get_all(k) for k in st.query_params}
    if wanted != current:
        st.query_params.from_dict(wanted)


def _load_choice(choice: str, files: LaunchFiles) -> tuple[Dataset | None, str, str]:
    if choice == FILES:
        names = " + ".join(p.name for p in (files.events, files.mentions) if p)
        return dataset_from_paths(files.events, files.mentions), names, ""
    if choice == UPLOAD:
        ev = st.file_uploader("Events file", key="upload_events", help="CSV, TSV, JSON, JSON Lines or Parquet")
        me = st.file_uploader("Mentions file", key="upload_mentions", help="CSV, TSV, JSON, JSON Lines or Parquet")
        if ev is None and me is None:
            return None, "Your files", ""
        names = " + ".join(f.name for f in (ev, me) if f is not None)
        return (
            dataset_from_bytes(ev.getvalue() if ev else None, me.getvalue() if me else None),
            names,
            "",
        )
    demo = DATASETS[choice]
    return dataset_from_paths(demo.events, demo.mentions), demo.label, demo.simulated


def _actor_label(counts: pd.DataFrame):
    table = counts.set_index("actor")

    def label(actor: str) -> str:
        if actor not in table.index:
            return actor
        row = table.loc[actor]
        parts = []
        if row["events"]:
            parts.append(f"{row['events']:,} ev")
        if row["mentions"]:
            parts.append(f"{_compact(row['mentions'])} mentions")
        return f"{actor} · {' · '.join(parts)}" if parts else actor

    return label


def _compact(n: int) -> str:
    for size, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if n >= size:
            return f"{n / size:.1f}".rstrip("0").rstrip(".") + suffix
    return str(int(n))


def render_filters(dataset: Dataset) -> Selection:
    engine = dataset.engine
    counts = engine.actor_counts()
    bounds = engine.date_bounds()
    apply_url_view(dataset, counts["actor"].tolist())
    with st.sidebar:
        for problem in st.session_state.pop("_url_problems", []):
            st.warning(f"From the link: {escape_markdown(problem)}")
        actors = st.multiselect(
            "Actors",
            counts["actor"].tolist(),
            format_func=_actor_label(counts),
            key="actor",
            placeholder="All actors",
            help="An event matches when the actor acted or was its target.",
        )
        start = end = None
        if bounds is not None:
            lo, hi = bounds
            if "dates" not in st.session_state:
                st.session_state["dates"] = (lo, hi)
            picked = st.date_input(
                "Dates (UTC)",
                min_value=lo,
                max_value=hi,
                key="dates",
                format="YYYY-MM-DD",
            )
            start, end = _date_range(picked, lo, hi)
        if "bucket" not in st.session_state:
            st.session_state["bucket"] = "day"
        bucket = st.segmented_control("Bucket", list(BUCKETS), key="bucket") or "day"
    return Selection(actors=tuple(actors), start=start, end=end, bucket=bucket)


def _date_range(picked, lo: dt.date, hi: dt.date) -> tuple[dt.date, dt.date]:
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


def render_header(label: str, simulated: str) -> None:
    st.header(escape_markdown(label))
    if simulated:
        st.warning(simulated, icon=":material/science:")


def render_timeline(dataset: Dataset, sel: Selection, simulated: str) -> None:
    engine = dataset.engine
    while engine.bucket_count(sel) > MAX_BUCKETS and sel.bucket != "week":
        coarser = {"hour": "day", "day": "week"}[sel.bucket]
        st.info(
            f"{sel.bucket.capitalize()} buckets over this range would be more than {MAX_BUCKETS:,} points; "
            f"showing {coarser}s. Narrow the dates to see {sel.bucket}s."
        )
        sel = replace(sel, bucket=coarser)
    series = engine.series(sel)
    events = engine.events_in(sel)
    if series.empty or (series["volume"].sum() == 0 and events.empty):
        st.info("Nothing matches these filters: no mention or event for these actors in these dates.")
        return
    render_kpis(series, events)
    subtitle = "SIMULATED mentions — see the note above" if simulated else ""
    for i, panel in enumerate(charts.timeline_panels(series, events, subtitle)):
        # A stretched chart is fitted into its height, titles and axes included.
        st.altair_chart(panel, width="stretch", height=charts.outer_height(panel), key=f"timeline-{i}")


def render_kpis(series: pd.DataFrame, events: pd.DataFrame) -> None:
    cols = st.columns(4)
    volume = int(series["volume"].sum())
    cols[0].metric("Mentions", f"{volume:,}")
    cols[1].metric("Events", f"{len(events):,}")
    toned = series["toned"].sum()
    tone = (series["tone"].fillna(0) * series["toned"]).sum() / toned if toned else None
    cols[2].metric("Mean tone", f"{tone:+.2f}" if tone is not None else "—")
    if volume:
        peak = series.loc[series["volume"].idxmax()]
        cols[3].metric("Busiest bucket", peak["date"].strftime("%d %b %Y"), f"{int(peak['volume']):,} mentions", delta_color="off")
    else:
        cols[3].metric("Busiest bucket", "—")


def render_data_quality(dataset: Dataset) -> None:
    with st.expander("Data quality — every row accounted for", expanded=False):
        for kind, report in dataset.reports.items():
            st.subheader(kind.capitalize())
            if report.error is not None:
                st.error(f"The {kind} file could not be read: {escape_markdown(report.error.message)}")
                continue
            st.markdown(
                f"{escape_markdown(report.file_format)}{', ' + report.encoding if report.encoding else ''} — "
                f"**{report.rows_read:,}** rows read: **{report.loaded:,}** loaded, "
                f"**{report.rejected:,}** rejected."
            )
            for note in report.notes:
                st.caption(escape_markdown(note))
            if report.rejections:
                st.dataframe(report.rejections_frame(), hide_index=True, width="stretch")
            if report.unlisted_rejections:
                st.caption(f"…and {report.unlisted_rejections:,} more rejections not listed.")
