"""Narratives kept in the store, per dataset: a name and the keywords that define it
(dashboard/text/narratives.py). Found narratives are kept by their top terms; a user renames,
merges (the union of their keywords), defines one by keywords, and deletes.

A dataset is its content key (Dataset.key), so the same data opened again find their
narratives. Names are unique within a dataset."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence

from dashboard.contract import NarrativeFilter
from dashboard.store.db import Store, closing
from dashboard.text.narratives import NarrativeError, clean_name, define, merge

MAX_NARRATIVES_PER_DATASET = 200
ORIGINS = ("found", "defined", "merged")


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(timespec="seconds")


def _check_dataset(dataset: str) -> None:
    if not dataset:
        raise NarrativeError("a narrative belongs to a dataset")


def list_narratives(store: Store | None, dataset: str) -> list[NarrativeFilter]:
    """The dataset's narratives, in the order they were first kept."""
    if store is None or not dataset:
        return []
    with closing(store.connect()) as conn:
        rows = conn.execute("SELECT name, keywords FROM narratives WHERE dataset = ? ORDER BY rowid", (dataset,)).fetchall()
    return [NarrativeFilter(name, tuple(json.loads(keywords))) for name, keywords in rows]


def resolve(store: Store | None, dataset: str, names: Iterable[str]) -> tuple[list[NarrativeFilter], list[str]]:
    """The kept narratives of these names (in the names' order), and the names not kept."""
    kept = {n.name: n for n in list_narratives(store, dataset)}
    found, unknown = [], []
    for name in dict.fromkeys(names):
        if name in kept:
            found.append(kept[name])
        else:
            unknown.append(name)
    return found, unknown


def save_narrative(store: Store, dataset: str, narrative: NarrativeFilter, origin: str = "defined",
                   replace: bool = False) -> NarrativeFilter:
    """Keep a narrative (checked again). A name already kept is refused unless `replace`."""
    _check_dataset(dataset)
    if origin not in ORIGINS:
        raise NarrativeError(f"origin must be one of {', '.join(ORIGINS)}, not {origin!r}")
    n = define(narrative.name, narrative.keywords)
    with closing(store.connect()) as conn:
        conn.execute("BEGIN IMMEDIATE")
        try:
            exists = conn.execute("SELECT 1 FROM narratives WHERE dataset = ? AND name = ?", (dataset, n.name)).fetchone()
            if exists and not replace:
                raise NarrativeError(f"a narrative named {n.name!r} exists already")
            if not exists:
                (count,) = conn.execute("SELECT count(*) FROM narratives WHERE dataset = ?", (dataset,)).fetchone()
                if count >= MAX_NARRATIVES_PER_DATASET:
                    raise NarrativeError(f"this dataset already has {count} narratives, the most kept")
            conn.execute(
                "INSERT INTO narratives (dataset, name, keywords, origin, updated) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (dataset, name) DO UPDATE SET keywords = excluded.keywords, origin = excluded.origin, "
                "updated = excluded.updated",
                (dataset, n.name, json.dumps(list(n.keywords), ensure_ascii=False), origin, _now()))
            conn.execute("COMMIT")
        except Exception:
            conn.execute("ROLLBACK")
            raise
    return n


def keep_found(store: Store, dataset: str, found: Sequence[NarrativeFilter]) -> int:
    """Keep the found narratives whose names are not kept yet; how many were added."""
    have = {n.name for n in list_narratives(store, dataset)}
    added = 0
    for n in found:
        if n.name not in have:
            save_narrative(store, dataset, n, origin="found")
            have.add(n.name)
            added += 1
    return added


def rename_narrative(store: Store, dataset: str, old: str, new: str) -> NarrativeFilter:
    """Give a kept narrative a new name (not one kept already); its keywords stay."""
    _check_dataset(dataset)
    name = clean_name(new)
    with closing(store.connect()) as conn:
        conn.execute("BEGIN IMMEDIATE")
        try:
            row = conn.execute("SELECT keywords FROM narratives WHERE dataset = ? AND name = ?", (dataset, old)).fetchone()
            if row is None:
                raise NarrativeError(f"no narrative named {old!r}")
            if name != old and conn.execute("SELECT 1 FROM narratives WHERE dataset = ? AND name = ?", (dataset, name)).fetchone():
                raise NarrativeError(f"a narrative named {name!r} exists already")
            conn.execute("UPDATE narratives SET name = ?, updated = ? WHERE dataset = ? AND name = ?", (name, _now(), dataset, old))
            conn.execute("COMMIT")
        except Exception:
            conn.execute("ROLLBACK")
            raise
    return NarrativeFilter(name, tuple(json.loads(row[0])))


def merge_narratives(store: Store, dataset: str, names: Sequence[str], new: str) -> NarrativeFilter:
    """Make one narrative of several (the union of their keywords, named `new`), in place of them."""
    _check_dataset(dataset)
    found, unknown = resolve(store, dataset, names)
    if unknown:
        raise NarrativeError(f"no narrative named {unknown[0]!r}")
    merged = merge(new, found)
    others = {n.name for n in list_narratives(store, dataset)} - {n.name for n in found}
    if merged.name in others:
        raise NarrativeError(f"a narrative named {merged.name!r} exists already")
    with closing(store.connect()) as conn:
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.executemany("DELETE FROM narratives WHERE dataset = ? AND name = ?", [(dataset, n.name) for n in found])
            conn.execute("INSERT INTO narratives (dataset, name, keywords, origin, updated) VALUES (?, ?, ?, 'merged', ?)",
                         (dataset, merged.name, json.dumps(list(merged.keywords), ensure_ascii=False), _now()))
            conn.execute("COMMIT")
        except Exception:
            conn.execute("ROLLBACK")
            raise
    return merged


def delete_narrative(store: Store, dataset: str, name: str) -> bool:
    """Remove a kept narrative; whether there was one."""
    with closing(store.connect()) as conn:
        return conn.execute("DELETE FROM narratives WHERE dataset = ? AND name = ?", (dataset, name)).rowcount > 0


def narratives_from_specs(specs: Sequence[str], store: Store | None, dataset: str) -> tuple[NarrativeFilter, ...]:
    """The narratives the command line names (`--narrative`): `NAME=KW1,KW2` defines one ad
    hoc; a bare NAME is looked up among the dataset's kept narratives. NarrativeError names
    an unknown one and lists those kept."""
    from dashboard.text.narratives import parse_definition

    out: list[NarrativeFilter] = []
    names = [s for s in specs if "=" not in s]
    kept, unknown = resolve(store, dataset, names)
    if unknown:
        have = [n.name for n in list_narratives(store, dataset)]
        known = ("the narratives kept for these data: " + ", ".join(repr(n) for n in have[:10])) if have else \
            "no narrative is kept for these data (define one ad hoc: --narrative 'NAME=KEYWORD,KEYWORD')"
        raise NarrativeError(f"unknown narrative {unknown[0]!r}; {known}")
    by_name = {n.name: n for n in kept}
    for spec in specs:
        n = parse_definition(spec) if "=" in spec else by_name[spec]
        if n not in out:
            out.append(n)
    return tuple(out)
