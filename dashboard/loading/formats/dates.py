"""Dates as people and their tools write them, read without guessing.

`normalise_dates` turns one column of date cells into ISO 8601 text for the validator, or
a reason per cell it cannot read. It accepts these layouts (matching a whole cell, after
trimming and with runs of spaces as one):

| layout | example | read as |
|---|---|---|
| ISO 8601, epoch | `2020-07-10`, `2015-02-24 11:35:52 -0800`, `1594339200` | left for the validator, which reads them |
| numeric day and month | `2/24/2015 11:35`, `24.02.2015`, `2/24/15` | month/day or day/month: declared, or proven by the column (below) |
| day, month name, year | `21 March 2020`, `18-Jul-20`, `9-May-20` | day first |
| month name, day, year | `Jul 18 2020`, `July 18, 2020` | month first |
| time first (CNBC) | ` 7:51  PM ET Fri, 17 July 2020` | 12-hour time, a US zone, the weekday checked against the date |

Numeric dates: the order of day and month is never guessed from one value. A column is read
month/day when one of its values has a second part above 12 and none has a first part above
12 (`2/24/2015` can only be 24 February), day/month the other way round. A column where both
happen, or where no value tells, has its numeric dates rejected with the reason, and the
caller can declare the order (`month-first`, `day-first`) or a `strptime` format such as
`%m/%d/%Y %H:%M`.

Two-digit years follow the POSIX rule that `strptime`'s `%y` uses: 69–99 are 1969–1999,
00–68 are 2000–2068 (a note says how many there were). Zone names: ET, CT, MT, PT (US
time, daylight saving by the date, via the tz database), EST/EDT/CST/CDT/MST/MDT/PST/PDT
(fixed offsets), UTC, GMT, Z. A time without a zone is local to `timezone` when one is given,
else it is left without a zone (and the validator reads it as UTC and says so).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from dashboard.loading.column_sql import EPOCH_MILLIS, EPOCH_SECONDS, ISO_PATTERN

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
WEEKDAYS = {
    name: number
    for number, names in enumerate(
        (("monday", "mon"), ("tuesday", "tue", "tues"), ("wednesday", "wed"), ("thursday", "thu", "thur", "thurs"),
         ("friday", "fri"), ("saturday", "sat"), ("sunday", "sun")),
    )
    for name in names
}
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Zone names seen in news feeds. The two-letter US names follow daylight saving (tz database);
# the three-letter ones are the fixed offsets their names say.
ZONES: dict[str, str | int] = {
    "ET": "America/New_York", "CT": "America/Chicago", "MT": "America/Denver", "PT": "America/Los_Angeles",
    "EST": -300, "EDT": -240, "CST": -360, "CDT": -300, "MST": -420, "MDT": -360, "PST": -480, "PDT": -420,
    "UTC": 0, "GMT": 0, "Z": 0,
}
MONTH_FIRST = ("month-first", "mdy", "us")
DAY_FIRST = ("day-first", "dmy")

_TIME = r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?(?:\s*(?P<ampm>[AaPp]\.?[Mm]\.?))?"
_ZONE = r"(?:\s*(?P<zone>[A-Za-z]{1,4}|[+-]\d{2}:?\d{2}))?"
NUMERIC = re.compile(
    r"^(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?P<year>\d{4}|\d{2})(?:[ T]" + _TIME + _ZONE + r")?$"
)
DAY_NAME = re.compile(
    r"^(?:(?P<weekday>[A-Za-z]{3,9}),? )?(?P<day>\d{1,2})(?:st|nd|rd|th)?[ -](?P<month>[A-Za-z]{3,9})\.?,?[ -](?P<year>\d{4}|\d{2})"
    r"(?:,? " + _TIME + _ZONE + r")?$"
)
NAME_DAY = re.compile(
    r"^(?:(?P<weekday>[A-Za-z]{3,9}),? )?(?P<month>[A-Za-z]{3,9})\.? (?P<day>\d{1,2})(?:st|nd|rd|th)?,? (?P<year>\d{4})"
    r"(?:,? " + _TIME + _ZONE + r")?$"
)
TIME_FIRST = re.compile(
    r"^" + _TIME + r"(?: (?P<zone>[A-Za-z]{1,4}))?,? (?:(?P<weekday>[A-Za-z]{3,9}),? )?"
    r"(?P<day>\d{1,2}) (?P<month>[A-Za-z]{3,9})\.?,? (?P<year>\d{4})$"
)
_ISO = re.compile(ISO_PATTERN)
_EPOCH = re.compile(EPOCH_SECONDS + "|" + EPOCH_MILLIS)


@dataclass
class DateColumn:
    """One column's cells as ISO text (None where empty or rejected) and the reasons."""

    values: list[str | None]
    errors: dict[int, str] = field(default_factory=dict)  # cell index -> reason
    notes: list[str] = field(default_factory=list)


class _Reject(ValueError):
    pass


def check_date_format(date_format: str | None) -> str | None:
    """Raise ValueError unless date_format is None, a named order or a strptime format."""
    if date_format is None:
        return None
    fmt = date_format.strip()
    if fmt.lower() in MONTH_FIRST + DAY_FIRST or "%" in fmt:
        return fmt
    raise ValueError(
        f"date format {date_format!r}: give 'month-first', 'day-first' or a strptime format such as '%m/%d/%Y %H:%M'"
    )


def check_timezone(timezone: str | None):
    if timezone is None:
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {timezone!r}: use a tz database name such as America/Los_Angeles") from None


def normalise_dates(
    cells: list[str | None],
    date_format: str | None = None,
    timezone: str | None = None,
    column: str = "date",
    check_iso: bool = False,
) -> DateColumn:
    """Read one column of dates; see the module docstring for the layouts and rules.

    ISO 8601 and epoch cells are left for the validator to read; with check_iso they are
    also checked here (for callers that do not pass them through the validator's date check).
    """
    reader = DateReader(date_format, timezone, column, check_iso, [cells])
    out = reader.read(cells)
    out.notes = reader.notes()
    return out


# Distinct cells whose reading is remembered: a column of repeated dates reads each once, a
# column of ten million distinct times does not keep ten million readings.
CACHE_CELLS = 65_536


class DateReader:
    """One column's dates read a piece at a time, with the column's one decision — the order of
    day and month of its numeric dates — taken from all of its cells first (`pieces`: an iterable
    of lists of cells, read once, only when no format is declared). `read` gives a piece's values
    and reasons (indexes within the piece); `notes` what was assumed over the pieces read."""

    def __init__(self, date_format: str | None, timezone: str | None, column: str = "date",
                 check_iso: bool = False, pieces=()):
        self.fmt = check_date_format(date_format)
        self.tz = check_timezone(timezone)
        self.column = column
        self.check_iso = check_iso
        self.cache: dict[str, tuple[str | None, str | None]] = {}
        self.short_years = 0
        self._notes: list[str] = []
        self.order = None
        if self.fmt is not None and "%" in self.fmt:
            return
        if self.fmt is not None:
            self.order = "md" if self.fmt.lower() in MONTH_FIRST else "dm"
        else:
            self.order, why = _column_order(pieces)
            if why:
                self._notes.append(why.format(column=column))

    def read(self, cells: list[str | None]) -> DateColumn:
        out = DateColumn(values=[None] * len(cells))
        cache = self.cache
        fmt = self.fmt if self.fmt is not None and "%" in self.fmt else None
        strptime = fmt is not None
        done = None if strptime else _zoned_local_times(cells, self.tz, out.values)
        for i, cell in enumerate(cells):
            if done is not None and done[i]:
                continue
            text = _clean(cell)
            if not text:
                continue
            result = cache.get(text)
            if result is None:
                if len(cache) >= CACHE_CELLS:
                    cache.clear()
                if strptime:
                    result = _attempt(lambda text=text, fmt=fmt: _strptime(text, fmt, self.tz))
                else:
                    result = _attempt(lambda text=text: _one(text, self.order, self.tz, declared=self.fmt is not None,
                                                             check_iso=self.check_iso))
                cache[text] = result
            _store(out, i, result)
            if not strptime and result[0] is not None and _two_digit_year(text):
                self.short_years += 1
        return out

    def notes(self) -> list[str]:
        notes = list(self._notes)
        if self.short_years:
            notes.append(
                f"{self.short_years:,} dates in {self.column!r} have two-digit years: read by the POSIX rule "
                "(69–99 as 1969–1999, 00–68 as 2000–2068)"
            )
        return notes


# Years 1970–2037 only: past 2037 Arrow's zone rules are not Python's (Paris's summer time of
# 2038 read as winter time), and before 1970 they are not tested here.
_LOCAL_SECONDS = r"^(?:19[7-9][0-9]|20[0-2][0-9]|203[0-7])-[0-9]{2}-[0-9]{2} (?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$"


def _zoned_local_times(cells: list[str | None], tz, values: list[str | None]):
    """The cells written `YYYY-MM-DD HH:MM:SS` (no zone, nothing around them) read in Arrow
    when the import names a time zone: the same UTC text `_iso_in_zone` gives, written into
    `values`; returns which cells it read (None when it read none). A time that falls in a DST
    gap, or that Arrow does not read back as written, is left to `_one`. An ambiguous time (the
    hour the clocks go back) is the first of the two, as `replace(tzinfo=...)` (fold 0) reads it."""
    key = getattr(tz, "key", None)
    if key is None or not cells:
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    texts = pa.array(cells, type=pa.string())
    shaped = pc.fill_null(pc.match_substring_regex(texts, _LOCAL_SECONDS), False)
    if not pc.any(shaped).as_py():
        return None
    local = pc.strptime(pc.if_else(shaped, texts, None), format="%Y-%m-%d %H:%M:%S", unit="s", error_is_null=True)
    same = pc.equal(pc.strftime(local, format="%Y-%m-%d %H:%M:%S"), texts)
    early = pc.assume_timezone(local, timezone=key, ambiguous="earliest", nonexistent="earliest")
    late = pc.assume_timezone(local, timezone=key, ambiguous="earliest", nonexistent="latest")
    done = pc.fill_null(pc.and_(same, pc.equal(early, late)), False)
    utc = pc.strftime(pc.cast(early, pa.timestamp("s", "UTC")), format="%Y-%m-%dT%H:%M:%SZ")
    read = done.to_pylist()
    for i, text in enumerate(pc.if_else(done, utc, None).to_pylist()):
        if read[i]:
            values[i] = text
    return read


def _clean(cell: str | None) -> str:
    return " ".join(cell.split()) if cell else ""


def _attempt(fn) -> tuple[str | None, str | None]:
    try:
        return fn(), None
    except _Reject as exc:
        return None, str(exc)


def _store(out: DateColumn, i: int, result: tuple[str | None, str | None]) -> None:
    value, error = result
    if error is not None:
        out.errors[i] = error
    else:
        out.values[i] = value


def _two_digit_year(text: str) -> bool:
    for pattern in (NUMERIC, DAY_NAME):
        m = pattern.match(text)
        if m:
            return len(m.group("year")) == 2
    return False


def _column_order(pieces) -> tuple[str | None, str]:
    """Decide month/day or day/month for the numeric dates of a column, from what the values prove
    (`pieces`: the column's cells, as lists one after another)."""
    month_first_proof = day_first_proof = None
    for cells in pieces:
        for cell in cells:
            m = NUMERIC.match(_clean(cell))
            if not m:
                continue
            a, b = int(m.group("a")), int(m.group("b"))
            if a > 12 and day_first_proof is None:
                day_first_proof = _clean(cell)
            if b > 12 and month_first_proof is None:
                month_first_proof = _clean(cell)
            if month_first_proof and day_first_proof:
                break
        if month_first_proof and day_first_proof:
            break
    if month_first_proof and not day_first_proof:
        return "md", (
            f"numeric dates in {{column!r}} were read as month/day/year: {month_first_proof!r} "
            "has a day above 12 and no value has a month above 12"
        )
    if day_first_proof and not month_first_proof:
        return "dm", (
            f"numeric dates in {{column!r}} were read as day/month/year: {day_first_proof!r} "
            "has a day above 12 in first place and no value has one in second place"
        )
    if day_first_proof and month_first_proof:
        return "mixed:" + f"{month_first_proof!r} and {day_first_proof!r}", ""
    return None, ""


def _one(text: str, order: str | None, tz, declared: bool, check_iso: bool = False) -> str | None:
    if _ISO.match(text) or _EPOCH.match(text):
        if check_iso:
            _check_iso(text)
        return _iso_in_zone(text, tz)
    m = NUMERIC.match(text)
    if m:
        a, b = int(m.group("a")), int(m.group("b"))
        if order is None:
            raise _Reject(
                "the day/month order is ambiguous: no value in the column has a part above 12; "
                "declare the date format (month-first, day-first or a strptime format)"
            )
        if order.startswith("mixed:"):
            raise _Reject(
                f"the column mixes month/day and day/month dates ({order[6:]}); declare the date format"
            )
        month, day = (a, b) if order == "md" else (b, a)
        if month > 12:
            first = "first" if order == "md" else "second"
            raise _Reject(
                f"{month} cannot be a month: the column's dates are "
                f"{'month/day' if order == 'md' else 'day/month'}, the month {first}"
                + ("" if declared else " (declare the date format if that is wrong)")
            )
        return _build(m, full_year(m.group("year")), month, day, tz)
    for pattern in (DAY_NAME, NAME_DAY, TIME_FIRST):
        m = pattern.match(text)
        if m:
            named = MONTHS.get(m.group("month").lower())
            if named is None:
                raise _Reject(f"{m.group('month')!r} is not a month name")
            return _build(m, full_year(m.group("year")), named, int(m.group("day")), tz)
    raise _Reject(
        "not a date layout we read: ISO 8601 (2020-07-10), 7/10/2020, 10 July 2020, 10-Jul-20, "
        "Jul 10 2020 or 7:51 PM ET Fri, 10 July 2020 (or declare a strptime format)"
    )


def full_year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 1900 if year >= 69 else 2000
    return year


def _build(m: re.Match, year: int, month: int, day: int, tz) -> str:
    try:
        date = dt.date(year, month, day)
    except ValueError:
        raise _Reject(f"not a real date ({year:04d}-{month:02d}-{day:02d} does not exist)") from None
    groups = m.groupdict()
    weekday = groups.get("weekday")
    if weekday:
        wanted = WEEKDAYS.get(weekday.lower())
        if wanted is None:
            raise _Reject(f"{weekday!r} is not a weekday")
        if wanted != date.weekday():
            raise _Reject(f"{date:%d %B %Y} was a {WEEKDAY_NAMES[date.weekday()]}, not a {WEEKDAY_NAMES[wanted]}")
    if groups.get("hour") is None:
        if groups.get("zone"):
            raise _Reject("a time zone without a time of day")
        return date.isoformat()
    hour, minute = int(m.group("hour")), int(m.group("minute"))
    second = int(m.group("second") or 0)
    ampm = (groups.get("ampm") or "").replace(".", "").lower()
    if ampm:
        if not 1 <= hour <= 12:
            raise _Reject(f"{hour} is not an hour on a 12-hour clock")
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    try:
        local = dt.datetime(year, month, day, hour, minute, second)
    except ValueError:
        raise _Reject(f"not a real time of day ({hour:02d}:{minute:02d}:{second:02d})") from None
    zone = groups.get("zone")
    if zone:
        return _utc_text(_attach_zone(local, zone))
    if tz is not None:
        return _utc_text(local.replace(tzinfo=tz))
    return local.isoformat()


def offset_minutes(zone: str) -> int:
    """Minutes east of UTC of a `±HH[:MM]` offset; _Reject unless it is a real one (at most
    ±14:00, minutes below 60): `+99:99` or `+24:00` would shift the instant by days."""
    digits = zone.replace(":", "")
    hours, minutes = int(digits[1:3]), int(digits[3:5] or 0)
    if hours > 14 or minutes >= 60 or hours * 60 + minutes > 14 * 60:
        raise _Reject(f"the time-zone offset {zone} is not a real one: offsets run from -14:00 to +14:00, with minutes below 60")
    return -(hours * 60 + minutes) if zone[0] == "-" else hours * 60 + minutes


def _attach_zone(local: dt.datetime, zone: str) -> dt.datetime:
    if zone[0] in "+-":
        minutes = offset_minutes(zone)
        return local.replace(tzinfo=dt.timezone(dt.timedelta(minutes=minutes)))
    known = ZONES.get(zone.upper())
    if known is None:
        raise _Reject(f"unknown time zone {zone!r} (we read {', '.join(ZONES)} or ±HH:MM)")
    if isinstance(known, int):
        return local.replace(tzinfo=dt.timezone(dt.timedelta(minutes=known)))
    from zoneinfo import ZoneInfo

    return local.replace(tzinfo=ZoneInfo(known))


def _utc_text(aware: dt.datetime) -> str:
    return aware.astimezone(dt.UTC).replace(tzinfo=None).isoformat() + "Z"


def _iso_in_zone(text: str, tz) -> str:
    """ISO and epoch cells go to the validator as written, unless a naive time needs a zone."""
    if tz is None or _EPOCH.match(text):
        return text
    m = _ISO.match(text)
    if m is None or not m.group(2) or m.group(3):  # a date alone, or a time that has its zone
        return text
    try:
        local = dt.datetime.fromisoformat(f"{m.group(1)}T{m.group(2).replace(',', '.')}")
    except ValueError:
        return text  # the validator says what is wrong with it
    return _utc_text(local.replace(tzinfo=tz))


def _check_iso(text: str) -> None:
    m = _ISO.match(text)
    if m is None:
        return  # epoch numbers are always real moments
    if m.group(3) and m.group(3)[0] in "+-":
        offset_minutes(m.group(3))
    try:
        dt.date.fromisoformat(m.group(1))
        if m.group(2):
            clock = m.group(2).replace(",", ".")
            head, _, fraction = clock.partition(".")
            dt.time.fromisoformat(head + ("." + fraction[:6].ljust(6, "0") if fraction else ""))
    except ValueError:
        raise _Reject("not a real date or time") from None


def _strptime(text: str, fmt: str, tz) -> str:
    try:
        parsed = dt.datetime.strptime(text, fmt)
    except ValueError as exc:
        reason = str(exc)
        if "does not match format" in reason:
            raise _Reject(f"does not match the declared date format {fmt!r}") from None
        raise _Reject(f"not a real date or time ({reason})") from None
    if parsed.tzinfo is not None:
        return _utc_text(parsed)
    if tz is not None:
        return _utc_text(parsed.replace(tzinfo=tz))
    has_time = any(code in fmt for code in ("%H", "%I", "%M", "%S", "%X", "%c", "%T", "%R"))
    return parsed.isoformat() if has_time else parsed.date().isoformat()
