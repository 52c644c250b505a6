"""Peak memory and time of a dirty events upload (issue 14): one gzip CSV through load_bytes,
the upload's entry point, in a fresh process (its VmHWM is its own) after use_system_allocator.

The file: `date,actor,headline` rows shaped like the memory-bound measurements' (dates
`2021-MM-DD`, `Actor{i % 50}`, `h{i}`), 1 % dirty: every 100th row a date with a time but no
zone (read as UTC, with a note), every 1000th a copy of the row before with a space before its
actor (a duplicate). Before the events screen answered such files, they went whole to validate.
With `--shape naive`, every date has a time but no zone (`2021-MM-DD HH:MM:SS`, read as UTC,
with a note; row i at 2021-01-01 00:00:00 plus i seconds), `A{i % 50}`, `h{i % 10}`: 27 bytes a
row, so that 9 million rows (243 MB) stay under the 256 MB uncompressed cap (the dirty file's
shape with a time would not: 330 MB). Before the screen read such times, every row was a suspect.
With `--shape retracts`, `date,actor,headline,id,retracts` rows: dates `2021-MM-DD`, `A{i % 50}`,
`h{i % 10}`, the id `i` in hex, retracts empty but every 1000th row, which retracts the row
before (its id, its date): 26 bytes a row (9 million rows, 235 MB). Before the screen checked
the retraction graph, such files went whole to validate.
With `--shape offsets`, row i is at 2021-01-01 00:00:00 UTC plus i seconds (no two rows alike);
four dates in five are written as a local time and its numeric offset (`2021-01-01T05:30:00+05:30`,
the offsets +02:00, -05:00, +05:30, +00:00, -09:45, +14:00, -14:00 in turn), the fifth as a time
without a zone (`2021-01-01 00:00:04`), `A`, `h`: 29 bytes a row (9 million rows, 259 MB; every row
with an offset would be 30 bytes, over the cap). Before the screen read such offsets, four rows in
five were suspects: the file went whole to validate.
With `--shape retract-most`, `date,actor,headline,id,retracts` rows where 9 rows in 10 retract:
in each block of ten rows (the id `i` in hex), the first is a claim and each other retracts the
row before it (on the block's day, its second half a day later), but for every 1000th block,
whose row 5 retracts itself, rows 7 and 8 each other (a 2-cycle) and row 9 the 8th (a tail into
the cycle, kept): 29 bytes a row at most (9 million rows, 253 MB), 8.1 million retracting rows,
27,000 refused. Before the graph was checked in DuckDB, every retracting row was fetched into
Python and walked there.

    python benchmarks/events_memory.py --rows 9000000 [--shape naive|retracts|offsets|retract-most] --src /path/to/a/checkout [--src ...]

Each --src is a source tree (its `dashboard` package is the one measured); the gzip file is
made once and kept beside the system's temporary files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import os
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = """
import sys, time
from dashboard.loading import load_bytes, use_system_allocator
use_system_allocator()
data = open(sys.argv[1], "rb").read()
start = time.perf_counter()
result = load_bytes(data, "events")
elapsed = time.perf_counter() - start
r = result.report
peak = next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1]
print(f"{elapsed:.1f} s, peak {int(peak) / 1024:,.0f} MiB; read {r.rows_read:,}, loaded {r.loaded:,}, rejected {r.rejected:,}")
"""


def dirty_row(i: int) -> str:
    if i % 1000 == 999:
        j = i - 1
        return f"2021-{j % 12 + 1:02d}-{j % 28 + 1:02d}, Actor{j % 50},h{j}\n"
    time = " 10:00" if i % 100 == 50 else ""
    return f"2021-{i % 12 + 1:02d}-{i % 28 + 1:02d}{time},Actor{i % 50},h{i}\n"


_START = dt.datetime(2021, 1, 1)


def naive_row(i: int) -> str:
    return f"{(_START + dt.timedelta(seconds=i)).isoformat(sep=' ')},A{i % 50},h{i % 10}\n"


def retracts_row(i: int) -> str:
    j, retracts = (i - 1, f"{i - 1:x}") if i % 1000 == 999 else (i, "")
    return f"2021-{j % 12 + 1:02d}-{j % 28 + 1:02d},A{i % 50},h{i % 10},{i:x},{retracts}\n"


_OFFSETS = ("+02:00", "-05:00", "+05:30", "+00:00", "-09:45", "+14:00", "-14:00")


def offsets_row(i: int) -> str:
    when = _START + dt.timedelta(seconds=i)  # every row its own instant: no duplicates
    if i % 5 == 4:
        return f"{when.isoformat(sep=' ')},A,h\n"
    zone = _OFFSETS[i % 7]
    sign, hours, minutes = (-1 if zone[0] == "-" else 1), int(zone[1:3]), int(zone[4:])
    local = when + sign * dt.timedelta(hours=hours, minutes=minutes)
    return f"{local.isoformat()}{zone},A,h\n"


def retract_most_row(i: int) -> str:
    block, k = divmod(i, 10)
    day = f"2021-{block % 12 + 1:02d}-{block % 28 + 1 + (k >= 5):02d}"
    special = block % 100 == 0 and k in (5, 7)  # (every 1000th row: a self-retraction; a 2-cycle)
    retracts = "" if k == 0 else f"{i:x}" if special and k == 5 else f"{i + 1:x}" if special else f"{i - 1:x}"
    return f"{day},A,h,{i:x},{retracts}\n"


ROWS = {"dirty": dirty_row, "naive": naive_row, "retracts": retracts_row, "offsets": offsets_row,
        "retract-most": retract_most_row}
HEADERS = {"retracts": "date,actor,headline,id,retracts\n", "retract-most": "date,actor,headline,id,retracts\n"}


def dirty_file(rows: int, shape: str = "dirty") -> Path:
    """The gzip file of `rows` rows of a shape (made once)."""
    row = ROWS[shape]
    path = Path(tempfile.gettempdir()) / f"boilingpoint-events-{shape}-{rows}.csv.gz"
    if not path.exists():
        part = path.with_suffix(f".{os.getpid()}.part")  # (two runs at once never share one)
        with gzip.open(part, "wt", compresslevel=6, encoding="utf-8") as out:
            out.write(HEADERS.get(shape, "date,actor,headline\n"))
            for start in range(0, rows, 100_000):
                out.write("".join(map(row, range(start, min(rows, start + 100_000)))))
        part.rename(path)
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=9_000_000)
    parser.add_argument("--shape", choices=sorted(ROWS), default="dirty", help="dirty: 1 %% dirty rows; naive: times without a zone; retracts: ids and a retracts column; offsets: times with an offset; retract-most: 9 rows in 10 retract")
    parser.add_argument("--src", action="append", required=True, help="a source tree to measure (repeatable)")
    args = parser.parse_args(argv)
    path = dirty_file(args.rows, args.shape)
    print(f"{path} ({path.stat().st_size / 1e6:.0f} MB gzip, {args.rows:,} rows); load average {os.getloadavg()[0]:.1f}")
    for src in args.src:
        # (run in src: `python -c` puts its folder before PYTHONPATH)
        out = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, cwd=src,
                             env={**os.environ, "PYTHONPATH": src, "PYTHONDONTWRITEBYTECODE": "1"})
        print(f"{src}: {out.stdout.strip() or out.stderr[-2000:]} (load average after {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
