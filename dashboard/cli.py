"""The `boilingpoint` command line: run the dashboard, validate and convert files.

Importing this module must stay cheap: Streamlit is only started (in a child process) by
`boilingpoint run`, and the loaders are imported inside the commands that use them.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

EXIT_OK = 0
EXIT_UNUSABLE = 2
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
    run.add_argument("--address", default=os.environ.get("ADDRESS", "127.0.0.1"), help="interface to listen on (default 127.0.0.1: this machine only)")

    validate = sub.add_parser("validate", help="print the load report of a file; exit 2 when it is unusable")
    validate.add_argument("file", type=Path)
    _add_kind(validate)

    convert = sub.add_parser("convert", help="write a file's valid rows in the canonical format (CSV or Parquet)")
    convert.add_argument("file", type=Path)
    _add_kind(convert)
    convert.add_argument("--out", type=Path, required=True, help="output file: .csv or .parquet")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "run":
        return cmd_run(args)
    if args.command == "validate":
        return cmd_validate(args)
    if args.command == "convert":
        return cmd_convert(args)
    raise AssertionError(args.command)  # argparse guarantees one of the above


def _print_report(report, stream) -> None:
    for line in report.lines():
        print(line, file=stream)


def cmd_validate(args) -> int:
    from dashboard.loading import load_path

    result = load_path(args.file, args.kind, encoding=args.encoding)
    print(f"file: {args.file}")
    _print_report(result.report, sys.stdout)
    return EXIT_OK if result.report.usable else EXIT_UNUSABLE


def cmd_convert(args) -> int:
    from dashboard.loading import load_path

    suffix = args.out.suffix.lower()
    if suffix not in (".csv", ".parquet", ".pq"):
        print(f"error: --out must end in .csv or .parquet, not {suffix or 'nothing'}", file=sys.stderr)
        return EXIT_UNUSABLE
    result = load_path(args.file, args.kind, encoding=args.encoding)
    _print_report(result.report, sys.stderr)
    if not result.report.usable:
        return EXIT_UNUSABLE
    write_table(result.table, args.out)
    print(f"wrote {result.report.loaded:,} rows to {args.out}", file=sys.stderr)
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


def cmd_run(args) -> int:
    for flag in ("events", "mentions"):
        path = getattr(args, flag)
        if path is not None and not path.is_file():
            print(f"error: --{flag} {path}: no such file", file=sys.stderr)
            return EXIT_UNUSABLE
    command = [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.port", str(args.port),
        "--server.address", args.address,
        "--server.headless", "true",
        "--server.enableCORS", "true",
        "--server.enableXsrfProtection", "true",
        "--server.enableStaticServing", "false",
        "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
        "--client.toolbarMode", "viewer",
        "--client.showErrorDetails", "none",
        "--",
    ]
    if args.events:
        command += ["--events", str(args.events.resolve())]
    if args.mentions:
        command += ["--mentions", str(args.mentions.resolve())]
    host = "localhost" if args.address in ("127.0.0.1", "localhost") else args.address
    print(f"Boiling Point: http://{host}:{args.port}", file=sys.stderr)
    try:
        return subprocess.call(command)
    except KeyboardInterrupt:
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
