"""JSON arrays of records and JSON Lines to a raw table."""

from __future__ import annotations

import json
import re

import pyarrow as pa

from dashboard.loading.load_report import LoadError, LoadLimits, Rejection
from dashboard.loading.raw import LINE, RECORD, Lines, RawTable, RejectionLog, nested_column, raw_column, to_arrow


class _DuplicateKeys(dict):
    """An object whose JSON text repeated a key; the row is rejected, not silently merged."""

    duplicates: list[str]


def _object_pairs(pairs: list[tuple[str, object]]) -> dict:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        dups = []
        for k, _ in pairs:
            if k in seen:
                dups.append(k)
            seen.add(k)
        out = _DuplicateKeys(obj)
        out.duplicates = dups
        return out
    return obj


class _JsonNumber(str):
    """A JSON number (or NaN / Infinity literal), kept as the exact text it was written as."""


def _decoder() -> json.JSONDecoder:
    # Numbers keep their exact text (20- or 30-digit ids survive); NaN/Infinity literals
    # stay text for the value checks to judge; dates are never converted here.
    return json.JSONDecoder(
        object_pairs_hook=_object_pairs,
        parse_int=_JsonNumber,
        parse_float=_JsonNumber,
        parse_constant=_JsonNumber,
    )


def _cell(value: object) -> str | None:
    """A JSON value as cell text; lists and objects as JSON text."""
    if value is None:
        return None
    if isinstance(value, str):
        return str(value)
    return _json_text(value)


class _Literal(str):
    """Punctuation written as is by _json_text."""


def _json_text(value: object) -> str:
    """A value back to JSON text with numbers as written (json.dumps would quote them).

    Iterative, so that a value nested as deeply as the decoder allows cannot overflow the stack.
    """
    out: list[str] = []
    stack: list[object] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, (_Literal, _JsonNumber)):
            out.append(str(item))
        elif isinstance(item, str):
            out.append(json.dumps(item, ensure_ascii=False))
        elif item is None:
            out.append("null")
        elif isinstance(item, bool):
            out.append("true" if item else "false")
        elif isinstance(item, dict):
            parts: list[object] = [_Literal("{")]
            for i, (k, v) in enumerate(item.items()):
                parts += [_Literal((", " if i else "") + json.dumps(k, ensure_ascii=False) + ": "), v]
            stack.extend(reversed(parts + [_Literal("}")]))
        elif isinstance(item, list):
            parts = [_Literal("[")]
            for i, v in enumerate(item):
                parts += [_Literal(", "), v] if i else [v]
            stack.extend(reversed(parts + [_Literal("]")]))
        else:
            out.append(json.dumps(item, ensure_ascii=False))
    return "".join(out)


def _record_kind(obj: object) -> str:
    if obj is None:
        return "null"
    if isinstance(obj, _JsonNumber):
        return "a number"
    if isinstance(obj, str):
        return "a string"
    if isinstance(obj, bool):
        return "true" if obj else "false"
    if isinstance(obj, list):
        return "a list"
    return type(obj).__name__


_SURROGATE = re.compile("[\ud800-\udfff]")


class _JsonRows:
    """Records to cells, one record at a time; a record that cannot be a row is rejected alone.

    Keys naming a contract column in another case or with spaces (`Actor`, ` date`) are read
    as that column, so records that spell a key differently still line up. Rows go to Arrow a
    chunk at a time and rejections past the listed cap are only counted (bounded memory).
    """

    CHUNK = 65_536

    def __init__(self, limits: LoadLimits, expected: tuple[str, ...] = ()):
        self.limits = limits
        self.expected = {e.lower(): e for e in expected}
        self.labels: list[str] = []
        self.index: dict[str, int] = {}
        self.rows: list[dict[str, str | None]] = []
        self.nested: list[set[str]] = []
        self.records: list[int] = []
        self.lines: list[int | None] = []
        self.chunks: list[tuple[list[str], pa.Table, dict[str, list[bool]]]] = []
        self.log = RejectionLog(limits.max_listed_rejections)
        self.renamed: dict[str, str] = {}
        self.count = 0

    def reject_record(self, line: int | None, column: str, value: str, code: str, reason: str) -> None:
        self.count += 1
        if self.count > self.limits.max_rows:
            raise LoadError("size-error", f"the file has more than {self.limits.max_rows:,} records")
        self.log.add(Rejection(self.count, line, column, value[:80], code, reason))

    def _key(self, key: str) -> str:
        name = self.expected.get(key.strip().lower())
        if name is None or name == key:
            return key
        self.renamed.setdefault(key, name)
        return name

    def add(self, obj: object, line: int | None) -> None:
        self.count += 1
        if self.count > self.limits.max_rows:
            raise LoadError("size-error", f"the file has more than {self.limits.max_rows:,} records")

        def reject(column: str, value: object, code: str, reason: str) -> None:
            text = value if isinstance(value, str) else (_cell(value) or "")
            self.log.add(Rejection(self.count, line, _printable(column), _printable(text[:80]), code, reason))

        if not isinstance(obj, dict):
            reject("", obj, "type-error", f"the record is {_record_kind(obj)}, not an object")
            return
        if isinstance(obj, _DuplicateKeys):
            key = obj.duplicates[0]
            reject(key, obj[key], "duplicate-label", f"the record repeats the key {key!r}")
            return
        if not obj:
            reject("", "{}", "blank-row", "the record is empty")
            return
        keys: dict[str, str] = {}
        for key in obj:
            if len(key) > self.limits.max_cell_chars:
                reject("", key[:80], "constraint-error",
                       f"a key holds {len(key):,} characters; the limit is {self.limits.max_cell_chars:,}")
                return
            if _SURROGATE.search(key):
                reject("", key, "type-error", "a key holds a lone surrogate (an unpaired \\ud800-\\udfff escape), not text")
                return
            name = self._key(key)
            if name in keys.values():
                other = next(k for k, v in keys.items() if v == name)
                reject(name, obj[key], "duplicate-label", f"the record names the column {name!r} twice ({other!r} and {key!r})")
                return
            keys[key] = name
        new = [n for n in keys.values() if n not in self.index]
        if len(self.labels) + len(new) > self.limits.max_columns:
            reject("", "", "constraint-error",
                   f"the record brings the file's distinct keys to {len(self.labels) + len(new):,}; "
                   f"the limit is {self.limits.max_columns:,} (the record has {len(obj):,} keys)")
            return
        cells: dict[str, str | None] = {}
        nested: set[str] = set()
        for key, value in obj.items():
            name = keys[key]
            cell = _cell(value)
            if cell is not None and len(cell) > self.limits.max_cell_chars:
                reject(name, cell, "constraint-error",
                       f"the value holds {len(cell):,} characters; the limit is {self.limits.max_cell_chars:,}")
                return
            if cell is not None and _SURROGATE.search(cell):
                reject(name, cell, "type-error", "the value holds a lone surrogate (an unpaired \\ud800-\\udfff escape), not text")
                return
            cells[name] = cell
            if isinstance(value, (dict, list)):
                nested.add(name)
        for name in new:
            self.index[name] = len(self.labels)
            self.labels.append(name)
        self.rows.append(cells)
        self.nested.append(nested)
        self.records.append(self.count)
        self.lines.append(line)
        if len(self.rows) >= self.CHUNK:
            self._flush()

    def _flush(self) -> None:
        labels = list(self.labels)
        cells = [[r.get(k) for k in labels] for r in self.rows]
        table = to_arrow(len(labels), cells, self.records, self.lines)
        flags = {k: [k in n for n in self.nested] for k in labels if any(k in n for n in self.nested)}
        self.chunks.append((labels, table, flags))
        self.rows, self.nested, self.records, self.lines = [], [], [], []

    def table(self, fmt: str) -> RawTable:
        self._flush()
        width = len(self.labels)
        flagged = {k for _, _, flags in self.chunks for k in flags}
        parts = []
        for labels, chunk, flags in self.chunks:
            n = chunk.num_rows
            arrays = {}
            for i in range(width):
                arrays[raw_column(i)] = chunk.column(raw_column(i)) if i < len(labels) else pa.nulls(n, pa.string())
            arrays[RECORD] = chunk.column(RECORD)
            arrays[LINE] = chunk.column(LINE)
            # A list or object is kept as its JSON text; a flag column says which cells were
            # nested, so that validate.py rejects them in a contract column instead of loading
            # '{"name": "A"}' as an actor.
            for i, key in enumerate(self.labels):
                if key in flagged:
                    arrays[nested_column(raw_column(i))] = pa.array(flags.get(key, [False] * n), type=pa.bool_())
            parts.append(pa.table(arrays))
        table = pa.concat_tables(parts) if len(parts) > 1 else parts[0]
        notes = []
        if self.renamed:
            notes.append("keys matched to columns without case or spaces: "
                         + ", ".join(f"{k!r} → {v}" for k, v in list(self.renamed.items())[:8]))
        if width == 0 and table.num_rows == 0:
            table = to_arrow(0, [], [], [])
        return RawTable(list(self.labels), table, self.count, fmt, self.log.listed, notes, unlisted=self.log.unlisted)


def _printable(text: str) -> str:
    """Lone surrogates cannot be written as UTF-8: shown as their escapes in the report."""
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text) if _SURROGATE.search(text) else text


def parse_json_array(text: str, limits: LoadLimits, expected: tuple[str, ...] = ()) -> RawTable:
    decoder = _decoder()
    rows = _JsonRows(limits, expected)
    pos = text.index("[") + 1
    n = len(text)

    def skip_ws(i: int) -> int:
        while i < n and text[i] in " \t\r\n":
            i += 1
        return i

    def fail(i: int, what: str) -> LoadError:
        ln = text.count("\n", 0, i) + 1
        col = i - (text.rfind("\n", 0, i) + 1) + 1
        return LoadError("format-error", f"invalid JSON at line {ln}, column {col}: {what}")

    counted, line = 0, 1  # line number of position `counted`, advanced incrementally

    pos = skip_ws(pos)
    if pos < n and text[pos] == "]":
        pos += 1
    else:
        while True:
            pos = skip_ws(pos)
            line += text.count("\n", counted, pos)
            counted = pos
            start_line = line
            try:
                obj, end = decoder.raw_decode(text, pos)
            except json.JSONDecodeError as exc:
                raise fail(exc.pos, exc.msg) from None
            except RecursionError:
                raise LoadError("format-error", "the JSON is nested too deeply to be a table") from None
            rows.add(obj, start_line)
            pos = skip_ws(end)
            if pos < n and text[pos] == ",":
                nxt = skip_ws(pos + 1)
                if nxt < n and text[nxt] == "]":
                    raise fail(pos, "trailing comma before ']'")
                pos += 1
                continue
            if pos < n and text[pos] == "]":
                pos += 1
                break
            raise fail(pos, "expected ',' or ']'")
    if text[pos:].strip():
        raise fail(skip_ws(pos), "extra data after the closing ']'")
    return rows.table("JSON")


def parse_json_lines(text: str, limits: LoadLimits, expected: tuple[str, ...] = ()) -> RawTable:
    """One JSON record per line; a line that is not one (invalid, nested too deeply, not an
    object) is rejected alone — the first line too — and the lines after it still load.

    A file whose first line is not a record but whose whole text is one JSON object is a
    JSON document spread over lines, not JSON Lines: that is said as a file-level error.
    """
    decoder = _decoder()
    lines = Lines(text)
    first = lines.peek(lines.state()).strip()
    if not _decodes(decoder, first) and len(text) <= 64 * 1024 * 1024:
        try:
            whole = decoder.decode(text)
        except (json.JSONDecodeError, RecursionError):
            whole = None
        if isinstance(whole, dict):
            raise LoadError(
                "format-error",
                f"the file is one JSON object with keys {', '.join(list(whole)[:5])}; "
                "expected an array of records or JSON Lines",
            )
    rows = _JsonRows(limits, expected)
    for number, line in enumerate(lines, start=1):
        raw = line.rstrip("\r\n")
        if not raw.strip():
            rows.reject_record(number, "", "", "blank-row", "the line is empty")
            continue
        try:
            obj = decoder.decode(raw)
        except json.JSONDecodeError as exc:
            rows.reject_record(number, "", _printable(raw[:80]), "format-error", f"not valid JSON: {exc.msg} at column {exc.colno}")
            continue
        except RecursionError:
            rows.reject_record(number, "", _printable(raw[:80]), "format-error", "the JSON is nested too deeply")
            continue
        rows.add(obj, number)
    if not rows.labels and rows.log.listed:
        first_bad = rows.log.listed[0]
        raise LoadError("format-error", f"no line of the file is a JSON record: line {first_bad.line}: {first_bad.reason}")
    return rows.table("JSON Lines")


def _decodes(decoder: json.JSONDecoder, text: str) -> bool:
    try:
        decoder.decode(text)
    except (json.JSONDecodeError, RecursionError):
        return False
    return True
