"""The view a URL describes: which dataset, actors, dates and bucket — and back again.

Pure: the UI reads the query string into a ViewState on a session's first run and writes
the current ViewState back after every run, so a copied link reopens the same view.
Unknown or malformed values are dropped and named, never guessed.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from dashboard.contract import BUCKETS

PARAM_PREFIX = "p."  # model parameters travel as p.crisis=70, p.weight_tone=0.3, ...
MODES = ("explore", "present")
TABS = ("Timeline", "Actors", "Events", "Why", "Compare", "Tone", "Export")
THEMES = ("light", "dark")  # "dark": the projector theme (theme=dark in a link)


@dataclass(frozen=True)
class ViewState:
    dataset: str | None = None
    actors: tuple[str, ...] = ()
    start: dt.date | None = None
    end: dt.date | None = None
    bucket: str = "day"
    targets: tuple[str, ...] = ()
    event_types: tuple[str, ...] = ()
    params: tuple[tuple[str, float], ...] = ()  # (name, value) for every non-default parameter
    mode: str = "explore"
    step: int = 0
    tab: str = "Timeline"
    maps: tuple[str, ...] = ()  # column mappings of uploaded files, as --map specs
    theme: str = "light"
    # The Compare tab's choice: ("actors", A, B) or ("datasets", X, Y); () for its defaults.
    compare: tuple[str, ...] = ()
    problems: tuple[str, ...] = field(default=(), compare=False)
    narratives: tuple[str, ...] = ()  # the narratives filtered to, by name (nar=NAME)

    def to_query(self) -> dict[str, list[str]]:
        q: dict[str, list[str]] = {}
        if self.dataset:
            q["ds"] = [self.dataset]
        if self.actors:
            q["actor"] = list(self.actors)
        if self.narratives:
            q["nar"] = list(self.narratives)
        if self.targets:
            q["target"] = list(self.targets)
        if self.event_types:
            q["type"] = list(self.event_types)
        if self.start:
            q["from"] = [self.start.isoformat()]
        if self.end:
            q["to"] = [self.end.isoformat()]
        if self.bucket != "day":
            q["bucket"] = [self.bucket]
        for name, value in self.params:
            q[PARAM_PREFIX + name] = [f"{value:g}"]
        if self.maps:
            q["map"] = list(self.maps)
        if self.tab != "Timeline" and self.mode == "explore":
            q["tab"] = [self.tab]
        if self.mode != "explore":
            q["mode"] = [self.mode]
            if self.step:
                q["step"] = [str(self.step)]
        if self.theme != "light":
            q["theme"] = [self.theme]
        if self.compare and self.tab == "Compare" and self.mode == "explore":
            q["cmp"] = list(self.compare)
        return q


COMPARE_KINDS = ("actors", "datasets", "narratives")
# Every key a view's link may hold (besides p.NAME model parameters); Streamlit's own
# `embed` options are left to Streamlit. Any other key is named, not silently ignored.
QUERY_KEYS = ("ds", "actor", "nar", "target", "type", "from", "to", "bucket", "map", "tab", "mode", "step", "theme", "cmp")


def _date(value: str, name: str, problems: list[str]) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        problems.append(f"'{name}' is not a date (YYYY-MM-DD): {value[:40]!r}")
        return None


def from_query(
    query: Mapping[str, Sequence[str]],
    datasets: Sequence[str],
    param_names: Mapping[str, float] | None = None,
) -> ViewState:
    """Read a view from query parameters (each key mapped to all its values).

    `param_names` maps each tunable model parameter to its default; p.NAME=VALUE pairs for
    other names, or values that are not finite numbers, are dropped and named.
    """
    problems: list[str] = []
    unknown = [k for k in query if k not in QUERY_KEYS and not k.startswith(PARAM_PREFIX) and not k.startswith("embed")]
    if unknown:
        names = ", ".join(repr(k[:30]) for k in unknown[:5]) + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
        problems.append(f"unknown link key{'s' if len(unknown) > 1 else ''} {names} ignored (the keys: {', '.join(QUERY_KEYS)}, p.NAME)")

    def first(key: str) -> str | None:
        values = query.get(key) or []
        return values[-1] if values else None

    ds = first("ds")
    if ds is not None and ds not in datasets:
        problems.append(f"unknown dataset {ds[:40]!r}")
        ds = None
    actors = tuple(dict.fromkeys(a for a in (query.get("actor") or []) if a.strip()))
    given_from, given_to = first("from"), first("to")
    start = _date(given_from, "from", problems) if given_from else None
    end = _date(given_to, "to", problems) if given_to else None
    if start and end and start > end:
        problems.append(f"'from' {start} is after 'to' {end}; both ignored")
        start = end = None
    bucket = first("bucket") or "day"
    if bucket not in BUCKETS:
        problems.append(f"unknown bucket {bucket[:20]!r}")
        bucket = "day"
    targets = tuple(dict.fromkeys(t for t in (query.get("target") or []) if t.strip()))
    types = tuple(dict.fromkeys(t for t in (query.get("type") or []) if t.strip()))
    params: list[tuple[str, float]] = []
    for key, values in query.items():
        if not key.startswith(PARAM_PREFIX) or not values:
            continue
        name = key[len(PARAM_PREFIX):]
        if param_names is None or name not in param_names:
            problems.append(f"unknown model parameter {name[:40]!r}")
            continue
        try:
            value = float(values[-1])
        except ValueError:
            value = float("nan")
        if not math.isfinite(value):
            problems.append(f"parameter {name!r} is not a number: {values[-1][:20]!r}")
            continue
        if value != param_names[name]:
            params.append((name, value))
    mode = first("mode") or "explore"
    if mode not in MODES:
        problems.append(f"unknown mode {mode[:20]!r}")
        mode = "explore"
    step_text = first("step") or "0"
    step = int(step_text) if step_text.isdigit() and len(step_text) < 4 else 0
    tab = first("tab") or "Timeline"
    if tab not in TABS:
        problems.append(f"unknown tab {tab[:20]!r}")
        tab = "Timeline"
    maps = tuple(m for m in (query.get("map") or []) if m.strip())
    theme = first("theme") or "light"
    if theme not in THEMES:
        problems.append(f"unknown theme {theme[:20]!r}")
        theme = "light"
    compare = tuple(v for v in (query.get("cmp") or []) if v.strip())
    if compare and (compare[0] not in COMPARE_KINDS or len(compare) != 3):
        problems.append("a comparison is 'cmp=actors', 'cmp=datasets' or 'cmp=narratives' and the two to compare")
        compare = ()
    narratives = tuple(dict.fromkeys(n for n in (query.get("nar") or []) if n.strip()))
    return ViewState(ds, actors, start, end, bucket, targets, types, tuple(sorted(params)), mode, step, tab, maps,
                     theme, compare, tuple(problems), narratives)


def clamp_dates(
    start: dt.date | None, end: dt.date | None, lo: dt.date, hi: dt.date
) -> tuple[dt.date, dt.date]:
    """A requested range cut to the data's bounds; the whole range when nothing fits."""
    s = max(start or lo, lo)
    e = min(end or hi, hi)
    if s > e:
        return lo, hi
    return s, e
