"""Run the validation suite of issue 13: every case, a summary table, VALIDITY.md.

    .venv/bin/python benchmarks/validity/run.py                      # print the summary
    .venv/bin/python benchmarks/validity/run.py --doc VALIDITY.md    # and write the document (make validity)
    .venv/bin/python benchmarks/validity/run.py --write-baseline     # keep this run as the "old" figures
    .venv/bin/python benchmarks/validity/run.py --cases covid,acled  # a few cases only

A measurement, not a test: it exits 0 when targets are missed, and 1 only when a case
could not be measured (an exception), in which case nothing is written. Every run's
figures also go to benchmarks/results/validity-latest.json (git-ignored).
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
# Run as a script, the folder of this file comes first on the path; the suite imports itself
# and `dashboard` from the repository it sits in, so a checkout measures its own model.
sys.path.insert(0, str(REPO))

from benchmarks.validity import report  # noqa: E402
from benchmarks.validity.cases import CASES  # noqa: E402

BASELINE = HERE / "baseline_v1.json"
LATEST = REPO / "benchmarks" / "results" / "validity-latest.json"
EXTERNAL = REPO.parent / "shared" / "data" / "external"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--doc", type=Path, help="write the results to this markdown file (VALIDITY.md)")
    parser.add_argument("--baseline", type=Path, default=BASELINE, help=f"the old figures (default {BASELINE.relative_to(REPO)})")
    parser.add_argument("--write-baseline", action="store_true", help="write this run's figures as the baseline")
    parser.add_argument("--label", default="v1", help="the baseline's name when writing it (default v1)")
    parser.add_argument("--cases", default=",".join(CASES), help=f"comma-separated, of {', '.join(CASES)}")
    parser.add_argument("--external", type=Path, default=EXTERNAL, help="the real data folder (../shared/data/external)")
    parser.add_argument("--json", type=Path, default=LATEST, help="where this run's figures go as JSON")
    args = parser.parse_args(argv)

    chosen = [c.strip() for c in args.cases.split(",") if c.strip()]
    unknown = [c for c in chosen if c not in CASES]
    if unknown:
        parser.error(f"unknown case {', '.join(unknown)}: choose from {', '.join(CASES)}")
    if args.write_baseline and chosen != list(CASES):
        parser.error("--write-baseline needs every case (leave out --cases)")

    baseline = None if args.write_baseline else report.read_baseline(args.baseline)
    results, skipped, failed = [], [], []
    start = time.perf_counter()
    for key in chosen:
        case = CASES[key]
        if case.NEEDS_EXTERNAL and not args.external.is_dir():
            skipped.append(f"{case.TITLE}: the real data folder {args.external} is missing")
            print(f"skipped: {skipped[-1]}", file=sys.stderr)
            continue
        print(f"running {case.TITLE} …", file=sys.stderr, flush=True)
        t = time.perf_counter()
        try:
            result = case.run(args.external)
        except Exception:  # a case that cannot be measured is reported, and the run fails
            traceback.print_exc()
            failed.append(key)
            continue
        result.seconds = time.perf_counter() - t
        results.append(result)
    seconds = time.perf_counter() - start

    report.print_summary(results, baseline)
    print(f"\n{len(results)} cases in {seconds:.0f} s", file=sys.stderr)
    if failed:
        print(f"error: could not measure {', '.join(failed)}: nothing written", file=sys.stderr)
        return 1
    record = report.run_record(results, args.label, REPO, seconds)
    report.write_json(record, args.json)
    if args.write_baseline:
        report.write_json(record, args.baseline)
        print(f"baseline written: {args.baseline}", file=sys.stderr)
        baseline = record
    if args.doc:
        args.doc.write_text(report.markdown(results, record, baseline, skipped), encoding="utf-8")
        print(f"wrote {args.doc}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
