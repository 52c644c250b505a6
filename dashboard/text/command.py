"""`boilingpoint said`: what was said on a day or in a range, from the command line.

    boilingpoint said --mentions FILE [selection] --on DATE | --from DATE --to DATE [--top N] [--format text|json]

Prints the representative mentions (near-copies collapsed, with their copies), the emerging
terms against the period before, and the narratives (dashboard/text/said.py). The load
reports go to standard error; a file without text says so, and nothing is made up.
"""

from __future__ import annotations

import datetime as dt
import json
import sys

EXIT_OK = 0
EXIT_UNUSABLE = 2


def window_of(on: dt.date | None, start: dt.date | None, end: dt.date | None) -> tuple[dt.datetime, dt.datetime]:
    """[lo, hi) of `--on DATE` (that day) or `--from A --to B` (A's first instant to the end of B).
    ValueError when neither or both are given, or the range is open."""
    if on is not None:
        if start is not None or end is not None:
            raise ValueError("give either --on DATE or --from DATE --to DATE, not both")
        lo = dt.datetime.combine(on, dt.time())
        return lo, lo + dt.timedelta(days=1)
    if start is None or end is None:
        raise ValueError("say when: --on DATE, or --from DATE --to DATE")
    if end < start:
        raise ValueError(f"--to {end} is before --from {start}")
    return dt.datetime.combine(start, dt.time()), dt.datetime.combine(end + dt.timedelta(days=1), dt.time())


def cmd_said(args) -> int:
    from dashboard.cli import narratives_of
    from dashboard.contract import Selection
    from dashboard.dataset import build_dataset
    from dashboard.demo import DATASETS, DEFAULT_DATASET
    from dashboard.launch import options_from_args
    from dashboard.text.said import compute_said, said_text

    try:
        lo, hi = window_of(args.on, args.start, args.end)
        if args.top < 1 or args.top > 100:
            raise ValueError(f"--top must be between 1 and 100, not {args.top}")
        events, mentions = args.events, args.mentions
        if events is None and mentions is None:
            demo = DATASETS[DEFAULT_DATASET]
            events, mentions = demo.events, demo.mentions
            print(f"no file given: using the demo dataset ({demo.label}). {demo.simulated}", file=sys.stderr)
        dataset = build_dataset(events, mentions, options=options_from_args(args), engine=args.engine)
        for kind, report in dataset.reports.items():
            print(f"{kind}: {report.summary()}", file=sys.stderr)
            if report.error is not None or report.loaded == 0:
                return EXIT_UNUSABLE
        sel = Selection(actors=tuple(args.actor), targets=tuple(args.target), event_types=tuple(args.event_types),
                        bucket=args.bucket, narratives=narratives_of(args, mentions, dataset.engine))
        said = compute_said(dataset.engine, sel, lo, hi, top=args.top, terms=2 * args.top)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    if args.format == "json":
        sys.stdout.write(json.dumps(said.as_json(), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(said_text(said))
    return EXIT_OK
