"""`boilingpoint watch`: pick up the monitor's files, load only what is new, score, raise one
alert per episode and deliver it.

One cycle (`run_cycle`):
1. The globs are expanded again (a new file in the folder is picked up).
2. Each file is looked at (size, modification time). One seen before with the same size and
   time is not opened. One modified less than `settle_seconds` ago is still being written:
   it is left for a later cycle ("settling"). Otherwise its bytes are read and hashed; the
   same bytes as before (only touched) are not parsed again. New bytes go through the
   loader, its load report logged (rows read, loaded, rejected), and the valid rows are
   cached as Parquet under BOILINGPOINT_HOME/monitor-cache, named by the content hash and
   the import options. The state of every file is in the store, so a restart resumes.
3. When any file was new, changed or gone — or the monitor was never scored — the data are
   put together from the cached tables (never by parsing the unchanged files again) and the
   selection is scored (model.analysis.analyse). The monitor's narratives (`narratives:`)
   are resolved then: a name among those kept for its mentions files, NAME=KW,KW as defined;
   mentions without text make the cycle fail, said in the log.
4. Each rule's episodes (monitor/episodes.py) are compared with the alerts already kept:
   an episode with a key the monitor has already alerted on, or starting within `cooldown`
   buckets of the end of one already kept, extends that alert; a new one that has held since
   the previous cycle gets an alert, with a delivery per channel in the outbox.
5. The outbox is worked (monitor/deliver.py).
"""

from __future__ import annotations

import datetime as dt
import glob
import hashlib
import json
import os
import signal
import stat
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode

import pandas as pd

from dashboard.monitor.episodes import Episode, find_episodes, is_open, rule_hits
from dashboard.monitor.spec import MonitorError, MonitorSpec, monitor_narratives
from dashboard.store.db import data_home
from dashboard.store.monitors import (
    FileState,
    Store,
    add_alert,
    file_states,
    forget_file,
    last_bucket,
    list_alerts,
    put_file_state,
    save_monitor,
    set_last_bucket,
    utc_now,
)

if TYPE_CHECKING:
    from dashboard.loading.options import ImportOptions

Log = Callable[[str], None]
CACHE_FOLDER = "monitor-cache"
ALERT_LOG = "monitor-alerts.log"
LINK_DAYS_BEFORE = 30  # the link opens the view this many days before the episode began
TEXT_COLUMNS = ("text", "url")  # kept in the cached mentions tables (narratives match on text)
CACHE_VERSION = "2"  # 2: the cached mentions keep their text and url


def narratives_said(narratives) -> str:
    """The narratives an alert is about, in words: `In the narrative 'hw' (huawei, 5g):`."""
    def one(n) -> str:
        words = ", ".join(n.keywords[:5]) + (", …" if len(n.keywords) > 5 else "")
        return f"'{n.name}' ({words})"

    label = "narrative" if len(narratives) == 1 else "narratives"
    return f"In the {label} {' or '.join(one(n) for n in narratives)}:"


def log_line(message: str, stream=None) -> None:
    """One line of the watcher's log: UTC time, then the message."""
    print(f"{utc_now():%Y-%m-%d %H:%M:%S}Z {message}", file=stream or sys.stderr, flush=True)


@dataclass
class CycleResult:
    monitor: str
    files_read: int = 0
    files_unchanged: int = 0
    files_settling: int = 0
    files_unusable: int = 0
    scored: bool = False
    buckets: int = 0
    new_alerts: list = field(default_factory=list)  # StoredAlert
    delivered: int = 0
    failed: int = 0
    held: int = 0
    error: str = ""  # why the cycle failed (a bad option, a narrative on mentions without text), or ""


def expand(patterns: tuple[str, ...]) -> list[Path]:
    """The regular files the patterns name now (a pattern without wildcards is a file), sorted."""
    found: set[Path] = set()
    for pattern in patterns:
        names = glob.glob(pattern) if glob.has_magic(pattern) else [pattern]
        for name in names:
            p = Path(name)
            try:
                if stat.S_ISREG(p.stat().st_mode):
                    found.add(p.resolve())
            except OSError:
                continue
    return sorted(found)


def options_key(spec: MonitorSpec) -> str:
    """What the cached tables of a file depend on besides its bytes: the import options
    (and the contents of the files they name)."""
    opts = dict(spec.import_options)
    parts = [CACHE_VERSION, json.dumps(spec.import_options, default=str)]
    for key in ("actors", "tone_model"):
        if key in opts:
            try:
                parts.append(hashlib.sha256(Path(str(opts[key])).read_bytes()).hexdigest())
            except OSError:
                parts.append("unreadable")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def engine_table(table, kind: str):
    """A loaded table in the engine's columns and types (query/schema.py), mentions' actor and
    source dictionary-encoded: the tables of every file then concatenate, whatever format
    each came from (a Parquet file's columns arrive encoded, a CSV's as plain text)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from dashboard.query.schema import EVENT_SCHEMA, MENTION_SCHEMA, conform

    if kind == "events":
        return conform(table, EVENT_SCHEMA)
    words = {name: _text_column(table, name) for name in TEXT_COLUMNS}
    table = conform(table, MENTION_SCHEMA, keep_dictionary=("actor", "source"))
    for name in ("actor", "source"):
        column = table.column(name)
        if not pa.types.is_dictionary(column.type):
            encoded = pc.dictionary_encode(column).cast(pa.dictionary(pa.int32(), pa.string()))
            table = table.set_column(table.schema.get_field_index(name), name, encoded)
    for name, column in words.items():  # the mentions' own words, for narratives (null without them)
        table = table.append_column(name, column)
    return table


def _text_column(table, name: str):
    import pyarrow as pa

    if name not in table.column_names:
        return pa.nulls(table.num_rows, pa.string())
    column = table.column(name)
    if pa.types.is_dictionary(column.type):
        column = column.cast(column.type.value_type)
    return column.cast(pa.string())


def without_text(table):
    """A cached mentions table without its words: the engine then keeps no side table of texts."""
    if table is None:
        return None
    return table.drop_columns([c for c in TEXT_COLUMNS if c in table.column_names])


class Watcher:
    """The watcher of one monitor: its store, its cache folder and its log."""

    def __init__(self, spec: MonitorSpec, store: Store, home: Path | None = None, log: Log = log_line,
                 clock: Callable[[], dt.datetime] = utc_now):
        self.spec = spec
        self.store = store
        self.home = Path(home) if home is not None else data_home()
        self.cache = self.home / CACHE_FOLDER
        self.cache.mkdir(parents=True, exist_ok=True)
        self.log = log
        self.clock = clock
        self._options: ImportOptions | None = None
        self._dictionary = None
        self._options_key = options_key(spec)
        self._narratives: tuple = ()  # the narratives of the last scoring, as definitions
        save_monitor(store, spec)

    # --- files ---------------------------------------------------------------------------

    def _cache_path(self, kind: str, digest: str) -> Path:
        return self.cache / f"{kind}-{digest}-{self._options_key}.parquet"

    def _load_kwargs(self, kind: str) -> dict:
        options = self._options
        if options is None:
            options = self._options = self.spec.options()
            self._dictionary = options.dictionary() if options.actors else None
        return options.load_kwargs(kind, self._dictionary) if options.given else {}

    def scan(self, result: CycleResult) -> tuple[dict[str, list[Path]], bool]:
        """Look at every file; read the new and changed ones. Returns the cached tables per kind
        and whether anything changed since the last cycle."""
        known = file_states(self.store, self.spec.name)
        tables: dict[str, list[Path]] = {"events": [], "mentions": []}
        changed = False
        seen: set[str] = set()
        for kind, patterns in (("events", self.spec.events), ("mentions", self.spec.mentions)):
            for path in expand(patterns):
                key = str(path)
                if key in seen:
                    continue
                seen.add(key)
                cached, touched = self._look(path, kind, known.get(key), result)
                changed = changed or touched
                if cached is not None:
                    tables[kind].append(cached)
        for key, state in known.items():
            if key not in seen:
                forget_file(self.store, self.spec.name, key)
                self.log(f"[{self.spec.name}] file {key}: gone; its rows are no longer in the data")
                changed = changed or state.state == "loaded"
        return tables, changed

    def _look(self, path: Path, kind: str, before: FileState | None, result: CycleResult) -> tuple[Path | None, bool]:
        """(the cached table of the file or None, whether the data changed)."""
        name = self.spec.name
        try:
            info = path.stat()
        except OSError as exc:
            self.log(f"[{name}] file {path}: cannot look at it: {exc.strerror}")
            return None, False
        same = before is not None and before.size == info.st_size and before.mtime_ns == info.st_mtime_ns and before.kind == kind
        if same and before is not None and before.state in ("loaded", "unusable"):
            result.files_unchanged += 1
            if before.state == "unusable":
                return None, False
            cached = self._cache_path(kind, str(before.digest))
            if cached.is_file():
                return cached, False
            # the cache was cleared: read the file again below
        age = self.clock().replace(tzinfo=dt.UTC).timestamp() - info.st_mtime_ns / 1e9
        if self.spec.settle_seconds > 0 and age < self.spec.settle_seconds:
            put_file_state(self.store, name, FileState(str(path), kind, info.st_size, info.st_mtime_ns,
                                                       before.digest if before else None, "settling"))
            result.files_settling += 1
            self.log(f"[{name}] file {path}: still being written (modified {max(age, 0):.0f} s ago); read on a later cycle")
            # the file's previous version (if any) stays in the data until the new one is read
            old = self._cache_path(kind, str(before.digest)) if before is not None and before.digest else None
            return (old if old is not None and old.is_file() else None), False
        return self._read(path, kind, info, before, result)

    def _read(self, path: Path, kind: str, info: os.stat_result, before: FileState | None,
              result: CycleResult) -> tuple[Path | None, bool]:
        from dashboard.loading import LoadError, load_bytes, read_regular_file
        from dashboard.loading.load_report import LoadLimits

        name = self.spec.name
        limits = LoadLimits.from_env()
        try:
            data = read_regular_file(path, limits.max_bytes)
        except LoadError as exc:
            put_file_state(self.store, name, FileState(str(path), kind, info.st_size, info.st_mtime_ns, None, "unusable",
                                                       message=exc.message))
            result.files_unusable += 1
            self.log(f"[{name}] file {path}: unusable: {exc.message}")
            return None, before is not None and before.state == "loaded"
        after = path.stat()
        if after.st_size != len(data) or after.st_mtime_ns != info.st_mtime_ns:
            put_file_state(self.store, name, FileState(str(path), kind, after.st_size, after.st_mtime_ns, None, "settling"))
            result.files_settling += 1
            self.log(f"[{name}] file {path}: changed while it was read; read on a later cycle")
            return None, False
        digest = hashlib.sha256(data).hexdigest()
        cached = self._cache_path(kind, digest)
        if before is not None and before.digest == digest and cached.is_file():
            put_file_state(self.store, name, FileState(str(path), kind, info.st_size, info.st_mtime_ns, digest, "loaded",
                                                       before.rows_read, before.loaded, before.rejected, before.message))
            result.files_unchanged += 1
            self.log(f"[{name}] file {path}: touched, same content; not parsed again")
            return cached, False
        loaded = load_bytes(data, kind, limits, **self._load_kwargs(kind))
        report = loaded.report
        if loaded.table is None or report.error is not None or not report.usable:
            message = report.summary()
            put_file_state(self.store, name, FileState(str(path), kind, info.st_size, info.st_mtime_ns, digest, "unusable",
                                                       report.rows_read, report.loaded, report.rejected, message))
            result.files_unusable += 1
            self.log(f"[{name}] file {path} ({kind}): unusable: {message}")
            return None, before is not None and before.state == "loaded"
        self._write_cache(loaded.table, kind, cached)
        put_file_state(self.store, name, FileState(str(path), kind, info.st_size, info.st_mtime_ns, digest, "loaded",
                                                   report.rows_read, report.loaded, report.rejected, report.summary()))
        result.files_read += 1
        self.log(f"[{name}] file {path} ({kind}): {report.summary()}")
        return cached, True

    def _write_cache(self, table, kind: str, target: Path) -> None:
        import pyarrow.parquet as pq

        table = engine_table(table, kind)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        pq.write_table(table, tmp)
        os.replace(tmp, target)  # a reader never sees half a file

    # --- scoring and alerts --------------------------------------------------------------

    def combined(self, tables: dict[str, list[Path]]):
        """An engine over every cached table (never a re-parse of the files)."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        from dashboard.query import open_engine

        parts = {}
        for kind, paths in tables.items():
            read = [pq.read_table(p) for p in paths]
            parts[kind] = pa.concat_tables(read) if read else None
        mentions = parts["mentions"] if self.spec.narratives else without_text(parts["mentions"])
        return open_engine("duckdb", events=parts["events"], mentions=mentions)

    def mentions_digests(self) -> list[str]:
        """The content digests of the monitor's mentions files (what their kept narratives are under)."""
        states = file_states(self.store, self.spec.name).values()
        return sorted({str(s.digest) for s in states if s.kind == "mentions" and s.digest and s.state != "unusable"})

    def cooldown(self) -> int:
        return self.spec.cooldown or self.spec.model_params().episode_end_buckets

    def link(self, start: pd.Timestamp, end: pd.Timestamp) -> str:
        """The dashboard's address of the view of an episode (dashboard/viewstate.py)."""
        from dashboard.viewstate import ViewState

        view = ViewState(actors=self.spec.actors, targets=self.spec.targets, event_types=self.spec.event_types,
                         start=(start - pd.Timedelta(days=LINK_DAYS_BEFORE)).date(), end=end.date(), bucket=self.spec.bucket,
                         params=self.spec.params, tab="Why", narratives=tuple(n.name for n in self._narratives))
        return f"{self.spec.link}/?{urlencode(view.to_query(), doseq=True)}"

    def channels(self) -> list[tuple[str, str]]:
        out = [("log", str(self.home / ALERT_LOG))]
        if self.spec.webhook is not None:
            out.append(("webhook", self.spec.webhook.url))
        if self.spec.email is not None:
            out.append(("email", ",".join(self.spec.email.to)))
        return out

    def alert_on(self, analysis, result: CycleResult) -> None:
        table = analysis.table
        previous = last_bucket(self.store, self.spec.name)
        cooldown = self.cooldown()
        kept = list_alerts(self.store, self.spec.name, limit=10_000)
        for rule in self.spec.rule_names:
            for ep in find_episodes(table["date"], rule_hits(table, rule), rule, cooldown):
                if previous is None and not is_open(ep, len(table), cooldown):
                    continue  # history from before the monitor ran: the backtest shows it
                if previous is not None and ep.end <= pd.Timestamp(previous):
                    continue  # nothing new in it since the last cycle
                self._raise(analysis, ep, kept, cooldown, result)
        if len(table):
            set_last_bucket(self.store, self.spec.name, pd.Timestamp(table["date"].iloc[-1]).to_pydatetime())

    def _raise(self, analysis, ep: Episode, kept: list, cooldown: int, result: CycleResult) -> None:
        from dashboard.store.monitors import extend_alert

        step = pd.Timedelta(analysis.selection.step)
        for old in kept:
            if old.rule == ep.rule and (old.episode_key == ep.key or (
                    pd.Timestamp(old.window_start) <= ep.start <= pd.Timestamp(old.window_end) + step * cooldown)):
                extend_alert(self.store, old.id, ep.end.to_pydatetime())
                return
        row = analysis.table.iloc[ep.first]
        explanation = analysis.explain(ep.first)
        reasons = analysis.alerts[analysis.alerts["date"] == row["date"]]["reason"].tolist() if len(analysis.alerts) else []
        if ep.rule in ("spike", "drift") and reasons:
            wanted = [r for r in reasons if r.lower().startswith(ep.rule)]
            explanation = " ".join(wanted or reasons) + " " + explanation
        if self._narratives:
            explanation = narratives_said(self._narratives) + " " + explanation
        alert = add_alert(self.store, self.spec.name, ep.key, ep.rule, str(row["stage"]), explanation,
                          ep.start.to_pydatetime(), ep.end.to_pydatetime(), self.link(ep.start, ep.end), self.channels(),
                          now=self.clock())
        if alert is None:
            return
        kept.append(alert)
        result.new_alerts.append(alert)
        self.log(f"[{self.spec.name}] ALERT {ep.key}: {row['stage']} from {ep.start:%Y-%m-%d %H:%M} "
                 f"to {ep.end:%Y-%m-%d %H:%M}; {explanation[:200]}")

    # --- one cycle -----------------------------------------------------------------------

    def run_cycle(self) -> CycleResult:
        from dashboard.model.analysis import analyse
        from dashboard.monitor.deliver import work_outbox

        result = CycleResult(self.spec.name)
        tables, changed = self.scan(result)
        never_scored = last_bucket(self.store, self.spec.name) is None
        if changed or never_scored:
            if not tables["events"] and not tables["mentions"]:
                self.log(f"[{self.spec.name}] no data yet: no file is loaded")
            else:
                engine = self.combined(tables)
                try:
                    self._narratives = monitor_narratives(self.spec, engine, self.mentions_digests())
                except MonitorError:
                    engine.close()
                    raise
                analysis = analyse(engine, self.spec.selection(narratives=self._narratives), self.spec.model_params())
                result.scored = True
                result.buckets = len(analysis.table)
                if not analysis.empty:
                    self.alert_on(analysis, result)
        counts = work_outbox(self.store, self.spec, self.clock(), self.log)
        result.delivered, result.failed, result.held = counts
        self.log(f"[{self.spec.name}] cycle: {result.files_read} read, {result.files_unchanged} unchanged, "
                 f"{result.files_settling} settling, {result.files_unusable} unusable; "
                 + (f"scored {result.buckets} buckets; " if result.scored else "nothing new to score; ")
                 + f"{len(result.new_alerts)} new alerts; {result.delivered} delivered, {result.failed} failed, {result.held} held")
        return result


def watch(specs: list[MonitorSpec], store: Store, home: Path | None = None, *, once: bool = False, interval: float = 300.0,
          log: Log = log_line, stop: threading.Event | None = None) -> list[CycleResult]:
    """Run the monitors' cycles: once, or every `interval` seconds until SIGTERM/SIGINT (or `stop`)."""
    watchers = [Watcher(s, store, home, log) for s in specs]
    stop = stop or threading.Event()
    results: list[CycleResult] = []
    previous = {}
    if not once and threading.current_thread() is threading.main_thread():
        def stopping(number, frame) -> None:
            log(f"signal {number}: stopping after this cycle")
            stop.set()

        for sig in (signal.SIGTERM, signal.SIGINT):
            previous[sig] = signal.signal(sig, stopping)
    try:
        while True:
            for w in watchers:
                if stop.is_set():
                    break
                try:
                    results.append(w.run_cycle())
                except (ValueError, OSError) as exc:  # a bad option or an unreadable folder: said, and the next cycle tries again
                    log(f"[{w.spec.name}] cycle failed: {exc}")
                    results.append(CycleResult(w.spec.name, error=str(exc)))
            if once or stop.wait(interval):
                break
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    log("watch: stopped")
    return results
