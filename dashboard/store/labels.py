"""People's tone labels, kept in the store: one label (negative, neutral or positive) per
distinct text of a dataset, taught in the labelling view; exported as a labels file that
`boilingpoint tone fit` reads (columns text, label).

A text is identified by the SHA-256 of its exact characters, within the dataset it was
labelled in (its content key), so the same data opened again find their labels."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io

from dashboard.store.db import Store, closing
from dashboard.tone.labels import normalise_label

MAX_LABEL_TEXT_CHARS = 20_000  # a mention longer than this is not a tweet or a headline
MAX_LABELS_PER_DATASET = 100_000
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\0")  # as store.notes: a spreadsheet would run these


class LabelError(ValueError):
    """A label that cannot be kept, with the reason in words."""


def text_key(text: str) -> str:
    """The identity of a text: the SHA-256 of its UTF-8 bytes, hex."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _checked_text(text) -> str:
    if not isinstance(text, str) or not text.strip():
        raise LabelError("a label needs a text")
    if "\0" in text:
        raise LabelError("the text holds a NUL character")
    if len(text) > MAX_LABEL_TEXT_CHARS:
        raise LabelError(f"the text is {len(text):,} characters long; at most {MAX_LABEL_TEXT_CHARS:,}")
    return text


def set_label(store: Store, dataset: str, text: str, label) -> str | None:
    """Keep `label` for `text` in `dataset` (replacing an earlier one); None or "" removes it.
    Returns the label kept (normalised: negative / neutral / positive, or -1/0/1 read as
    those), or None when removed. LabelError says why a label cannot be kept."""
    if not dataset:
        raise LabelError("a label belongs to a dataset")
    body = _checked_text(text)
    try:
        name = normalise_label(label)
    except ValueError as exc:
        raise LabelError(str(exc)) from None
    key = text_key(body)
    with closing(store.connect()) as conn:
        if name is None:
            conn.execute("DELETE FROM tone_labels WHERE dataset = ? AND key = ?", (dataset, key))
            return None
        conn.execute("BEGIN IMMEDIATE")
        try:
            exists = conn.execute("SELECT 1 FROM tone_labels WHERE dataset = ? AND key = ?", (dataset, key)).fetchone()
            if not exists:
                (n,) = conn.execute("SELECT count(*) FROM tone_labels WHERE dataset = ?", (dataset,)).fetchone()
                if n >= MAX_LABELS_PER_DATASET:
                    raise LabelError(f"this dataset already has {n:,} labels, the most kept")
            now = dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(timespec="seconds")
            conn.execute(
                "INSERT INTO tone_labels (dataset, key, text, label, updated) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (dataset, key) DO UPDATE SET label = excluded.label, updated = excluded.updated",
                (dataset, key, body, name, now))
            conn.execute("COMMIT")
        except Exception:
            conn.execute("ROLLBACK")
            raise
    return name


def list_labels(store: Store | None, dataset: str) -> dict[str, str]:
    """The labels of a dataset: {text: label}, in the order they were first kept."""
    if store is None or not dataset:
        return {}
    with closing(store.connect()) as conn:
        rows = conn.execute("SELECT text, label FROM tone_labels WHERE dataset = ? ORDER BY rowid", (dataset,)).fetchall()
    return {text: label for text, label in rows}


def label_counts(store: Store | None, dataset: str) -> dict[str, int]:
    """How many texts of the dataset carry each label (labels without any are left out)."""
    if store is None or not dataset:
        return {}
    with closing(store.connect()) as conn:
        rows = conn.execute("SELECT label, count(*) FROM tone_labels WHERE dataset = ? GROUP BY label ORDER BY label",
                            (dataset,)).fetchall()
    return {label: int(n) for label, n in rows}


def clear_labels(store: Store, dataset: str) -> int:
    """Remove every label of a dataset; the number removed."""
    with closing(store.connect()) as conn:
        return conn.execute("DELETE FROM tone_labels WHERE dataset = ?", (dataset,)).rowcount


def export_labels_csv(labels: dict[str, str]) -> bytes:
    """The labels as a CSV (text,label) that `boilingpoint tone fit FILE --text text --label
    label` reads. A text that a spreadsheet would run as a formula gets a leading apostrophe."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["text", "label"])
    for text, label in labels.items():
        writer.writerow(["'" + text if text.startswith(FORMULA_PREFIXES) else text, label])
    return out.getvalue().encode("utf-8")
