"""JSON arrays of records and JSON Lines to a raw table."""

from __future__ import annotations

import json

import pyarrow as pa

from dashboard.loading.load_report import LoadError, LoadLimits, Rejection
from dashboard.loading.raw import RawTable, nested_column, physical_lines, raw_column, to_arrow


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


class _JsonRows:
    def __init__(self, limits: LoadLimits):
        self.limits = limits
        self.labels: list[str] = []
        self.index: dict[str, int] = {}
        self.rows: list[dict[str, str | None]] = []
        self.nested: list[set[str]] = []
        self.records: list[int] = []
        self.lines: list[int | None] = []
        self.rejections: list[Rejection] = []
        self.count = 0

    def add(self, obj: object, line: int | None) -> None:
        self.count += 1
        if self.count > self.limits.max_rows:
            raise LoadError("size-error", f"the file has more than {self.limits.max_rows:,} records")

        def reject(column: str, value: object, code: str, reason: str) -> None:
            self.rejections.append(Rejection(self.count, line, column, (_cell(value) or "")[:80], code, reason))

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
        cells: dict[str, str | None] = {}
        nested: set[str] = set()
        for key, value in obj.items():
            if len(key) > self.limits.max_cell_chars:
                raise LoadError("size-error", "a key is longer than the cell-size limit")
            if key not in self.index:
                if len(self.labels) >= self.limits.max_columns:
                    raise LoadError("size-error", f"the records have more than {self.limits.max_columns:,} distinct keys")
                self.index[key] = len(self.labels)
                self.labels.append(key)
            cell = _cell(value)
            if cell is not None and len(cell) > self.limits.max_cell_chars:
                reject(
                    key,
                    cell,
                    "constraint-error",
                    f"the value holds {len(cell):,} characters; the limit is {self.limits.max_cell_chars:,}",
                )
                return
            cells[key] = cell
            if isinstance(value, (dict, list)):
                nested.add(key)
        self.rows.append(cells)
        self.nested.append(nested)
        self.records.append(self.count)
        self.lines.append(line)

    def table(self, fmt: str) -> RawTable:
        width = len(self.labels)
        cells = [[r.get(k) for k in self.labels] for r in self.rows]
        table = to_arrow(width, cells, self.records, self.lines)
        # A list or object is kept as its JSON text; a flag column says which cells were
        # nested, so that validate.py rejects them in a contract column instead of loading
        # '{"name": "A"}' as an actor.
        for i, key in enumerate(self.labels):
            flags = [key in n for n in self.nested]
            if any(flags):
                table = table.append_column(nested_column(raw_column(i)), pa.array(flags, type=pa.bool_()))
        return RawTable(list(self.labels), table, self.count, fmt, self.rejections)


def parse_json_array(text: str, limits: LoadLimits) -> RawTable:
    decoder = _decoder()
    rows = _JsonRows(limits)
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


def parse_json_lines(text: str, limits: LoadLimits) -> RawTable:
    decoder = _decoder()
    lines = [line.rstrip("\r\n") for line in physical_lines(text)]
    first = lines[0].strip() if lines else ""
    # One object spread over several lines is a JSON document, not JSON Lines.
    try:
        decoder.decode(first)
    except json.JSONDecodeError:
        try:
            whole = decoder.decode(text)
        except json.JSONDecodeError as exc:
            raise LoadError("format-error", f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
        except RecursionError:
            raise LoadError("format-error", "the JSON is nested too deeply to be a table") from None
        raise LoadError(
            "format-error",
            f"the file is one JSON object with keys {', '.join(list(whole)[:5])}; "
            "expected an array of records or JSON Lines",
        ) from None
    except RecursionError:
        raise LoadError("format-error", "the JSON is nested too deeply to be a table") from None
    rows = _JsonRows(limits)
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            rows.count += 1
            rows.rejections.append(Rejection(rows.count, number, "", "", "blank-row", "the line is empty"))
            continue
        try:
            obj = decoder.decode(raw)
        except json.JSONDecodeError as exc:
            rows.count += 1
            rows.rejections.append(
                Rejection(rows.count, number, "", raw[:80], "format-error", f"not valid JSON: {exc.msg} at column {exc.colno}")
            )
            continue
        except RecursionError:
            rows.count += 1
            rows.rejections.append(
                Rejection(rows.count, number, "", raw[:80], "format-error", "the JSON is nested too deeply")
            )
            continue
        rows.add(obj, number)
    return rows.table("JSON Lines")
