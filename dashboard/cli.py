"""The `boilingpoint` command line: run the dashboard, validate and convert files, fit a tone model.

Importing this module must stay cheap: Streamlit is only started (in a child process) by
`boilingpoint run`, and the loaders are imported inside the commands that use them.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from dashboard.launch import add_import_arguments
from dashboard.query import DEFAULT_ENGINE, ENGINES, SPARK_MASTER_ENV

EXIT_OK = 0
EXIT_UNUSABLE = 2
EXIT_ALERT = 3
STAGE_NAMES = ("slow boil", "simmering", "boiling", "crisis")  # as dashboard.contract.STAGES
APP = Path(__file__).resolve().parent / "ui" / "app.py"


def _add_kind(p: argparse.ArgumentParser) -> None:
    p.add_argument("--kind", choices=("events", "mentions"), required=True, help="which table the file holds")
    p.add_argument("--encoding", default="auto", help="text encoding (default: auto — UTF-8, UTF-16 with BOM, else cp1252, said in the report)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="boilingpoint",
        description="Boiling Point: see how a narrative escalates from a slow boil to a crisis.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="start the dashboard (the TikTok demo when no file is given)")
    run.add_argument("--events", type=Path, help="events file (CSV, TSV, JSON, JSON Lines or Parquet)")
    run.add_argument("--mentions", type=Path, help="mentions file (same formats)")
    run.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8501)))
    run.add_argument("--address", default=os.environ.get("ADDRESS", "127.0.0.1"),
                     help="interface to listen on (default 127.0.0.1: this machine only)")
    _add_engine(run)
    add_import_arguments(run)

    validate = sub.add_parser("validate", help="print the load report of a file; exit 2 when it is unusable")
    validate.add_argument("file", type=Path)
    _add_kind(validate)
    add_import_arguments(validate)

    convert = sub.add_parser("convert", help="write a file's valid rows in the canonical format (CSV or Parquet)")
    convert.add_argument("file", type=Path)
    _add_kind(convert)
    convert.add_argument("--out", type=Path, required=True, help="output file: .csv or .parquet")
    add_import_arguments(convert)

    score = sub.add_parser("score", help="the escalation table, one row per bucket (CSV or JSON)")
    _add_selection(score)
    score.add_argument("--format", choices=("csv", "json"), default="csv")
    score.add_argument("--out", type=Path, help="output file (default: standard output)")

    alert = sub.add_parser(
        "alert", help="explain the latest bucket; exit 3 when its stage is at or above --min-stage"
    )
    _add_selection(alert)
    alert.add_argument("--min-stage", choices=STAGE_NAMES, default="boiling", type=_stage_name)

    report = sub.add_parser("report", help="the selection's story: an HTML report, PowerPoint slides or a PDF of them")
    _add_selection(report)
    report.add_argument("--format", dest="report_format", choices=("html", "pptx", "pdf"), default="html",
                        help="html (default): one self-contained page; pptx: a slide per key moment; pdf: the same slides")
    report.add_argument("--out", type=Path, required=True, help="output file (.html, .pptx or .pdf)")
    report.add_argument("--title", help="report title (default: the dataset's name)")

    tone = sub.add_parser("tone", help="a tone model learned from your own labels (instead of VADER)")
    tone_sub = tone.add_subparsers(dest="tone_command", required=True)
    fit = tone_sub.add_parser("fit", help="fit a tone model on labelled texts; print its cross-validated macro-F1 and VADER's")
    fit.add_argument("labels", type=Path, metavar="LABELS", help="labelled texts: CSV, TSV, JSON, JSON Lines or Parquet")
    fit.add_argument("--text", required=True, metavar="COL", help="the column holding the text")
    fit.add_argument("--label", required=True, metavar="COL", help="the column holding the label: negative/neutral/positive or -1/0/1")
    fit.add_argument("--out", type=Path, required=True, metavar="MODEL", help="the model file to write (plain JSON)")
    fit.add_argument("--seed", type=int, default=0, help="the seed of the cross-validation folds (default 0)")

    said = sub.add_parser("said", help="what was said on a day or in a range: representative mentions, emerging terms, narratives")
    _add_selection(said)
    said.add_argument("--on", type=_date, help="the day, YYYY-MM-DD (UTC); or give the range with --from and --to")
    said.add_argument("--top", type=int, default=5, help="how many mentions, and twice as many terms (default 5)")
    said.add_argument("--format", choices=("text", "json"), default="text")
    _add_monitor_commands(sub)
    return parser


def _add_monitor_commands(sub) -> None:
    """`watch` and `backtest` (dashboard/monitor, docs/monitors.md)."""
    watch = sub.add_parser("watch", help="watch monitors' files; alert once per episode by webhook, e-mail and the log")
    watch.add_argument("monitors", type=Path, nargs="+", metavar="MONITOR", help="monitor files (YAML, docs/monitors.md)")
    watch.add_argument("--once", action="store_true",
                       help="one cycle, then exit (for cron); exit 3 when it raised an alert, 2 when a monitor could not run")
    watch.add_argument("--interval", type=float, default=300.0, metavar="SECONDS", help="seconds between cycles (default 300)")
    backtest = sub.add_parser("backtest", help="replay a dataset bucket by bucket as if live and score the monitor's rules")
    backtest.add_argument("monitor", type=Path, metavar="MONITOR")
    backtest.add_argument("--episodes", type=Path, metavar="CSV", help="labelled episodes: start,end[,label] (default: the stage "
                          "onsets of the full-history model)")
    backtest.add_argument("--max-lead", type=int, default=14, metavar="BUCKETS",
                          help="an alert up to this many buckets before an episode counts as catching it (default 14)")
    backtest.add_argument("--format", choices=("text", "json"), default="text")


def _stage_name(text: str) -> str:
    return text.replace("-", " ").replace("_", " ").strip().lower()


def _add_selection(p: argparse.ArgumentParser) -> None:
    p.add_argument("--events", type=Path, help="events file (default: the TikTok demo when no file is given)")
    p.add_argument("--mentions", type=Path, help="mentions file")
    p.add_argument("--actor", action="append", default=[], help="keep this actor (repeat for several)")
    p.add_argument("--target", action="append", default=[], help="keep events aimed at this target (repeat)")
    p.add_argument("--event-type", action="append", default=[], dest="event_types")
    p.add_argument("--narrative", action="append", default=[], dest="narratives", metavar="NAME",
                   help="keep mentions whose text is in this narrative: a name kept in the dashboard for the mentions "
                        "file, or 'NAME=KEYWORD,KEYWORD' ad hoc (repeat: any of them; docs/said.md)")
    p.add_argument("--from", dest="start", type=_date, help="first day, YYYY-MM-DD (UTC)")
    p.add_argument("--to", dest="end", type=_date, help="last day, YYYY-MM-DD (UTC)")
    p.add_argument("--bucket", choices=("hour", "day", "week"), default="day")
    p.add_argument(
        "--param", action="append", default=[], metavar="NAME=VALUE",
        help="tune the model, e.g. --param crisis=70 --param weight_tone=0.3 (see docs/model.md); each is range-checked",
    )
    p.add_argument(
        "--attention", choices=("raw", "share"), default=None,
        help="attention as raw counts against their own long memory (default) or as a share of the source's "
             "total coverage (the sum over every actor of the file)",
    )
    _add_engine(p)
    add_import_arguments(p)


def _add_engine(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--engine", choices=ENGINES, default=DEFAULT_ENGINE,
        help="query engine: duckdb (embedded, the default) or spark (local[*], or the master URL "
             f"in {SPARK_MASTER_ENV}; needs the spark extra, see docs/scaling.md)",
    )


def _import_options(args):
    """The import options of the command line (dashboard.loading.options.ImportOptions)."""
    from dashboard.launch import options_from_args

    return options_from_args(args)


def _date(text: str):
    import datetime as dt

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def out_problem(out: Path | None) -> str | None:
    """Why --out cannot be written (a directory, a missing folder, not a regular file), or None."""
    if out is None:
        return None
    if out.is_dir():
        return f"--out {out}: is a directory; name a file in it"
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        return f"--out {out}: the folder {parent} does not exist"
    if out.exists() and not out.is_file():
        return f"--out {out}: exists and is not a regular file"
    if not os.access(parent, os.W_OK):
        return f"--out {out}: the folder {parent} is not writable"
    return None


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    problem = out_problem(getattr(args, "out", None))
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return EXIT_UNUSABLE
    if args.command != "run":  # `run` starts the app, which sets up its own process
        from dashboard.loading import use_system_allocator

        use_system_allocator()
    if args.command == "run":
        return cmd_run(args)
    if args.command == "validate":
        return cmd_validate(args)
    if args.command == "convert":
        return cmd_convert(args)
    if args.command in ("score", "alert", "report"):
        return cmd_score(args)
    if args.command == "tone":
        return cmd_tone_fit(args)
    if args.command == "said":
        from dashboard.text.command import cmd_said

        return cmd_said(args)
    if args.command == "watch":
        return cmd_watch(args)
    if args.command == "backtest":
        return cmd_backtest(args)
    raise AssertionError(args.command)  # argparse guarantees one of the above


def cmd_tone_fit(args) -> int:
    """Fit a tone model on the labels file, print both macro-F1s, write the model as JSON."""
    from dashboard.tone import fit, load_labels, save

    try:
        texts, labels = load_labels(args.labels, args.text, args.label)
        model = fit(texts, labels, seed=args.seed)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    cv = model.cv
    counts = ", ".join(f"{n:,} {name}" for name, n in cv["counts"].items())
    print(f"{cv['labels']:,} labelled texts ({counts}); {model.terms:,} terms; C = {cv['C']:g}, chosen by cross-validation")
    print(f"macro-F1, {cv['folds']}-fold cross-validated: model {cv['model_macro_f1']:.3f}, VADER {cv['vader_macro_f1']:.3f} on the same labels")
    try:
        save(model, args.out)
    except OSError as exc:
        print(f"error: cannot write {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    print(f"wrote the tone model to {args.out}")
    return EXIT_OK


def _print_report(report, stream) -> None:
    for line in report.lines():
        print(line, file=stream)


def _load_with_options(args):
    """load_path with the command's import options; None (after saying why) when they are wrong."""
    from dashboard.loading import load_path
    from dashboard.loading.load_report import LoadLimits

    try:
        options = _import_options(args)
        kwargs = options.load_kwargs(args.kind, options.dictionary()) if options.given else {}
        if options.given and options.mappings and args.kind not in options.mappings:
            raise ValueError(f"--map names no {args.kind} column; prefix it with {args.kind}: to apply it to this file")
        return load_path(args.file, args.kind, LoadLimits.for_local_files(), encoding=args.encoding, **kwargs)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None


def cmd_validate(args) -> int:
    result = _load_with_options(args)
    if result is None:
        return EXIT_UNUSABLE
    print(f"file: {args.file}")
    _print_report(result.report, sys.stdout)
    return EXIT_OK if result.report.usable else EXIT_UNUSABLE


def cmd_convert(args) -> int:
    suffix = args.out.suffix.lower()
    if suffix not in (".csv", ".parquet", ".pq"):
        print(f"error: --out must end in .csv or .parquet, not {suffix or 'nothing'}", file=sys.stderr)
        return EXIT_UNUSABLE
    result = _load_with_options(args)
    if result is None:
        return EXIT_UNUSABLE
    _print_report(result.report, sys.stderr)
    if not result.report.usable:
        return EXIT_UNUSABLE
    try:
        write_table(result.table, args.out)
    except OSError as exc:
        print(f"error: cannot write {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    # The table may hold more rows than were loaded: a text naming two actors makes two mentions.
    print(f"wrote {result.table.num_rows:,} rows to {args.out}", file=sys.stderr)
    return EXIT_OK


def write_table(table, out: Path) -> None:
    """Write canonical rows losslessly: dates as ISO 8601 UTC with a Z, numbers as numbers."""
    if out.suffix.lower() in (".parquet", ".pq"):
        import pyarrow.parquet as pq

        pq.write_table(table, out)
        return
    frame = table.to_pandas()
    for col in frame.columns:
        if str(frame[col].dtype).startswith("datetime64"):
            frame[col] = frame[col].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    frame.to_csv(out, index=False, lineterminator="\n")


def _model_params(pairs: list[str], attention: str | None = None):
    from dataclasses import fields

    from dashboard.model.escalation import DEFAULT_PARAMS, with_params

    known = {f.name: f.type for f in fields(DEFAULT_PARAMS) if f.name != "attention"}
    changes: dict[str, object] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip().replace("-", "_")
        if not sep or name not in known:
            raise ValueError(f"--param {pair!r}: expected NAME=VALUE with NAME one of {', '.join(sorted(known))}")
        try:
            changes[name] = int(value) if known[name] in (int, "int") else float(value)
        except ValueError:
            kind = "a whole number" if known[name] in (int, "int") else "a number"
            raise ValueError(f"--param {pair!r}: {value!r} is not {kind}") from None
    if attention is not None:
        changes["attention"] = attention
    try:
        return with_params(DEFAULT_PARAMS, **changes)
    except ValueError as exc:
        raise ValueError(f"--param: {exc} (docs/model.md lists every parameter and its range)") from None


def _analysis_from_args(args):
    """Load the files (or the demo), report them on stderr, and score the selection."""
    from dashboard.contract import Selection
    from dashboard.dataset import build_dataset
    from dashboard.demo import DATASETS, DEFAULT_DATASET
    from dashboard.model.analysis import analyse

    events, mentions = args.events, args.mentions
    if events is None and mentions is None:
        demo = DATASETS[DEFAULT_DATASET]
        events, mentions = demo.events, demo.mentions
        print(f"no file given: using the demo dataset ({demo.label}). {demo.simulated}", file=sys.stderr)
    options = _import_options(args)  # ValueError: reported by cmd_score
    # Every actor's mentions stay in the engine, also when scoring named actors: the model
    # measures attention against the source's total coverage (its gaps, steps and share).
    dataset = build_dataset(events, mentions, options=options, engine=args.engine)
    args.notes_key = _notes_key(events, mentions)
    args.dataset = dataset  # the report reads what was said at each moment from its engine
    for kind, report in dataset.reports.items():
        print(f"{kind}: {report.summary()}", file=sys.stderr)
        if report.error is not None or report.loaded == 0:
            return None
    params = _model_params(args.param, getattr(args, "attention", None))
    sel = Selection(
        actors=tuple(args.actor), targets=tuple(args.target), start=args.start, end=args.end,
        event_types=tuple(args.event_types), bucket=args.bucket,
        narratives=narratives_of(args, mentions, dataset.engine),
    )
    return analyse(dataset.engine, sel, params)


def cmd_score(args) -> int:
    try:
        analysis = _analysis_from_args(args)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    if analysis is None:
        return EXIT_UNUSABLE
    if args.command == "alert":
        return _alert(analysis, args.min_stage)
    if args.command == "report":
        return _report(analysis, args)
    from dashboard.exports.tables import scored_csv, scored_json

    text = scored_csv(analysis.table) if args.format == "csv" else scored_json(analysis.table)
    if args.out:
        try:
            args.out.write_text(text)
        except OSError as exc:
            print(f"error: cannot write {args.out}: {exc.strerror or exc}", file=sys.stderr)
            return EXIT_UNUSABLE
        print(f"wrote {len(analysis.table):,} buckets to {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def narratives_of(args, mentions: Path | None, engine) -> tuple:
    """The `--narrative` choices as definitions (ValueError when unknown, or when the engine
    holds no text to match them on)."""
    if not args.narratives:
        return ()
    from dashboard.store import open_store
    from dashboard.store.narratives import narratives_from_specs
    from dashboard.text.narratives import check_engine

    check_engine(engine)
    names = [s for s in args.narratives if "=" not in s]
    store = open_store(create=False) if names else None  # reading never creates a store
    return narratives_from_specs(args.narratives, store, _digest(mentions) if mentions and names else "")


def _digest(path: Path) -> str:
    """The SHA-256 of a file's bytes (content_digest's, read in chunks: a big file is not held
    twice), or the one the on-disk store remembered for this very version of the file (path,
    size, times and inode unchanged: dashboard/loading/on_disk.py), which skips reading it again."""
    from dashboard.loading.on_disk import cache_folder, file_digest, known_digest

    return known_digest(path, cache_folder()) or file_digest(path)


def _notes_key(events: Path | None, mentions: Path | None) -> str:
    """The key the dashboard pins notes of these files under (their contents' digests)."""
    from dashboard.store.notes import notes_key

    return notes_key(*(_digest(p) if p else "" for p in (events, mentions)))


def _notes(analysis, key: str):
    """The notes people pinned to these files in the dashboard, in the selection's dates (the
    store is only read: a report never creates one)."""
    from dashboard.store import list_notes, notes_frame, open_store

    try:
        store = open_store(create=False)
    except (OSError, ValueError) as exc:
        print(f"the notes could not be read: {exc}", file=sys.stderr)
        return None
    sel = analysis.selection
    return notes_frame(list_notes(store, key, sel.start, sel.end))


def _report(analysis, args) -> int:
    from dashboard.charts import timeline_export_chart
    from dashboard.demo import DATASETS, DEFAULT_DATASET
    from dashboard.exports.html_report import html_report

    demo = args.events is None and args.mentions is None
    note = DATASETS[DEFAULT_DATASET].simulated if demo else ""
    title = args.title or (DATASETS[DEFAULT_DATASET].label if demo else " + ".join(
        p.name for p in (args.events, args.mentions) if p))
    notes = _notes(analysis, getattr(args, "notes_key", ""))
    from dashboard.text.report import said_for_moments

    said = said_for_moments(args.dataset.engine, analysis) if getattr(args, "dataset", None) is not None else {}
    if args.report_format in ("pptx", "pdf"):
        from dashboard.exports.deck import build_deck, deck_pdf, deck_pptx

        deck = build_deck(analysis, title, note, notes, said=said)
        try:
            args.out.write_bytes(deck_pptx(deck) if args.report_format == "pptx" else deck_pdf(deck))
        except OSError as exc:
            print(f"error: cannot write {args.out}: {exc.strerror or exc}", file=sys.stderr)
            return EXIT_UNUSABLE
        print(f"wrote {len(deck.slides)} slides to {args.out}", file=sys.stderr)
        return EXIT_OK
    chart = None
    if not analysis.empty:
        subtitle = "SIMULATED mentions: the shape follows real events, the numbers are invented" if note else ""
        chart = timeline_export_chart(analysis, subtitle, notes=notes)
    try:
        args.out.write_text(html_report(analysis, title, note, chart, notes, said=said), encoding="utf-8")
    except OSError as exc:
        print(f"error: cannot write {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    print(f"wrote the report to {args.out}", file=sys.stderr)
    return EXIT_OK


def _alert(analysis, min_stage: str) -> int:
    if analysis.empty:
        print(analysis.explain())
        return EXIT_OK
    latest = analysis.table.iloc[-1]
    print(f"{latest['date']:%Y-%m-%d %H:%M} UTC — {analysis.explain()}")
    today = analysis.alerts[analysis.alerts["date"] == latest["date"]] if len(analysis.alerts) else []
    for _, alert in getattr(today, "iterrows", lambda: [])():
        print(f"alert: {alert['reason']}")
    return EXIT_ALERT if STAGE_NAMES.index(latest["stage"]) >= STAGE_NAMES.index(min_stage) else EXIT_OK


def cmd_watch(args) -> int:
    """Run monitors: once (exit 3 when an alert was raised) or every --interval seconds until SIGTERM."""
    from dashboard.monitor.spec import MonitorError, load_monitor
    from dashboard.monitor.watch import watch
    from dashboard.store.sql import open_monitor_store

    if not 1 <= args.interval <= 86400:
        print("error: --interval must be between 1 and 86400 seconds", file=sys.stderr)
        return EXIT_UNUSABLE
    try:
        specs = [load_monitor(p) for p in args.monitors]
    except MonitorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    names = [s.name for s in specs]
    if len(set(names)) != len(names):
        print("error: two monitor files have the same name: each monitor needs its own", file=sys.stderr)
        return EXIT_UNUSABLE
    problem = "it could not be created"
    try:
        store = open_monitor_store()  # BOILINGPOINT_STORE_URL: PostgreSQL; else the local SQLite store
    except (OSError, ValueError) as exc:
        store, problem = None, str(exc)
    if store is None:
        print(f"error: the store cannot be opened: {problem}", file=sys.stderr)
        return EXIT_UNUSABLE
    results = watch(specs, store, once=args.once, interval=args.interval)
    if args.once and any(r.error for r in results):
        return EXIT_UNUSABLE  # a monitor could not be run as written (said in the log): cron hears of it
    return EXIT_ALERT if args.once and any(r.new_alerts for r in results) else EXIT_OK


def cmd_backtest(args) -> int:
    """Replay the monitor's data as if live; print alerts per month, precision and lead time."""
    from dashboard.monitor.backtest import backtest_report, format_backtest, run_backtest
    from dashboard.monitor.spec import MonitorError, load_monitor

    try:
        spec = load_monitor(args.monitor)
        result = run_backtest(spec, episodes_csv=args.episodes, max_lead=args.max_lead, log=lambda m: print(m, file=sys.stderr))
    except (MonitorError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    if args.format == "json":
        import json

        print(json.dumps(backtest_report(result), indent=2, default=str))
    else:
        print(format_backtest(result))
    return EXIT_OK


CONFIG = Path(__file__).resolve().parent / "streamlit_config.toml"


def config_flags(config: Path = CONFIG, **server) -> list[str]:
    """Every option of the app's Streamlit config as `--section.option value` flags; `server`
    options given here (port, address) replace the file's."""
    import tomllib

    settings = tomllib.loads(config.read_text(encoding="utf-8"))
    settings.setdefault("server", {}).update(server)
    flags: list[str] = []
    for section, options in settings.items():
        for name, value in options.items():
            text = str(value).lower() if isinstance(value, bool) else str(value)
            flags += [f"--{section}.{name}", text]
    return flags


def cmd_run(args) -> int:
    for flag in ("events", "mentions"):
        path = getattr(args, flag)
        if path is not None and not path.is_file():
            print(f"error: --{flag} {path}: no such file", file=sys.stderr)
            return EXIT_UNUSABLE
    if args.engine == "spark":
        from dashboard.query import check_spark_installed

        try:
            check_spark_installed()
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_UNUSABLE
    # The app's own config, as flags: they win over any .streamlit/config.toml of the folder
    # the command is started in (or ~/.streamlit) and over STREAMLIT_* variables.
    command = [sys.executable, "-m", "dashboard.ui.serve", "run", str(APP), *config_flags(port=args.port, address=args.address), "--"]
    if args.events:
        command += ["--events", str(args.events.resolve())]
    if args.mentions:
        command += ["--mentions", str(args.mentions.resolve())]
    if args.engine != DEFAULT_ENGINE:
        command += ["--engine", args.engine]  # dashboard.launch.launch_files reads it back
    # Import options go to the app after `--` too: --map SPEC (repeated), --date-format F,
    # --timezone TZ, --actors /absolute/path, --wide, --tone-model /absolute/path
    # (dashboard.launch.launch_files reads them back).
    if args.map or args.date_format or args.timezone or args.actors or args.wide or args.tone_model:
        try:
            command += _import_options(args).to_argv()
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_UNUSABLE
    host = "localhost" if args.address in ("127.0.0.1", "localhost") else args.address
    print(f"Boiling Point: http://{host}:{args.port}", file=sys.stderr)
    try:
        return subprocess.call(command)
    except KeyboardInterrupt:
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
