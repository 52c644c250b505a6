"""How often, and how early, a monitor's rules would have fired on a dataset: a replay.

The dataset is replayed bucket by bucket as if it arrived live: at bucket t the model scores
the buckets up to t and nothing after (the per-bucket aggregates of later data are never
passed to it), and a rule fires at t when it holds at t — for a change point, when PELT on
the buckets up to t finds a change point it had not found before. The buckets where a rule
fired make episodes with the watcher's own dedup (monitor/episodes.py): each episode is one
alert, raised at its first bucket.

The alerts are compared with reference episodes — the user's labelled episodes (a CSV of
start,end[,label]) or, without them, the stage onsets of the full-history model (episodes of
`min_stage`, boiling when the monitor has none). An alert raised from `max_lead` buckets
before a reference episode begins to the episode's end catches it. Precision is the share
of alerts that catch an episode; recall the share of episodes caught; the lead time of a
caught episode is its start minus its first catching alert (positive: the alert came first).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from dashboard.monitor.episodes import Episode, find_episodes, rule_hits
from dashboard.monitor.spec import MonitorSpec, monitor_narratives

MAX_LABEL_ROWS = 10_000


@dataclass(frozen=True)
class Reference:
    start: pd.Timestamp
    end: pd.Timestamp
    label: str = ""


@dataclass
class BacktestResult:
    monitor: str
    bucket: str
    dates: pd.Series  # every bucket replayed
    fired: dict[str, np.ndarray]  # rule -> fired at each bucket (live)
    alerts: list[Episode]  # every rule's episodes, in time order
    references: list[Reference]
    reference_kind: str  # "labelled episodes (FILE)" or "stage onsets of the full-history model"
    max_lead: int
    matched: dict[int, int] = field(default_factory=dict)  # alert position -> reference position
    narratives: tuple = ()  # the selection's narratives (NarrativeFilter), when the monitor has some

    @property
    def step(self) -> pd.Timedelta:
        from dashboard.contract import BUCKET_STEPS

        return pd.Timedelta(BUCKET_STEPS[self.bucket])

    def catches(self, alert: Episode, ref: Reference) -> bool:
        return ref.start - self.step * self.max_lead <= alert.start <= ref.end

    def match(self) -> None:
        self.matched = {}
        for i, alert in enumerate(self.alerts):
            for j, ref in enumerate(self.references):
                if self.catches(alert, ref):
                    self.matched[i] = j
                    break

    @property
    def precision(self) -> float | None:
        return len(self.matched) / len(self.alerts) if self.alerts else None

    @property
    def recall(self) -> float | None:
        return len(set(self.matched.values())) / len(self.references) if self.references else None

    def lead_times(self) -> list[tuple[Reference, pd.Timedelta]]:
        """Each caught reference episode with its lead time (start − first catching alert)."""
        first: dict[int, pd.Timestamp] = {}
        for i, j in self.matched.items():
            when = self.alerts[i].start
            first[j] = min(first.get(j, when), when)
        return [(self.references[j], self.references[j].start - when) for j, when in sorted(first.items())]

    def per_month(self) -> dict[str, int]:
        if not len(self.dates):
            return {}
        months = pd.period_range(pd.Timestamp(self.dates.iloc[0]), pd.Timestamp(self.dates.iloc[-1]), freq="M")
        counts = Counter(a.start.strftime("%Y-%m") for a in self.alerts)
        return {str(m): counts.get(str(m), 0) for m in months}


def replay(series: pd.DataFrame, events: pd.DataFrame, rules: tuple[str, ...], params, bucket: str) -> dict[str, np.ndarray]:
    """For each rule, whether it fired at each bucket when only the buckets up to it were known.

    `series`: the engine's per-bucket aggregates (with `total`); `events`: the selection's
    events (for change points, cut at each bucket's end)."""
    from dashboard.contract import BUCKET_STEPS
    from dashboard.model.escalation import score
    from dashboard.model.signals import annotate, find_alerts, find_change_points

    series = series.sort_values("date").reset_index(drop=True)
    n = len(series)
    fired = {rule: np.zeros(n, dtype=bool) for rule in rules}
    step = pd.Timedelta(BUCKET_STEPS[bucket])
    seen_cps: set[pd.Timestamp] = set()
    need_alerts = any(r in ("spike", "drift") for r in rules)
    empty = pd.DataFrame()
    for t in range(n):
        table = score(series.iloc[: t + 1], params, bucket=bucket)
        if need_alerts:
            table = annotate(table, empty, find_alerts(table, params, bucket))
        for rule in rules:
            if rule == "change_point":
                known = events[events["date"] < series["date"].iloc[t] + step] if len(events) else events
                cps = find_change_points(table, known, params)
                found = set(pd.to_datetime(cps["date"])) if len(cps) else set()
                fired[rule][t] = bool(found - seen_cps)
                seen_cps |= found
            else:
                fired[rule][t] = bool(rule_hits(table, rule)[-1])
    return fired


def read_episodes(path: Path | str) -> list[Reference]:
    """Labelled episodes from a CSV with columns start, end (and optionally label); ValueError names the row."""
    p = Path(path)
    try:
        text = p.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise ValueError(f"--episodes {p}: cannot read it: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ValueError(f"--episodes {p}: not UTF-8 text") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    fields = {(f or "").strip().lower(): f for f in (reader.fieldnames or [])}
    if "start" not in fields or "end" not in fields:
        raise ValueError(f"--episodes {p}: needs the columns start,end[,label]")
    out = []
    for number, row in enumerate(reader, start=2):
        if number > MAX_LABEL_ROWS:
            raise ValueError(f"--episodes {p}: more than {MAX_LABEL_ROWS:,} episodes")
        try:
            start, end = pd.Timestamp(row[fields["start"]].strip()), pd.Timestamp(row[fields["end"]].strip())
        except (ValueError, AttributeError, TypeError):
            raise ValueError(f"--episodes {p}, row {number}: start and end must be dates (YYYY-MM-DD)") from None
        if pd.isna(start) or pd.isna(end) or end < start:
            raise ValueError(f"--episodes {p}, row {number}: the end is before the start, or a date is missing")
        label = (row.get(fields["label"]) or "").strip() if "label" in fields else ""
        out.append(Reference(start.tz_localize(None) if start.tzinfo else start, end.tz_localize(None) if end.tzinfo else end, label))
    return sorted(out, key=lambda r: r.start)


def load_engine(spec: MonitorSpec, log: Callable[[str], None]):
    """Every file of the monitor, loaded with its import options (load reports logged), in one engine."""
    import pyarrow as pa

    from dashboard.loading import load_path
    from dashboard.loading.load_report import LoadLimits
    from dashboard.monitor.watch import engine_table, expand, without_text
    from dashboard.query import open_engine

    options = spec.options()
    dictionary = options.dictionary() if options.actors else None
    limits = LoadLimits.from_env()
    parts = {}
    for kind, patterns in (("events", spec.events), ("mentions", spec.mentions)):
        tables = []
        for path in expand(patterns):
            result = load_path(path, kind, limits, **(options.load_kwargs(kind, dictionary) if options.given else {}))
            log(f"{path} ({kind}): {result.report.summary()}")
            if result.table is not None and result.report.error is None:
                tables.append(engine_table(result.table, kind))
        parts[kind] = pa.concat_tables(tables) if tables else None
    if parts["events"] is None and parts["mentions"] is None:
        raise ValueError(f"monitor {spec.name}: no file of its events / mentions could be loaded")
    mentions = parts["mentions"] if spec.narratives else without_text(parts["mentions"])
    return open_engine("duckdb", events=parts["events"], mentions=mentions)


def mentions_digests(spec: MonitorSpec) -> tuple[str, ...]:
    """The content digests of the monitor's mentions files (where its named narratives are kept)."""
    from dashboard.loading.on_disk import file_digest
    from dashboard.monitor.watch import expand

    out = []
    for path in expand(spec.mentions):
        try:
            out.append(file_digest(path))
        except OSError:
            continue
    return tuple(out)


def backtest_engine(engine, spec: MonitorSpec, references: list[Reference] | None = None, reference_kind: str = "",
                    max_lead: int = 14, dataset_keys: tuple[str, ...] = ()) -> BacktestResult:
    """The backtest of a monitor on the data of an engine; its named narratives are looked up
    among those kept for `dataset_keys` (its mentions files' digests: mentions_digests)."""
    from dashboard.model.analysis import EVENT_LIMIT, analyse, with_total

    if not 0 <= max_lead <= 1000:
        raise ValueError("--max-lead must be between 0 and 1000 buckets")
    params = spec.model_params()
    sel = spec.selection(narratives=monitor_narratives(spec, engine, dataset_keys))
    series = with_total(engine, sel, engine.series(sel)).sort_values("date").reset_index(drop=True)
    events = engine.events_in(sel, limit=EVENT_LIMIT)
    rules = spec.rule_names
    fired = replay(series, events, rules, params, spec.bucket)
    cooldown = spec.cooldown or params.episode_end_buckets
    alerts = sorted((ep for rule in rules for ep in find_episodes(series["date"], fired[rule], rule, cooldown)),
                    key=lambda e: (e.start, e.rule))
    if references is None:
        stage = spec.min_stage or "boiling"
        table = analyse(engine, sel, params).table
        full = find_episodes(table["date"], rule_hits(table, f"stage:{stage}"), f"stage:{stage}", cooldown) if len(table) else []
        references = [Reference(e.start, e.end, f"{stage} onset of {e.start:%d %b %Y}") for e in full]
        reference_kind = f"stage onsets ({stage}) of the full-history model"
    result = BacktestResult(spec.name, spec.bucket, series["date"], fired, alerts, references, reference_kind, max_lead,
                            narratives=sel.narratives)
    result.match()
    return result


def run_backtest(spec: MonitorSpec, episodes_csv: Path | None = None, max_lead: int = 14,
                 log: Callable[[str], None] = lambda message: None) -> BacktestResult:
    references = read_episodes(episodes_csv) if episodes_csv is not None else None
    engine = load_engine(spec, log)
    kind = f"labelled episodes ({Path(episodes_csv).name})" if episodes_csv is not None else ""
    keys = mentions_digests(spec) if any("=" not in n for n in spec.narratives) else ()
    return backtest_engine(engine, spec, references, kind, max_lead, keys)


def _days(delta: pd.Timedelta) -> float:
    return round(delta / pd.Timedelta(days=1), 2)


def backtest_report(result: BacktestResult) -> dict:
    """The backtest as plain data (what --format json prints)."""
    leads = result.lead_times()
    lead_days = [_days(d) for _, d in leads]
    return {
        "monitor": result.monitor, "bucket": result.bucket, "buckets": len(result.dates),
        "from": str(pd.Timestamp(result.dates.iloc[0]).date()) if len(result.dates) else None,
        "to": str(pd.Timestamp(result.dates.iloc[-1]).date()) if len(result.dates) else None,
        "reference": result.reference_kind, "max_lead_buckets": result.max_lead,
        "narratives": [{"name": n.name, "keywords": list(n.keywords)} for n in result.narratives],
        "alerts": [{"rule": a.rule, "episode": a.key, "raised": str(a.start), "last": str(a.end),
                    "catches": (result.references[result.matched[i]].label or str(result.references[result.matched[i]].start.date()))
                    if i in result.matched else None} for i, a in enumerate(result.alerts)],
        "alerts_by_rule": dict(Counter(a.rule for a in result.alerts)),
        "alerts_per_month": result.per_month(),
        "episodes": len(result.references), "episodes_caught": len(leads),
        "precision": result.precision, "recall": result.recall,
        "lead_days": [{"episode": r.label or str(r.start.date()), "start": str(r.start.date()), "lead_days": _days(d)} for r, d in leads],
        "median_lead_days": float(np.median(lead_days)) if lead_days else None,
    }


def format_backtest(result: BacktestResult) -> str:
    rep = backtest_report(result)

    def pct(x):
        return "n/a" if x is None else f"{x:.0%}"

    lines = [
        f"Backtest of {rep['monitor']}: {rep['buckets']} {rep['bucket']} buckets from {rep['from']} to {rep['to']}, "
        "replayed as if live (each bucket scored from the buckets up to it)"
        + (f"; within the {'narrative' if len(result.narratives) == 1 else 'narratives'} "
           + " or ".join(repr(n.name) for n in result.narratives) if result.narratives else ""),
        f"rules: {', '.join(result.fired) or 'none'}; against {rep['reference']} ({rep['episodes']} episodes); "
        f"an alert up to {rep['max_lead_buckets']} buckets early counts",
        f"alerts: {len(result.alerts)} ({', '.join(f'{k} {v}' for k, v in rep['alerts_by_rule'].items()) or 'none'})",
        f"precision {pct(rep['precision'])} ({len(result.matched)} of {len(result.alerts)} alerts caught an episode); "
        f"recall {pct(rep['recall'])} ({rep['episodes_caught']} of {rep['episodes']} episodes caught)",
    ]
    if rep["median_lead_days"] is not None:
        lines.append(f"lead time: median {rep['median_lead_days']:g} days (positive: the alert came before the episode began)")
    for item in rep["lead_days"]:
        lines.append(f"  {item['episode']} (from {item['start']}): {item['lead_days']:+g} days")
    lines.append("alerts per month: " + ", ".join(f"{m} {n}" for m, n in rep["alerts_per_month"].items()))
    for a in rep["alerts"]:
        lines.append(f"  {a['raised'][:16]} {a['rule']}: " + (f"catches {a['catches']}" if a["catches"] else "no episode"))
    return "\n".join(lines)
