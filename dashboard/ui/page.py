"""The page: routes between exploring (sidebar + tabs) and meeting mode."""

from __future__ import annotations

import dataclasses
import functools
import sys
from collections.abc import Callable

import streamlit as st

from dashboard.contract import Selection, check_bucket
from dashboard.dataset import Dataset
from dashboard.demo import DATASETS, DemoDataset
from dashboard.launch import LaunchFiles, launch_files
from dashboard.model.analysis import key_moments
from dashboard.model.story import Episode
from dashboard.query import DEFAULT_ENGINE, engine_label
from dashboard.textsafe import escape_markdown
from dashboard.ui import alerts, downloads, labelling, present, said, sidebar, theme, upload, vega, views
from dashboard.ui.cache import dataset_from_paths, kept_dataset, prepare_in_background
from dashboard.ui.narratives import chosen_narratives, kept_narratives
from dashboard.ui.notes import notes_for
from dashboard.ui.state import canonical, changed_params, compare_choice, model_params, read_url_once, share_link, sync_url
from dashboard.viewstate import TABS, ViewState

FILES = "files"  # the files given on the command line
UPLOAD = "upload"


@functools.cache
def setup_process() -> None:
    """The app's process-wide settings, once per process (functools.cache: every rerun
    after the first returns at once).

    gc.freeze(): Streamlit runs a full garbage collection after every script run
    (runner.postScriptGC), and a full collection walks every object the collector tracks —
    here some 150,000 made by importing pandas, Altair, DuckDB and the app, which live as
    long as the process. Frozen, they are left out of every later collection: the one after
    each run then walks only what the sessions made since (half of a warm rerun's CPU
    before, BENCHMARKS.md, "The server under load"). Objects still die by their reference
    counts; only a cycle among the frozen would stay, and those are the modules' own.
    """
    import gc

    from dashboard.loading import use_system_allocator

    use_system_allocator()
    vega.setup_charts()
    gc.freeze()


def dataset_options(files: LaunchFiles) -> dict[str, str]:
    """The dataset menu: files given at launch, the demos, the uploads this session made or
    opened by link (upload:<id>), and a new upload."""
    options = {}
    if files.given:
        options[FILES] = "Files given at launch"
    options.update({key: d.label for key, d in DATASETS.items()})
    options.update(upload.known_uploads())
    options[UPLOAD] = "Upload your own files…"
    return options


def adopt_linked_upload() -> None:
    """On a session's first run, an upload the link names (ds=upload:<id>) joins the dataset
    menu; one that is not kept is said so in words, and the page opens on the demo."""
    if "_url_view" in st.session_state:
        return
    upload.purge_expired()
    linked = st.query_params.get("ds")
    if upload.is_kept(linked):
        missing = upload.adopt(linked)
        if missing:
            st.session_state["_upload_missing"] = missing


def forget_missing_upload(view: ViewState) -> None:
    """The link's missing upload is said once, plainly, not also as an "unknown dataset"."""
    if "_upload_missing" in st.session_state and any(p.startswith("unknown dataset 'upload:") for p in view.problems):
        st.session_state["_url_view"] = dataclasses.replace(
            view, problems=tuple(p for p in view.problems if not p.startswith("unknown dataset 'upload:")))


def link_dataset(choice: str) -> str:
    """What the link's ds= says: a new upload by the id it is kept under (plain "upload" when
    it could not be kept)."""
    if choice == UPLOAD:
        return st.session_state.get("_upload_ref") or UPLOAD
    return choice


def main() -> None:
    setup_process()
    files = launch_files(sys.argv[1:])
    present_mode = st.query_params.get("mode") == "present" if "mode" not in st.session_state else st.session_state["mode"] == "present"
    st.set_page_config(
        page_title="Boiling Point — narrative escalation",
        page_icon="🔥",
        layout="wide",
        initial_sidebar_state="collapsed" if present_mode else "expanded",
    )
    adopt_linked_upload()
    options = dataset_options(files)
    forget_missing_upload(read_url_once(list(options)))
    theme.apply_page_theme()
    if alerts.wanted():  # the Alerts & monitors page (dashboard/ui/alerts.py)
        return alerts.render_page()
    if st.session_state.get("mode") == "present":
        return render_meeting(files, options)
    with st.sidebar:
        st.title("Boiling Point")
        st.caption("How a narrative escalates, from a slow boil to a crisis.")
        alerts.render_entry()
        current = st.session_state.get("ds") or ""
        menu_help = "The demos, the uploads you made or opened by link in this session, or new files."
        if upload.is_kept(current):  # an upload's name may be cut in the narrow menu: whole here
            menu_help = f"{escape_markdown(upload.upload_name(current) or options.get(current, current))}. {menu_help}"
        choice = st.selectbox("Dataset", list(options), format_func=options.__getitem__, key="ds", on_change=_reset_filters,
                              help=menu_help)
        if files.engine != DEFAULT_ENGINE:
            st.caption(f"Queries run on {engine_label(files.engine)}.")
        dataset, label, simulated = load_choice(choice, files)
        if dataset is not None:
            # Other data (another upload, a mapping changed): the filters of the last ones may not fit.
            if st.session_state.get("_dataset_key") not in (None, dataset.key):
                _reset_filters()
            st.session_state["_dataset_key"] = dataset.key
        if dataset is None:
            render_header(label, simulated)
            if not upload.is_kept(choice):
                st.info("Upload an events file, a mentions file, or both, in the sidebar to begin.")
            return
        params, error = model_params()
        # The page opens on the story's most significant episode — of the actors the link names,
        # when it names some (their attention, a share of all coverage, can tell another story
        # than the whole source's); the whole range is a click away.
        linked = st.session_state["_url_view"].actors if st.session_state.get("_url_pending") else ()
        named = st.session_state["narrative"] if "narrative" in st.session_state else st.session_state.get("_url_narratives", ())
        # Read once for the opening episode and the sidebar's filter (a narrative named: else none to read).
        kept = kept_narratives(dataset, seed=False) if named and getattr(dataset.engine, "has_text", False) else None
        watched = Selection(actors=tuple(st.session_state["actor"] if "actor" in st.session_state else linked),
                            narratives=chosen_narratives(dataset, named, kept))
        episode = views.opening_episode(dataset, watched, params) if not dataset.empty else None
        opening = episode.dates if episode else None
        selection = sidebar.render_filters(dataset, opening, kept)
        sidebar.render_advanced(error)
        view = ViewState(link_dataset(choice), selection.actors, selection.start, selection.end, selection.bucket,
                         selection.targets, selection.event_types, changed_params(params),
                         tab=st.session_state.get("tab") or "Timeline",
                         maps=st.session_state.get("_maps", ()) if choice == UPLOAD else (), theme=theme.asked_theme(),
                         compare=compare_choice(), narratives=tuple(n.name for n in selection.narratives))
        sync_url(view, dataset, opening)
        st.divider()
        theme.render_toggle("projector")
        if st.button("Meeting mode", icon=":material/present_to_all:", width="stretch", key="to_present"):
            st.session_state["mode"] = "present"
            st.session_state["step"] = 0
            st.rerun()
        st.caption("Copy link to this view")
        st.code(share_link(canonical(view, dataset, opening)), language=None, wrap_lines=True)
    render_header(label, simulated)
    uploaded = choice == UPLOAD or upload.is_kept(choice)
    for kind, report in dataset.reports.items():
        if report.error is not None:
            hint = (" Open “How to read these files” in the sidebar to say which columns hold what."
                    if report.error.code == "missing-label" and choice == UPLOAD else "")
            message = upload.in_words(report.error.message) if uploaded else report.error.message
            st.error(f"The {kind} file could not be read: {escape_markdown(message)}.{hint}")
    if dataset.empty:
        st.warning("No row of these files could be loaded — see Data quality below for the reasons.")
        views.render_data_quality(dataset, upload.in_words if uploaded else str)
        return
    render_explore(dataset, selection, params, label, simulated, files, episode)
    views.render_data_quality(dataset, upload.in_words if uploaded else str)
    prepare_in_background(dataset)  # the first filter change's work, done while the view is read


def render_explore(dataset: Dataset, selection: Selection, params, label: str, simulated: str, files: LaunchFiles,
                   episode: Episode | None = None) -> None:
    selection = views.fit_bucket(dataset, selection)
    analysis = views.analysis_for(dataset, selection, params)
    views.render_window_line(dataset, selection, episode)
    if analysis.empty:
        st.info("Nothing matches these filters: no mention or event for these actors in these dates. "
                "Widen the dates or clear the actor filter.")
        return
    views.guarded("KPI", views.render_kpis, dataset, analysis, selection, params)
    # Only the open tab is computed: a rerun pays for what is on screen, nothing else.
    tabs = dict(zip(TABS, st.tabs(list(TABS), key="tab", on_change="rerun")))
    with tabs["Timeline"]:
        if tabs["Timeline"].open:
            # The overview strip shows the whole range in days (or weeks): coarse is what it is for.
            strip = views.whole_range(dataset, selection, params)
            views.guarded("timeline", views.render_timeline, dataset, analysis, strip, simulated)
            views.guarded("what is being said", said.render_said, dataset, analysis)
    with tabs["Actors"]:
        if tabs["Actors"].open:
            views.guarded("actors", views.render_actors, dataset, analysis, selection, params, simulated)
    with tabs["Events"]:
        if tabs["Events"].open:
            views.guarded("events", views.render_events, analysis, simulated)
    with tabs["Why"]:
        if tabs["Why"].open:
            views.guarded("why", views.render_why, analysis, simulated)
    with tabs["Compare"]:
        if tabs["Compare"].open:
            views.guarded("compare", views.render_compare, dataset, selection, params,
                          _compare_sources(files, dataset, label), simulated, link_dataset(st.session_state.get("ds") or ""))
    with tabs["Tone"]:
        if tabs["Tone"].open:
            views.guarded("labelling", labelling.render_labelling, dataset)
    with tabs["Export"]:
        if tabs["Export"].open:
            views.guarded("export", downloads.render_exports, analysis, label, simulated,
                          notes_for(dataset, selection.start, selection.end), said.said_for_export(dataset, analysis))


def _compare_sources(files: LaunchFiles, current: Dataset | None = None, current_label: str = "") -> dict:
    """What Compare offers: {key: (label, opener, simulated)} — the demos, the files given at launch, the
    uploads this session made or opened by link, and the dataset on screen. Only the two chosen
    are opened."""
    sources: dict[str, tuple[str, Callable[[], Dataset], str]] = {}

    def opener(d: DemoDataset) -> Callable[[], Dataset]:
        return lambda: dataset_from_paths(d.events, d.mentions, engine=files.engine)

    def kept(ref: str) -> Callable[[], Dataset]:
        return lambda: kept_dataset(ref.removeprefix(UPLOAD + ":"), files.engine)

    for key, demo in DATASETS.items():
        sources[key] = (demo.label, opener(demo), demo.simulated)
    if files.given:
        sources[FILES] = ("Files given at launch", lambda: dataset_from_paths(files.events, files.mentions, engine=files.engine), "")
    for ref, label in upload.known_uploads().items():
        sources[ref] = (label, kept(ref), "")
    choice = st.session_state.get("ds")
    if current is not None and choice == UPLOAD and not st.session_state.get("_upload_ref"):
        sources[UPLOAD] = (f"Upload: {current_label}", lambda: current, "")  # on screen, but not kept
    return sources


def render_meeting(files: LaunchFiles, options: dict[str, str]) -> None:
    view: ViewState = st.session_state["_url_view"]
    choice = st.session_state.get("ds") or view.dataset or next(iter(options))
    if choice == UPLOAD:
        choice = st.session_state.get("_upload_ref") or next(iter(options))
    dataset, label, simulated = load_choice(choice, files, quiet=True)
    missing = st.session_state.pop("_upload_missing", None)
    if missing:
        st.warning(f"{escape_markdown(missing)} Presenting “{escape_markdown(label)}” instead.", icon=":material/link_off:")
    if dataset is None:
        st.info("No dataset to present: choose one in the sidebar (Leave meeting mode).")
        return
    params, _ = model_params()
    bounds = dataset.engine.date_bounds()
    actors = tuple(st.session_state.get("actor") or view.actors)
    narratives = chosen_narratives(dataset, st.session_state.get("narrative") or view.narratives)
    whole = views.whole_range(dataset, Selection(actors=actors, narratives=narratives), params)
    episode = views.default_window(whole)
    start, end = st.session_state.get("dates") or ((view.start, view.end) if view.start or view.end else
                                                   (episode.dates if episode else (None, None)))
    sel = Selection(actors=actors, targets=tuple(st.session_state.get("target") or view.targets),
                    start=start, end=end, event_types=tuple(st.session_state.get("type") or view.event_types),
                    bucket=check_bucket(st.session_state.get("bucket") or view.bucket),
                    narratives=narratives)
    sel = views.fit_bucket(dataset, sel)
    analysis = views.analysis_for(dataset, sel, params)
    moments = key_moments(analysis)
    step = _history_step()
    step = min(max(step, 0), max(len(moments) - 1, 0))
    st.session_state["step"] = step
    st.session_state["_step_written"] = step
    sync_url(ViewState(choice, sel.actors, sel.start, sel.end, sel.bucket, sel.targets, sel.event_types,
                       changed_params(params), "present", step, theme=theme.asked_theme(),
                       narratives=tuple(n.name for n in sel.narratives)), dataset if bounds else None,
             episode.dates if episode else None)
    notes = notes_for(dataset, sel.start, sel.end)
    views.guarded("meeting", present.render_present, analysis, moments, step, whole, label, simulated, notes)
    if len(moments):
        views.guarded("what is being said", said.render_said_moment, dataset, analysis, moments.iloc[step]["date"])
    prepare_in_background(dataset)


def _history_step() -> int:
    """The step to show: the session's, unless the address bar now says another — the browser's
    Back or Forward went to another step (each step is one history entry)."""
    step = int(st.session_state.get("step", 0))
    written = st.session_state.get("_step_written")
    text = st.query_params.get("step") or "0"
    in_url = int(text) if text.isdigit() and len(text) < 4 else 0
    if written is not None and in_url != written:
        return in_url
    return step


def _reset_filters() -> None:
    for key in ("actor", "narrative", "dates", "target", "type", "event_pick", "why_day"):
        st.session_state.pop(key, None)


def load_choice(choice: str, files: LaunchFiles, quiet: bool = False) -> tuple[Dataset | None, str, str]:
    """The chosen dataset, its label and its SIMULATED line; `quiet` (meeting mode): no sidebar notes."""
    if choice == FILES:
        names = " + ".join(p.name for p in (files.events, files.mentions) if p)
        if files.problem:
            st.error(f"The import options given at launch cannot be used: {escape_markdown(files.problem)}")
        return dataset_from_paths(files.events, files.mentions, files.options, files.engine), names, ""
    if choice == UPLOAD:
        dataset, names = upload.render_upload(files.engine)
        return dataset, names, ""
    if upload.is_kept(choice):
        dataset, names = upload.render_kept(choice, files.engine, quiet)
        return dataset, names, ""
    demo = DATASETS[choice]
    return dataset_from_paths(demo.events, demo.mentions, engine=files.engine), demo.label, demo.simulated


def render_header(label: str, simulated: str) -> None:
    st.subheader(escape_markdown(label))
    missing = st.session_state.pop("_upload_missing", None)
    if missing:
        st.warning(f"{escape_markdown(missing)} Showing “{escape_markdown(label)}” instead.", icon=":material/link_off:")
    if simulated:
        # One line, not a box: on a 1280×720 projector the escalation chart must stay above the fold.
        st.caption(f":orange[:material/science: **{escape_markdown(simulated)}**]")
