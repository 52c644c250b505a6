"""Import of events and mentions files with a load report.

`load_bytes` and `load_path` are the one entry point the UI and the CLI share: the file's
kind is decided from its content, every row read is loaded or rejected with a reason, and
file-level problems come back as the report's `error`, never as an exception.

Besides the canonical format, the content may be a GDELT or ACLED file (recognised, never
by name), or any table read through the import options: a column `mapping`, a
`date_format`, a `timezone`, an actor dictionary (`actors`) and `wide` for wide count
tables. See dashboard/loading/formats/.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from dashboard.contract import Kind, check_kind, column_names
from dashboard.loading.decode import decode_text, is_parquet, unwrap
from dashboard.loading.delimited import parse_headerless
from dashboard.loading.formats import Converted, explode_actors, rename_rejection_columns
from dashboard.loading.load_report import DEFAULT_LIMITS, LoadError, LoadLimits, LoadReport, Rejection
from dashboard.loading.parse import parse_parquet, parse_text
from dashboard.loading.raw import RawTable, plain_text
from dashboard.loading.validation import score_missing_tone, validate


def use_system_allocator() -> None:
    """Have Arrow allocate with the system allocator, for the whole process.

    A big import allocates and frees hundreds of MB of Arrow buffers. The system allocator
    gives them back; Arrow's default (mimalloc) keeps them, which at 10 million rows raised
    the peak memory of a load by a quarter (BENCHMARKS.md). ARROW_DEFAULT_MEMORY_POOL, when
    set, wins. Called by the entry points (the CLI, the app, the benchmarks), never on import.
    """
    if not os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        pa.set_memory_pool(pa.system_memory_pool())
    fixed_malloc_thresholds()


# glibc's mallopt parameters (malloc.h): M_TRIM_THRESHOLD, M_MMAP_THRESHOLD
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
MALLOC_THRESHOLD = 1024 * 1024  # blocks of 1 MiB or more: column buffers, not small objects


def fixed_malloc_thresholds(environ=None) -> bool:
    """Keep glibc's malloc giving big blocks back to the system (True when set).

    glibc serves a block of 128 KiB or more with its own mmap, returned when freed — but after
    the first such block is freed it raises that threshold (up to 32 MiB) and serves later big
    blocks from its heap, which it keeps: an import that allocates and frees hundreds of MB of
    column buffers then peaked ~300 MB higher than it used (9.5 million mention rows: 1.32–1.38
    GiB against 1.0 GiB with the thresholds fixed, the same speed; BENCHMARKS.md). Fixing both
    at 1 MiB turns that off (at glibc's 128 KiB start, fresh pages for every medium block made a
    load of 10 million texts 15 % slower; at 1 MiB it is as fast). Not on other C libraries, and not when
    the environment sets MALLOC_MMAP_THRESHOLD_ or MALLOC_TRIM_THRESHOLD_ (glibc's own knobs)."""
    from dashboard.loading.heap import glibc

    env = os.environ if environ is None else environ
    if "MALLOC_MMAP_THRESHOLD_" in env or "MALLOC_TRIM_THRESHOLD_" in env:
        return False
    libc = glibc()
    mallopt = getattr(libc, "mallopt", None) if libc is not None else None
    if mallopt is None:
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, MALLOC_THRESHOLD)) and bool(mallopt(_M_TRIM_THRESHOLD, MALLOC_THRESHOLD))

__all__ = [
    "peek_columns",
    "read_regular_file",
    "use_system_allocator",
    "fixed_malloc_thresholds",
    "DEFAULT_LIMITS",
    "LoadError",
    "LoadLimits",
    "LoadReport",
    "LoadResult",
    "ParquetSource",
    "Rejection",
    "load_bytes",
    "load_path",
]


@dataclass(frozen=True)
class ParquetSource:
    """A Parquet file whose rows are exactly the loaded table (none rejected, none changed):
    an engine that reads Parquet itself (Spark) may read the file in place."""

    path: Path
    rejected: int = 0


@dataclass
class LoadResult:
    """The validated rows (an Arrow table, or None when the file was unusable) and the report;
    `source` when the file on disk holds exactly those rows (see ParquetSource)."""

    table: pa.Table | None
    report: LoadReport
    source: ParquetSource | None = None

    def frame(self):
        """The rows as pandas (small tables and tests; the engine reads the Arrow table)."""
        return self.table.to_pandas() if self.table is not None else None


def load_bytes(
    data: bytes,
    kind: str,
    limits: LoadLimits = DEFAULT_LIMITS,
    encoding: str = "auto",
    *,
    mapping: dict[str, str] | None = None,
    date_format: str | None = None,
    timezone: str | None = None,
    actors=None,
    wide: bool = False,
    tone_model=None,
) -> LoadResult:
    """Load one file's bytes as `kind` ("events" or "mentions").

    mapping: {contract column: the file's column}; date_format: "month-first", "day-first"
    or a strptime format; timezone: the zone of times written without one; actors: an
    ActorDictionary (dashboard.loading.actors; or the bytes or path of one) — canonicalises actor
    and target, and finds actors in text-only mentions; wide: melt a wide table of counts
    to mentions; tone_model: a dashboard.tone.ToneModel (or the path of its JSON file) that
    scores the tone of mentions with text and no tone, instead of VADER. Arguments that make
    no sense raise ValueError; problems with the file come back in the report.
    """
    return _load_bytes([data], kind, limits, encoding, mapping=mapping, date_format=date_format, timezone=timezone,
                       actors=actors, wide=wide, tone_model=tone_model)


def _load_bytes(box: list[bytes], kind: str, limits: LoadLimits, encoding: str, *, mapping=None, date_format=None,
                timezone=None, actors=None, wide: bool = False, tone_model=None) -> LoadResult:
    """load_bytes of the bytes in `box`, which _load takes out: when no caller holds them too
    (load_path), they are freed as soon as they are parsed."""
    kind = check_kind(kind)
    options = _check_options(kind, mapping, date_format, timezone)
    if actors is not None and not hasattr(actors, "lookup"):
        from dashboard.loading.actors import load_actor_dictionary

        actors = load_actor_dictionary(actors)  # bytes or a path; ValueError when it makes no sense
    if tone_model is not None and not hasattr(tone_model, "score"):
        from dashboard.tone import load as load_tone_model

        tone_model = load_tone_model(tone_model)  # a path; ValueError when it is no tone model
    try:
        return _load(box, kind, limits, encoding, options, actors, wide, tone_model)
    except LoadError as exc:
        return LoadResult(None, LoadReport(kind=kind, error=exc))


def load_path(
    path: str | Path,
    kind: str,
    limits: LoadLimits = DEFAULT_LIMITS,
    encoding: str = "auto",
    **options,
) -> LoadResult:
    """load_bytes for a file on disk (its size is checked before it is read)."""
    kind = check_kind(kind)
    p = Path(path)
    try:
        box = [read_regular_file(p, limits.max_bytes)]
    except LoadError as exc:
        return LoadResult(None, LoadReport(kind=kind, error=exc))
    result = _load_bytes(box, kind, limits, encoding, **options)  # the bytes handed over: freed once parsed
    if getattr(result.report, "exact", False) and result.report.error is None:
        result.source = ParquetSource(p.resolve(), rejected=0)
    return result


def read_regular_file(path: Path, max_bytes: int) -> bytes:
    """A regular file's bytes, at most max_bytes of them (LoadError otherwise).

    Only regular files: a FIFO reports size 0 and blocks the reader, a device such as
    /dev/zero never ends, a directory is no table. The file is opened without blocking and
    checked on the open descriptor (no race with a swapped path), then read with the cap
    enforced as it is read (a file growing after stat cannot exceed it).
    """
    import stat

    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise LoadError("format-error", f"cannot open the file: {exc.strerror}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            what = ("a directory" if stat.S_ISDIR(info.st_mode) else "a named pipe (FIFO)" if stat.S_ISFIFO(info.st_mode)
                    else "a device" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode)
                    else "a socket" if stat.S_ISSOCK(info.st_mode) else "not a regular file")
            raise LoadError("format-error", f"the path is {what}, not a regular file: only regular files are read")
        if info.st_size > max_bytes:
            raise LoadError("size-error", f"the file is {info.st_size:,} bytes; the limit is {max_bytes:,} bytes")
        with os.fdopen(fd, "rb", closefd=True) as fh:
            fd = -1
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise LoadError("format-error", f"cannot read the file: {exc.strerror}") from None
    finally:
        if fd >= 0:
            os.close(fd)
    if len(data) > max_bytes:
        raise LoadError("size-error", f"the file grew past the limit of {max_bytes:,} bytes while it was read")
    return data


@dataclass(frozen=True)
class _Options:
    mapping: dict[str, str]
    date_format: str | None
    timezone: str | None


def _check_options(kind: Kind, mapping, date_format, timezone) -> _Options:
    from dashboard.loading.formats.dates import check_date_format, check_timezone
    from dashboard.loading.formats.mapping import check_mapping

    fmt = check_date_format(date_format)
    check_timezone(timezone)
    return _Options(check_mapping(kind, mapping), fmt, timezone or None)


def _load(box: list[bytes], kind: Kind, limits: LoadLimits, encoding: str, options: _Options, actors, wide: bool,
          tone_model=None) -> LoadResult:
    decoded = unwrap(box.pop(), limits)
    if is_parquet(decoded.data) and kind == "mentions" and actors is None and not wide and options == _Options({}, None, None):
        from dashboard.loading.native import read_mentions

        fast = read_mentions(decoded.data, limits)  # typed columns checked in Arrow: big files in seconds
        if fast is not None:
            fast[1].exact = fast[1].exact and not decoded.container  # a zipped file is not Parquet on disk
            return _screened(fast, "", list(decoded.notes), decoded.container, tone_model)
    if is_parquet(decoded.data):
        raw = parse_parquet(decoded.data, limits)
        enc = ""
        notes = list(decoded.notes)
        gdelt_table = None
    else:
        # A wide table's cells (128 million at the caps) dictionary-encoded: most are a few short texts.
        raw, enc, notes, gdelt_table = _parse_text_file(decoded, kind, limits, encoding, dictionary=wide)
    parquet = is_parquet(decoded.data)
    decoded.data = b""  # parsed: the file's bytes are no longer needed (freed unless the caller holds them)
    converted = _known_format(raw, kind, gdelt_table, options, wide)
    if converted is None and actors is None and not wide and options == _Options({}, None, None) and not parquet:
        screened = _screen_text(raw, kind, limits)
        if screened is not None:
            return _screened(screened, enc, notes, decoded.container, tone_model)
    if converted is None:
        if wide:
            result = _load_wide(raw, kind, limits, options)
            _finish_report(result.report, enc, notes, decoded.container)
            if actors is not None and result.table is not None:
                result.table = _canonicalise(result.table, actors, result.report)
            return result
        converted = _read_with_options(raw, kind, options, actors)
    if converted.raw is not raw:
        # The conversion made its own table: the parsed cells it did not reuse are let go
        # before validate holds its copy of the converted ones (raw stays for what it says).
        raw.table = raw.table.schema.empty_table()
    try:
        table, report = validate(converted.raw, kind, limits, consume=True)  # its cells are not read after this
    except LoadError as exc:
        raise LoadError(exc.code, exc.message + _hint(converted.raw, kind, actors, exc)) from None
    rename_rejection_columns(report, converted.sources)
    _finish_report(report, enc, notes, decoded.container)
    if kind == "mentions":
        table = score_missing_tone(table, report, tone_model)
    if converted.explode_actors:
        box = [table]
        del table
        table, several = explode_actors(box)  # (it lets the table's columns go as it copies them)
        if several:
            what = converted.what or "rows"
            report.notes.append(
                f"{several:,} of the {report.loaded:,} {what} loaded named more than one actor: they make "
                f"{table.num_rows:,} mention rows, one per actor (the counts above are {what})"
            )
    if actors is not None:
        table = _canonicalise(table, actors, report)
    if converted.raw is not raw:
        _summarise_rejections(report)
    if report.loaded == 0:
        report.notes.append("no row could be loaded")
    return LoadResult(table, report)


def _parse_text_file(decoded, kind: Kind, limits: LoadLimits, encoding: str, dictionary: bool = False):
    """A text file's raw table, encoding, notes and GDELT table (or None). A plain UTF-8
    delimited file is read by Arrow from its bytes; any other is decoded to text first (and
    the text is freed once parsed)."""
    from dashboard.loading.formats import gdelt

    if encoding == "auto":
        from dashboard.loading.delimited import parse_utf8

        raw = parse_utf8(decoded.data, limits, column_names(kind), dictionary)
        if raw is not None:
            return raw, "utf-8", list(decoded.notes), None
    text, enc, enc_notes = decode_text(decoded.data, encoding)
    decoded.data = b""  # decoded: the bytes are not held beside the text while it is parsed (a GDELT file at the cap: 256 MB)
    notes = decoded.notes + enc_notes
    gdelt_table = gdelt.detect(text)
    if gdelt_table is not None:
        raw = parse_headerless(text, limits, gdelt_table.columns, f"a {gdelt_table.name.split(' (')[0]} record")
    else:
        raw = parse_text(text, limits, expected=column_names(kind), dictionary=dictionary)
    return raw, enc, notes, gdelt_table


def _screen_text(raw: RawTable, kind: Kind, limits: LoadLimits) -> tuple[pa.Table, LoadReport] | None:
    """Plain-shaped text cells checked in Arrow (big CSV in seconds, without DuckDB's working
    tables), or None when the screen does not apply."""
    if kind == "mentions":
        from dashboard.loading import native

        return native.screen_text(raw, limits)
    from dashboard.loading import native_events

    return native_events.screen_events(raw, limits)


def _screened(fast: tuple[pa.Table, LoadReport], enc: str, notes: list[str], container: str, tone_model) -> LoadResult:
    """The end of a load through one of native.py's typed screens (what _load does after validate)."""
    table, report = fast
    _finish_report(report, enc, notes, container)
    table = score_missing_tone(table, report, tone_model)
    if report.loaded == 0:
        report.notes.append("no row could be loaded")
    return LoadResult(table, report)


def _summarise_rejections(report: LoadReport) -> None:
    """One line counting the rejected rows by reason code (blank lines included), for long reports."""
    if not report.rejected:
        return
    from collections import Counter

    first: dict[int, str] = {}
    for r in report.rejections:
        first.setdefault(r.record, r.code)
    counts = Counter(first.values())
    listed = ", ".join(f"{n:,} {code}" for code, n in counts.most_common())
    more = " (of the rows listed)" if report.unlisted_rejections else ""
    report.notes.append(f"rejected rows by reason{more}: {listed}")


def _finish_report(report: LoadReport, enc: str, notes: list[str], container: str) -> None:
    report.encoding = enc
    report.notes[:0] = notes
    if container:
        report.file_format = f"{report.file_format} ({container})"


def _known_format(raw: RawTable, kind: Kind, gdelt_table, options: _Options, wide: bool) -> Converted | None:
    """GDELT or ACLED content converted to contract columns; None for any other table."""
    from dashboard.loading.formats import acled, gdelt

    table = gdelt_table or gdelt.identify_header(raw.labels)
    if table is not None or acled.identify(raw.labels):
        raw.table = plain_text(raw.table)  # (a file read as a wide table: its converter reads strings)
    if table is not None:
        converted = gdelt.convert(raw, table, kind)
        name = table.name.split(" (")[0]
    elif acled.identify(raw.labels):
        converted = acled.convert(raw, kind, f", {len(raw.labels)} columns")
        name = "ACLED export"
    else:
        return None
    unused = [flag for flag, given in (("column mapping", options.mapping), ("date format", options.date_format),
                                       ("time zone", options.timezone), ("wide", wide)) if given]
    if unused:
        converted.raw.notes.append(f"the {', '.join(unused)} given were not used: the file is a {name}, read by its own rules")
    return converted


def _read_with_options(raw: RawTable, kind: Kind, options: _Options, actors) -> Converted:
    from dashboard.loading.formats.mapping import apply_mapping, find_label, read_dates

    if options.mapping:
        converted = apply_mapping(raw, options.mapping, options.date_format, options.timezone)
    else:
        converted = Converted(raw)
        if options.date_format or options.timezone:
            at = find_label(raw.labels, "date")
            if at is not None:
                converted = Converted(read_dates(raw, at, raw.labels[at].strip(), options.date_format, options.timezone))
    labels = {label.strip().lower() for label in converted.raw.labels}
    if kind == "mentions" and actors is not None and "actor" not in labels and "text" in labels:
        from dashboard.loading.formats.text import find_text_actors

        text_label = next(label for label in converted.raw.labels if label.strip().lower() == "text")
        converted = find_text_actors(converted, actors, text_label)
    return converted


def _load_wide(raw: RawTable, kind: Kind, limits: LoadLimits, options: _Options) -> LoadResult:
    from dashboard.loading.formats.wide import melt_raw, melted_raw

    if kind != "mentions":
        raise LoadError("format-error", "a wide table of counts holds mentions (one count per actor and day): load it as mentions, not events")
    unknown = [k for k in options.mapping if k != "date"]
    if unknown:
        raise LoadError("format-error", f"a wide table takes only a date column in its mapping, not {', '.join(unknown)}")
    melted, rejections, wide_notes = melt_raw(raw, options.mapping.get("date"), options.date_format, options.timezone)
    if len(melted) > limits.max_rows:
        raise LoadError("size-error", f"the wide table melts to {len(melted):,} mention rows; the limit is {limits.max_rows:,}")
    melted_rows = melted_raw(melted, raw.file_format)
    del melted  # validate consumes the melted rows as it goes (8 M of them at the caps)
    table, inner = validate(melted_rows, "mentions", limits, consume=True)
    if inner.rejected:  # every melted row is valid by construction: say so loudly if not
        raise RuntimeError("internal error: melted rows were rejected:\n" + "\n".join(inner.lines()[:5]))
    report = LoadReport(kind=kind, file_format=f"{raw.file_format}, wide table melted to mentions")
    everything = sorted(list(raw.rejections) + rejections, key=lambda r: (r.record, r.column))
    report.rows_read = raw.rows_read
    report.rejected = len({r.record for r in everything}) + raw.unlisted
    report.loaded = report.rows_read - report.rejected
    report.rejections = everything[: limits.max_listed_rejections]
    report.unlisted_rejections = max(0, len(everything) + raw.unlisted - limits.max_listed_rejections)
    # The validator's notes on the melted rows (dates without a zone read as UTC, ...) still hold.
    report.notes = list(raw.notes) + wide_notes + inner.notes
    report.columns = table.column_names
    _summarise_rejections(report)
    if report.loaded == 0:
        report.notes.append("no row could be loaded")
    return LoadResult(table, report)


def _canonicalise(table: pa.Table, actors, report: LoadReport) -> pa.Table:
    from dashboard.loading.actors import canonicalise_counted

    table, changed = canonicalise_counted(table, actors)
    if changed:
        report.notes.append(f"{changed:,} actor or target names were aliases: replaced by their canonical name from the actor dictionary")
    return table


def _hint(raw: RawTable, kind: Kind, actors, exc: LoadError) -> str:
    """What to try next when a table lacks a required column."""
    if exc.code != "missing-label" or kind != "mentions":
        return ""
    labels = {label.strip().lower() for label in raw.labels}
    if "actor" not in labels and "text" in labels and actors is None:
        return ". To find the actors in the text, give an actor dictionary (--actors FILE)"
    if _looks_wide(raw):
        return (". It looks like a wide table (a date column, then one count column per actor): "
                "load it with --wide (wide=True)")
    return ". Name the file's columns with a column mapping, e.g. --map date=Time,text=Headlines"


def _looks_wide(raw: RawTable) -> bool:
    from dashboard.loading.formats.common import cells_at, number

    if len(raw.labels) < 3 or raw.table.num_rows == 0:
        return False
    sample = min(raw.table.num_rows, 20)
    for i in range(1, len(raw.labels)):
        values = [v for v in cells_at(raw, i)[:sample] if (v or "").strip()]
        if any(number(v) is None for v in values):
            return False
    return True


def peek_columns(data: bytes, limits: LoadLimits = DEFAULT_LIMITS, encoding: str = "auto") -> list[str]:
    """The column names a file's header holds (for the app's column-mapping step).

    Reads only the start of a text file — of a compressed one too: at most 256 KB are
    decompressed, so a decompression bomb costs nothing here. Empty when the file has no
    readable header.
    """
    from dashboard.loading.decode import head_bytes

    try:
        head = head_bytes(data, limits)
        if is_parquet(head):
            import io

            import pyarrow.parquet as pq

            whole = data if is_parquet(data) else unwrap(data, limits).data  # a compressed Parquet file
            return [str(n) for n in pq.ParquetFile(io.BytesIO(whole)).schema_arrow.names]
        full = len(head) == len(data) and not data[:2] == b"\x1f\x8b" and data[:2] != b"PK"
        if not full and b"\n" in head:
            head = head[: head.rindex(b"\n") + 1]
        text, _, _ = decode_text(head, encoding)
        raw = parse_text(text, limits)
    except (LoadError, ValueError, UnicodeDecodeError):
        return []
    return [label for label in raw.labels if label.strip()]
