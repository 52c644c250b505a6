"""Peak memory and time of the import paths that do not take the Arrow screens (issue 14): one
gzip file through load_bytes (the upload's entry point, DEFAULT_LIMITS), in a fresh process (its
VmHWM is its own) after use_system_allocator.

The shapes (each at most 256 MiB uncompressed and 10 million rows, the upload caps):
- `map`: mentions `Time,Who,Tone` read with the mapping date=Time, actor=Who, tone=Tone (`--map`);
- `dayfirst`: mentions `date,actor,count` with dates `24/02/2021`, date_format="day-first";
- `timezone`: mentions `date,actor,count` with times `2021-02-24 10:30:00`, timezone="Europe/Paris";
- `cp1252`: mentions `date,actor,count` in Windows-1252 (every 10th actor `Société`);
- `parquet`: events `date,actor,headline` as a gzip Parquet file (a timestamp column);
- `hhmm`: events `date,actor,headline`, row i at 2021-01-01 UTC plus i seconds written as a local time
  and its `±HHMM` offset (`2021-01-01T05:30:00+0530`: screen suspects, so the file goes whole to validate);
- `acled`: an ACLED export (event_date, actor1, event_type, sub_event_type, notes, ...);
- `gdelt-events`: a GDELT 2.0 Events export (tab-separated, no header, 61 fields: the layout of
  the real file in ../shared/data/external/gdelt-v2-events-20180326, synthetic values), as events;
- `wide`: a wide table of counts (`date` then 400 actor columns, one cell in 16 not zero), wide=True;
- `text-actors`: text-only mentions `date,text,tone` with an actor dictionary of 50 actors
  (`actors=`, as the CLI's --actors; a tone column so that VADER's scoring is not what is timed).

The sizes that fill the upload caps (256 MiB uncompressed, 10 million rows; the wide table's
melted rows under 10 million): acled 4,200,000 (to 4.5 million); gdelt-events 680,000; wide 320,000 (8 million melted rows);
text-actors 3,950,000.

    python benchmarks/import_memory.py --shape map [--rows 9000000] [--profile] --src /path/to/a/checkout [--src ...]

--profile samples the resident set every 20 ms in the child and prints the Python stack at its
highest point (what was running when the peak was reached). Each --src is a source tree (its
`dashboard` package is the one measured); the gzip file is made once, beside the system's
temporary files.
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
import sys, time, json
from dashboard.loading import load_bytes, use_system_allocator
use_system_allocator()
options = json.loads(sys.argv[2])
kind = options.pop("kind")
if sys.argv[3] == "1":
    import threading, traceback
    main = threading.main_thread().ident
    best = [0, ""]
    def rss():
        return int(next(l for l in open("/proc/self/status") if l.startswith("VmRSS")).split()[1])
    def sample():
        while True:
            now = rss()
            if now > best[0] + 10240:
                best[:] = [now, "".join(traceback.format_stack(sys._current_frames()[main])[-6:])]
            time.sleep(0.02)
    threading.Thread(target=sample, daemon=True).start()
data = open(sys.argv[1], "rb").read()
start = time.perf_counter()
result = load_bytes(data, kind, **options)
elapsed = time.perf_counter() - start
r = result.report
peak = next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1]
print(f"{elapsed:.1f} s, peak {int(peak) / 1024:,.0f} MiB; read {r.rows_read:,}, loaded {r.loaded:,}, rejected {r.rejected:,}"
      + (f"; {r.error.message}" if r.error else ""))
if sys.argv[3] == "1":
    print(f"highest RSS sampled {best[0] / 1024:,.0f} MiB at:\\n{best[1]}")
"""

_START = dt.datetime(2021, 1, 1)


def map_row(i: int) -> str:
    return f"2021-{i % 12 + 1:02d}-{i % 28 + 1:02d},A{i % 50},0.{i % 10}\n"


def dayfirst_row(i: int) -> str:
    return f"{i % 28 + 1:02d}/{i % 12 + 1:02d}/2021,A{i % 50},{i % 9 + 1}\n"


def timezone_row(i: int) -> str:
    return f"{(_START + dt.timedelta(seconds=i)).isoformat(sep=' ')},A{i % 50},{i % 9 + 1}\n"


def cp1252_row(i: int) -> str:
    return f"2021-{i % 12 + 1:02d}-{i % 28 + 1:02d},{'Société' if i % 10 == 0 else f'A{i % 50}'},{i % 9 + 1}\n"


_HHMM = ("+0530", "-0800", "+0000", "+1345", "-0930")


def hhmm_row(i: int) -> str:
    when = _START + dt.timedelta(seconds=i)  # every row its own instant: no duplicates
    zone = _HHMM[i % 5]
    sign, hours, minutes = (-1 if zone[0] == "-" else 1), int(zone[1:3]), int(zone[3:])
    local = when + sign * dt.timedelta(hours=hours, minutes=minutes)
    return f"{local.isoformat()}{zone},A{i % 50},h\n"


_ACLED_HEADER = "event_id_cnty,event_date,year,event_type,sub_event_type,actor1,actor2,country,notes,fatalities\n"


def acled_row(i: int) -> str:
    return (f"X{i},2021-{i % 12 + 1:02d}-{i % 28 + 1:02d},2021,Protests,Peaceful protest,A{i % 50},,C,n,{i % 3}\n")


def gdelt_events_row(i: int) -> str:
    """A GDELT 2.0 Events record: 61 tab-separated fields as the real file's (one in 500 rows has
    an impossible SQLDATE, so the converter rejects rows)."""
    day = f"2018{i % 12 + 1:02d}{i % 28 + 1:02d}" if i % 500 else "20181340"
    actor1 = ["USA", "UNITED STATES", "USA", "", "", "", "", "", "", ""]
    actor2 = ["CAN", f"ACTOR {i % 50}", "CAN", "", "", "", "", "", "", ""]
    event = ["0", f"0{i % 9 + 1}1", f"0{i % 9 + 1}1", f"0{i % 9 + 1}", str(i % 4 + 1), "3.0", "2", "1", "2", f"-{i % 7}.5"]
    geo = ["4", "Toronto, Ontario, Canada", "CA", "CA08", "12686", "43.6667", "-79.4167", "-574890"]
    fields = [str(700_000_000 + i), day, day[:6], day[:4], "2018.2356", *actor1, *actor2, *event, *geo, *geo, *geo,
              "20180326044500", f"https://example.com/news/{i // 3}/a-story-about-something"]
    return "\t".join(fields) + "\n"


WIDE_ACTORS = 400
_WIDE_HEADER = "date," + ",".join(f"Country {c}" for c in range(WIDE_ACTORS)) + "\n"


def wide_row(i: int) -> str:
    when = (_START + dt.timedelta(minutes=i)).strftime("%Y-%m-%dT%H:%M:00Z")  # every row its own time
    return when + "," + ",".join(str(i % 9 + 1) if (i + c) % 16 == 0 else "0" for c in range(WIDE_ACTORS)) + "\n"


def text_actors_row(i: int) -> str:
    return (f"2021-{i % 12 + 1:02d}-{i % 28 + 1:02d},\"Officials of Actor {i % 50} met the press on day {i % 97}"
            f"{' with ACTOR ' + str((i + 7) % 50) if i % 3 == 0 else ''}\",0.{i % 10}\n")


TEXT = {
    "map": ("Time,Who,Tone\n", map_row, {"kind": "mentions", "mapping": {"date": "Time", "actor": "Who", "tone": "Tone"}}),
    "dayfirst": ("date,actor,count\n", dayfirst_row, {"kind": "mentions", "date_format": "day-first"}),
    "timezone": ("date,actor,count\n", timezone_row, {"kind": "mentions", "timezone": "Europe/Paris"}),
    "cp1252": ("date,actor,count\n", cp1252_row, {"kind": "mentions"}),
    "hhmm": ("date,actor,headline\n", hhmm_row, {"kind": "events"}),
    "acled": (_ACLED_HEADER, acled_row, {"kind": "events"}),
    "gdelt-events": ("", gdelt_events_row, {"kind": "events"}),
    "wide": (_WIDE_HEADER, wide_row, {"kind": "mentions", "wide": True}),
    "text-actors": ("date,text,tone\n", text_actors_row, {"kind": "mentions"}),
}
SHAPES = sorted([*TEXT, "parquet"])


def shape_file(rows: int, shape: str) -> Path:
    """The gzip file of `rows` rows of a shape (made once)."""
    path = Path(tempfile.gettempdir()) / f"boilingpoint-import-{shape}-{rows}.{'parquet' if shape == 'parquet' else 'csv'}.gz"
    if path.exists():
        return path
    part = path.with_suffix(f".{os.getpid()}.part")  # (two runs at once never share one)
    if shape == "parquet":
        import io

        import pyarrow as pa
        import pyarrow.parquet as pq

        n = rows
        dates = pa.array([_START + dt.timedelta(seconds=i) for i in range(n)], pa.timestamp("us"))
        actors = pa.array([f"A{i % 50}" for i in range(n)]).dictionary_encode().cast(pa.string())
        headlines = pa.array([f"h{i % 10}" for i in range(n)])
        buf = io.BytesIO()
        pq.write_table(pa.table({"date": dates, "actor": actors, "headline": headlines}), buf)
        part.write_bytes(gzip.compress(buf.getvalue(), 6))
    else:
        header, row, _ = TEXT[shape]
        encoding = "cp1252" if shape == "cp1252" else "utf-8"
        with gzip.open(part, "wt", compresslevel=6, encoding=encoding) as out:
            out.write(header)
            for start in range(0, rows, 100_000):
                out.write("".join(map(row, range(start, min(rows, start + 100_000)))))
    part.rename(path)
    return path


def actor_dictionary() -> Path:
    """The actor dictionary of the text-actors shape: `Actor N` (also written `Actor-N`) for 50 actors."""
    path = Path(tempfile.gettempdir()) / "boilingpoint-import-actors.csv"
    if not path.exists():
        path.write_text("canonical,alias\n" + "".join(f"Actor {n},Actor {n}\nActor {n},Actor-{n}\n" for n in range(50)))
    return path


def main(argv: list[str] | None = None) -> None:
    import json

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=9_000_000)
    parser.add_argument("--shape", choices=SHAPES, required=True)
    parser.add_argument("--profile", action="store_true", help="print the Python stack at the highest sampled RSS")
    parser.add_argument("--src", action="append", required=True, help="a source tree to measure (repeatable)")
    args = parser.parse_args(argv)
    path = shape_file(args.rows, args.shape)
    options = {"kind": "events"} if args.shape == "parquet" else dict(TEXT[args.shape][2])
    if args.shape == "text-actors":
        options["actors"] = str(actor_dictionary())
    print(f"{args.shape}: {path} ({path.stat().st_size / 1e6:.0f} MB gzip, {args.rows:,} rows); "
          f"load average {os.getloadavg()[0]:.1f}")
    for src in args.src:
        # (run in src: `python -c` puts its folder before PYTHONPATH)
        out = subprocess.run([sys.executable, "-c", CHILD, str(path), json.dumps(options), "1" if args.profile else "0"],
                             capture_output=True, text=True, cwd=src,
                             env={**os.environ, "PYTHONPATH": src, "PYTHONDONTWRITEBYTECODE": "1"})
        lines = "\n".join(line for line in out.stdout.splitlines() if "\u2595" not in line).strip()  # (DuckDB's progress bar)
        print(f"{src}: {lines or out.stderr[-2000:]} (load average after {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
