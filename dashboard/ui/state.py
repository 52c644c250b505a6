"""The view lives in the URL: read it on a session's first run, write it after every run."""

from __future__ import annotations

import dataclasses
from urllib.parse import urlencode

import streamlit as st

from dashboard.dataset import Dataset
from dashboard.model.escalation import DEFAULT_PARAMS, INTEGER_PARAMS, ModelParams
from dashboard.viewstate import ViewState, clamp_dates, from_query

TUNABLE = (
    "weight_attention", "weight_tone", "weight_severity", "weight_breadth",
    "simmering", "boiling", "crisis", "attention_gate", "gate_z", "reference_buckets", "freeze_buckets",
    "pelt_penalty",
)
# The attention mode is ModelParams' one word ("raw" or "share"); links carry it as a number,
# p.attention_share=1, like every other parameter.
ATTENTION_SHARE = "attention_share"
PARAM_DEFAULTS = {name: getattr(DEFAULT_PARAMS, name) for name in TUNABLE} | {ATTENTION_SHARE: 0.0}
# A link's comparison kind (ViewState.compare): the Compare tab's mode and its two menus' keys.
COMPARE_MODES = {"actors": ("two actors", ("cmp_a", "cmp_b")), "datasets": ("two datasets", ("cmp_ds_a", "cmp_ds_b")),
                 "narratives": ("two narratives", ("cmp_nar_a", "cmp_nar_b"))}


def current_query() -> dict[str, list[str]]:
    return {k: st.query_params.get_all(k) for k in st.query_params}


def read_url_once(datasets: list[str]) -> ViewState:
    """On a session's first run, the link it was opened with sets the view."""
    if "_url_view" not in st.session_state:
        view = from_query(current_query(), datasets, PARAM_DEFAULTS)
        st.session_state["_url_view"] = view
        st.session_state["_url_pending"] = True
        st.session_state["mode"] = view.mode
        st.session_state["step"] = view.step
        st.session_state["tab"] = view.tab
        st.session_state["_theme"] = view.theme
        if view.compare:
            kind, a, b = view.compare
            st.session_state["cmp_mode"] = COMPARE_MODES[kind][0]
            st.session_state["_cmp_linked"] = (kind, a, b)  # checked against the menus when Compare draws
        st.session_state["_url_maps"] = _maps_by_kind(view.maps)
        st.session_state["_url_narratives"] = view.narratives  # resolved by ui/narratives.py
        if view.dataset:
            st.session_state["ds"] = view.dataset
        for name, value in view.params:
            st.session_state[f"p_{name}"] = value
    return st.session_state["_url_view"]


def _maps_by_kind(specs: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """{kind: {contract column: file column}} from --map specs; unreadable ones are skipped."""
    from dashboard.loading.options import build_options

    out: dict[str, dict[str, str]] = {}
    for spec in specs:
        try:
            out.update(build_options([spec]).mappings)
        except ValueError:
            continue
    return out


def apply_url_filters(dataset: Dataset, actors: list[str], targets: list[str], types: list[str]) -> None:
    """Put the opening link's filters into the widgets, once, naming whatever was dropped."""
    if not st.session_state.pop("_url_pending", False):
        return
    view: ViewState = st.session_state["_url_view"]
    problems = list(view.problems)
    for label, wanted, known, key in (
        ("actor", view.actors, actors, "actor"),
        ("target", view.targets, targets, "target"),
        ("event type", view.event_types, types, "type"),
    ):
        unknown = [a for a in wanted if a not in set(known)]
        if unknown:
            problems.append(f"no {label} called " + ", ".join(repr(a[:40]) for a in unknown[:5]) + " in this dataset")
        st.session_state[key] = [a for a in wanted if a in set(known)]
    bounds = dataset.engine.date_bounds()
    if bounds is not None and (view.start or view.end):
        st.session_state["dates"] = clamp_dates(view.start, view.end, *bounds)
    st.session_state["bucket"] = view.bucket
    if problems:
        st.session_state["_url_problems"] = problems


def compare_choice() -> tuple[str, ...]:
    """The Compare tab's current choice, as a link carries it (see ViewState.compare)."""
    if st.session_state.get("tab") != "Compare" or "cmp_mode" not in st.session_state:
        return ()
    if "_cmp_linked" in st.session_state:  # the link's, not yet in the menus (they draw after the URL)
        return tuple(st.session_state["_cmp_linked"])
    kind = next((k for k, (mode, _) in COMPARE_MODES.items() if mode == st.session_state["cmp_mode"]), "actors")
    pair = [st.session_state.get(k) for k in COMPARE_MODES[kind][1]]
    return (kind, *[str(x) for x in pair]) if all(isinstance(x, str) for x in pair) else ()


def model_params() -> tuple[ModelParams, str | None]:
    """The model parameters chosen in the Advanced section (defaults where untouched)."""
    changes: dict[str, object] = {}
    for name in TUNABLE:
        value = st.session_state.get(f"p_{name}")
        if value is None:
            continue
        # Whole-number parameters arrive from a link as 28.0; 28.5 is left for validated() to refuse.
        changes[name] = int(value) if name in INTEGER_PARAMS and float(value).is_integer() else value
    if st.session_state.get(f"p_{ATTENTION_SHARE}"):
        changes["attention"] = "share"
    try:
        return dataclasses.replace(DEFAULT_PARAMS, **changes).validated(), None  # type: ignore[arg-type]
    except (ValueError, TypeError) as exc:
        return DEFAULT_PARAMS, str(exc)


def changed_params(params: ModelParams) -> tuple[tuple[str, float], ...]:
    changed = [(n, float(getattr(params, n))) for n in TUNABLE if getattr(params, n) != PARAM_DEFAULTS[n]]
    if params.attention == "share":
        changed.append((ATTENTION_SHARE, 1.0))
    return tuple(sorted(changed))


def canonical(view: ViewState, dataset: Dataset | None, default: tuple | None = None) -> ViewState:
    """The view as a link says it: dates left out when they are the window the page opens on
    (`default`, the story's episode; the whole range when there is none). A link without
    dates opens that window, so the whole range, when narrower than it, is written out."""
    bounds = dataset.engine.date_bounds() if dataset is not None else None
    opening = tuple(default) if default is not None else bounds
    if opening is not None and (view.start, view.end) == opening:
        return dataclasses.replace(view, start=None, end=None)
    return view


def sync_url(view: ViewState, dataset: Dataset | None, default: tuple | None = None) -> None:
    """Mirror the current view into the address bar (dates only when not the opening window)."""
    wanted = canonical(view, dataset, default).to_query()
    if wanted != current_query():
        st.query_params.from_dict(wanted)


def share_link(view: ViewState, mode: str | None = None) -> str:
    """The full link to this view, for the "Copy link" box."""
    base = str(st.context.url or "").split("?")[0]
    query = view.to_query()
    if mode == "present":
        query["mode"] = ["present"]
    return base + ("?" + urlencode(query, doseq=True, safe=":") if query else "")
