"""Actor dictionaries: one canonical name for the many ways a text or a file names an actor.

A dictionary maps each canonical name to its aliases ("Donald Trump": "Trump", "President
Trump", ...). It does two jobs, both pure:

- `canonicalise` rewrites the actor and target cells of a table whose value *is* an alias
  (matched without regard to case or repeated spaces), so "Trump", "TRUMP" and "President
  Trump" become one actor. Cells that are no alias stay exactly as they were.
- `find_actors` lists the canonical actors a text names: case-insensitive, whole words only
  ("Amazonian" is not "Amazon"), the longest alias winning where two overlap ("White House"
  is not also "House").

Two file layouts, told apart by their content:

    canonical,alias                     # CSV: one alias per row; a header row is optional
    Donald Trump,Trump
    Donald Trump,President Trump

    Donald Trump: [Trump, President Trump]   # YAML: {canonical: [aliases]} (needs PyYAML)
    Amazon:
      - Amazon.com

Lines starting with `#` are comments in both. Every canonical name is also its own alias.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

ACTOR_COLUMNS = ("actor", "target")
MAX_DICTIONARY_BYTES = 64 * 1024 * 1024  # a dictionary of a million aliases is ~30 MB


def actor_key(name: str) -> str:
    """How names are compared: case-folded, surrounding spaces removed, inner runs of spaces as one."""
    return " ".join(name.split()).casefold()


@dataclass(frozen=True)
class ActorDictionary:
    """Canonical names and their aliases. Build it with `actor_dictionary` or `load_actor_dictionary`."""

    aliases: dict[str, tuple[str, ...]]  # canonical -> aliases as written (the canonical first)
    lookup: dict[str, str] = field(repr=False)  # actor_key(alias) -> canonical
    pattern: re.Pattern[str] | None = field(default=None, repr=False, compare=False)  # matches any alias

    def __len__(self) -> int:
        return len(self.aliases)

    def canonical(self, name: str | None) -> str | None:
        """The canonical name when `name` is an alias (or a canonical name), else None."""
        if name is None:
            return None
        return self.lookup.get(actor_key(name))


def actor_dictionary(entries: Mapping[str, list[str] | tuple[str, ...] | str | None]) -> ActorDictionary:
    """Build a dictionary from {canonical: [aliases]}; raise ValueError on a clash.

    An alias given for two different canonical names (or a canonical name that is another
    one's alias) is an error, not a silent choice.
    """
    aliases: dict[str, list[str]] = {}
    lookup: dict[str, str] = {}
    for canonical, names in entries.items():
        canonical = " ".join(str(canonical).split())
        if not canonical:
            raise ValueError("an actor dictionary entry has an empty canonical name")
        if isinstance(names, str):
            names = [names]
        listed = aliases.setdefault(canonical, [canonical])
        for alias in [canonical, *(names or [])]:
            if alias is None:
                continue
            alias = " ".join(str(alias).split())
            if not alias:
                continue
            key = actor_key(alias)
            owner = lookup.get(key)
            if owner is not None and owner != canonical:
                raise ValueError(f"the alias {alias!r} is given for both {owner!r} and {canonical!r}")
            lookup[key] = canonical
            if alias not in listed:
                listed.append(alias)
    frozen = {k: tuple(v) for k, v in aliases.items()}
    return ActorDictionary(frozen, lookup, _pattern(frozen))


def load_actor_dictionary(source: bytes | str | Path) -> ActorDictionary:
    """Read a dictionary from bytes or a file path: CSV `canonical,alias` or YAML `{canonical: [aliases]}`.

    Raises ValueError with a plain message when the file cannot be read or makes no sense.
    """
    if isinstance(source, (str, Path)):
        from dashboard.loading import read_regular_file
        from dashboard.loading.load_report import LoadError

        try:
            data = read_regular_file(Path(source), MAX_DICTIONARY_BYTES)
        except LoadError as exc:
            raise ValueError(f"cannot read the actor dictionary {str(source)!r}: {exc.message}") from None
    else:
        data = source
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"the actor dictionary is not UTF-8 (byte {exc.start + 1:,})") from None
    meaningful = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    if not meaningful:
        raise ValueError("the actor dictionary is empty")
    if _looks_like_yaml(meaningful[0]):
        return _from_yaml(text)
    return _from_csv(meaningful)


def _looks_like_yaml(first: str) -> bool:
    """YAML when the first line is `name:` or `name: ...` with the colon before any comma."""
    stripped = first.strip()
    if stripped.startswith("{"):
        return True
    colon, comma = stripped.find(":"), stripped.find(",")
    return colon > 0 and (comma < 0 or colon < comma) and not stripped.startswith('"')


def _from_csv(lines: list[str]) -> ActorDictionary:
    entries: dict[str, list[str]] = {}
    rows = list(csv.reader(io.StringIO("\n".join(lines))))
    if rows and [c.strip().lower() for c in rows[0]][:2] == ["canonical", "alias"]:
        rows = rows[1:]
    for number, row in enumerate(rows, start=1):
        cells = [c.strip() for c in row]
        if not cells or not cells[0]:
            raise ValueError(f"actor dictionary row {number}: the canonical name (first column) is empty")
        if len(cells) > 2 and any(cells[2:]):
            raise ValueError(
                f"actor dictionary row {number}: expected `canonical,alias`, got {len(cells)} cells "
                "(quote an alias that holds a comma)"
            )
        entries.setdefault(cells[0], [])
        if len(cells) > 1 and cells[1]:
            entries[cells[0]].append(cells[1])
    return actor_dictionary(entries)


def _text_loader(yaml):
    """PyYAML's SafeLoader with no implicit types: every scalar is the text written.

    YAML 1.1 reads `NO`, `ON`, `yes`, `off` as booleans, `1e3` as a number and `~` as null —
    Norway (`NO`) would become False. Here keys and values stay strings; anchors and aliases
    (`&a` / `*a`) still work, and an empty value is an empty list of aliases.
    """

    class TextLoader(yaml.SafeLoader):
        pass

    TextLoader.yaml_implicit_resolvers = {}
    return TextLoader


def _from_yaml(text: str) -> ActorDictionary:
    try:
        import yaml
    except ImportError:  # pragma: no cover - PyYAML is installed with the app's dependencies
        raise ValueError("a YAML actor dictionary needs PyYAML (pip install pyyaml); or write it as CSV canonical,alias") from None
    try:
        data = yaml.load(text, Loader=_text_loader(yaml))  # noqa: S506 - a SafeLoader whose scalars all stay text
    except yaml.YAMLError as exc:
        raise ValueError(f"the actor dictionary is not valid YAML: {str(exc).splitlines()[0]}") from None
    if not isinstance(data, dict):
        raise ValueError("a YAML actor dictionary must map each canonical name to a list of aliases")
    entries: dict[str, list[str]] = {}
    for canonical, names in data.items():
        if names is None or names == "":
            names = []
        elif isinstance(names, str):
            names = [names]
        elif not isinstance(names, list) or any(isinstance(n, (dict, list)) for n in names):
            raise ValueError(f"the aliases of {canonical!r} must be a list of names")
        entries[str(canonical)] = [str(n) for n in names if n is not None]
    return actor_dictionary(entries)


# --- matching in text ----------------------------------------------------------------------


def _alias_regex(alias: str) -> str:
    return r"\s+".join(re.escape(part) for part in alias.split())


def _pattern(aliases: dict[str, tuple[str, ...]]) -> re.Pattern[str] | None:
    names = sorted({a for group in aliases.values() for a in group}, key=lambda a: (-len(a), a))
    if not names:
        return None
    # Alternation tries the longest alias first, and finditer never overlaps: "White House"
    # is consumed whole before "House" could match inside it. Lookarounds instead of \b so
    # that aliases starting or ending with punctuation ("@TikTok_US", "U.S.") still work.
    return re.compile(r"(?<!\w)(?:" + "|".join(_alias_regex(a) for a in names) + r")(?!\w)", re.IGNORECASE)


def find_actors(text: str | None, dictionary: ActorDictionary) -> list[str]:
    """The canonical actors a text names, in order of first appearance, each once."""
    if not text or dictionary.pattern is None:
        return []
    found: list[str] = []
    for match in dictionary.pattern.finditer(text):
        name = dictionary.lookup.get(actor_key(match.group(0)))
        if name is not None and name not in found:
            found.append(name)
    return found


# --- tables ----------------------------------------------------------------------------------


def canonicalise(table, dictionary: ActorDictionary, columns: tuple[str, ...] = ACTOR_COLUMNS):
    """A copy of `table` with every alias in its actor/target columns replaced by the canonical name.

    Works on a pyarrow Table or a pandas DataFrame and returns the same kind. Cells that are
    no alias, and empty cells, are left as they are.
    """
    return canonicalise_counted(table, dictionary, columns)[0]


def canonicalise_counted(table, dictionary: ActorDictionary, columns: tuple[str, ...] = ACTOR_COLUMNS):
    """`canonicalise`, also returning how many cells changed (for a load report)."""
    changed = 0
    if hasattr(table, "column_names"):  # pyarrow
        import pyarrow as pa
        import pyarrow.compute as pc

        out = table
        for name in columns:
            if name not in out.column_names:
                continue
            column = out.column(name)
            if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
                values = column.to_pylist()
                new = [_canonical_or_same(v, dictionary) for v in values]
                changed += sum(1 for a, b in zip(values, new) if a != b)
                out = out.set_column(out.column_names.index(name), name, pa.array(new, type=pa.string()))
                continue
            # Each distinct name looked up once, the column rebuilt in Arrow (millions of rows,
            # a few thousand names: never every cell as a Python string).
            distinct = pc.unique(column)
            names = distinct.to_pylist()
            mapped = [_canonical_or_same(v, dictionary) for v in names]
            differs = [a != b for a, b in zip(names, mapped)]
            if any(differs):
                at = pc.index_in(column, value_set=distinct)
                changed += int(pc.sum(pa.array(differs).take(at)).as_py() or 0)
                column = pa.array(mapped, type=pa.string()).take(at)
            out = out.set_column(out.column_names.index(name), name, column.cast(pa.string()))
        return out, changed
    out = table.copy()
    for name in columns:
        if name not in out.columns:
            continue
        values = out[name].tolist()
        new = [_canonical_or_same(v, dictionary) for v in values]
        changed += sum(1 for a, b in zip(values, new) if a != b)
        out[name] = new
    return out, changed


def _canonical_or_same(value, dictionary: ActorDictionary):
    if not isinstance(value, str):
        return value
    return dictionary.lookup.get(actor_key(value), value)
