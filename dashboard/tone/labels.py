"""People's tone labels: read from a file, normalised to negative / neutral / positive."""

from __future__ import annotations

import math
from pathlib import Path

LABELS = ("negative", "neutral", "positive")
MIN_LABELS = 20  # fewer labelled rows than this cannot be cross-validated meaningfully
_NUMERIC = {-1: "negative", 0: "neutral", 1: "positive"}


def normalise_label(value) -> str | None:
    """'Negative', ' positive ', -1, '0', 1.0 → a class name; None when empty; ValueError otherwise."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a tone label")
    if isinstance(value, int | float):
        if value in _NUMERIC:
            return _NUMERIC[int(value)]
        raise ValueError(f"{value!r} is not a tone label (negative, neutral, positive, or -1, 0, 1)")
    text = str(value).strip().lower()
    if not text:
        return None
    if text in LABELS:
        return text
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if number in _NUMERIC:
        return _NUMERIC[int(number)]
    raise ValueError(f"{str(value)[:40]!r} is not a tone label (negative, neutral, positive, or -1, 0, 1)")


def normalise_labels(texts, labels) -> tuple[list[str], list[str]]:
    """The (text, label) pairs that have both, labels normalised; ValueError naming the first bad row."""
    if len(texts) != len(labels):
        raise ValueError(f"{len(texts):,} texts but {len(labels):,} labels")
    out_t: list[str] = []
    out_l: list[str] = []
    for row, (text, label) in enumerate(zip(texts, labels), start=1):
        try:
            name = normalise_label(label)
        except ValueError as exc:
            raise ValueError(f"row {row:,}: {exc}") from None
        if name is None or text is None or (isinstance(text, float) and math.isnan(text)) or not str(text).strip():
            continue
        out_t.append(str(text))
        out_l.append(name)
    return out_t, out_l


def read_table(data: bytes, name: str):
    """A CSV, TSV, JSON (Lines) or Parquet file's bytes as a frame (by its name's suffix, CSV
    otherwise); ValueError when it cannot be read."""
    import io

    import pandas as pd

    suffix = Path(name).suffix.lower()
    try:
        if suffix in (".parquet", ".pq"):
            return pd.read_parquet(io.BytesIO(data))
        if suffix == ".jsonl":
            return pd.read_json(io.BytesIO(data), lines=True, dtype=False)
        if suffix == ".json":
            return pd.read_json(io.BytesIO(data), dtype=False)
        return pd.read_csv(io.BytesIO(data), sep="\t" if suffix == ".tsv" else ",", dtype=str,
                           keep_default_na=False, encoding="utf-8-sig")
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError, OSError, ImportError) as exc:
        raise ValueError(f"cannot read the file: {str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__}") from None


def load_labels(path: str | Path, text_column: str, label_column: str, max_bytes: int = 200 * 1024 * 1024) -> tuple[list[str], list[str]]:
    """The labelled texts of a CSV, TSV, JSON (Lines) or Parquet file; ValueError when unusable."""
    from dashboard.loading import LoadError, read_regular_file

    p = Path(path)
    try:
        data = read_regular_file(p, max_bytes)
    except LoadError as exc:
        raise ValueError(f"{p}: {exc.message}") from None
    try:
        frame = read_table(data, p.name)
    except ValueError as exc:
        raise ValueError(f"{p}: cannot read the labels file: {str(exc).removeprefix('cannot read the file: ')}") from None
    columns = [str(c) for c in frame.columns]
    missing = [c for c in (text_column, label_column) if c not in columns]
    if missing:
        raise ValueError(f"{p}: no column {', '.join(repr(c) for c in missing)}; the file has {', '.join(columns[:20]) or 'none'}")
    return normalise_labels(frame[text_column].tolist(), frame[label_column].tolist())


def distinct_texts(values, limit: int) -> tuple[list[str], int]:
    """The first `limit` distinct non-empty texts among `values` (in their order), and how
    many distinct ones there were in all."""
    seen: dict[str, None] = {}
    for v in values:
        if isinstance(v, str) and v.strip() and "\0" not in v:
            seen.setdefault(v)
    texts = list(seen)
    return texts[:limit], len(texts)
