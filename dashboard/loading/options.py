"""How a file is to be read when it is not in the canonical format: the import options.

One frozen value carries them from the command line (or the app's launch arguments) to
`load_bytes` / `load_path`:

    --map [events:|mentions:]date=Time,text=Headlines,actor=airline   (repeatable)
    --date-format [events:|mentions:]month-first|day-first|<strptime format>
    --timezone America/Los_Angeles      zone of times written without one
    --actors FILE                       actor dictionary (CSV canonical,alias or YAML)
    --wide                              the mentions file is a wide table of counts
    --tone-model MODEL                  a tone model (`boilingpoint tone fit`) instead of VADER

With two files (events and mentions), a `--map` without a prefix goes to the table its
contract columns belong to: `text`, `tone` or `count` make it a mentions mapping;
`headline`, `target`, `event_type`, `severity`, `id` or `retracts` an events mapping; one
with only `date`, `actor`, `source`, `url` applies to both. `--date-format` without a prefix
applies to both. Files recognised as GDELT or ACLED ignore the mapping and date format (a
note says so); `--actors` canonicalises the actors of every file; `--wide` only concerns
the mentions file; `--tone-model` scores the mentions that have text but no tone (read and
checked once, when the options are built).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from dashboard.contract import KINDS, check_kind, column_names

EVENT_ONLY = frozenset(column_names("events")) - frozenset(column_names("mentions"))
MENTION_ONLY = frozenset(column_names("mentions")) - frozenset(column_names("events"))


def parse_mapping(spec: str) -> dict[str, str]:
    """`date=Time,text=Headlines` → {"date": "Time", "text": "Headlines"}; ValueError when malformed.

    A pair whose column name holds a comma is written in double quotes: `"text=Tweet, full",date=When`.
    """
    import csv

    mapping: dict[str, str] = {}
    try:
        parts = next(csv.reader([spec], skipinitialspace=True))
    except (csv.Error, StopIteration):
        raise ValueError(f"cannot read the mapping {spec!r}") from None
    for part in parts:
        if not part.strip():
            continue
        name, sep, source = part.partition("=")
        name = name.strip().lower()
        if not sep or not name or not source.strip():
            raise ValueError(f"mapping {part!r}: expected CONTRACT_COLUMN=FILE_COLUMN, e.g. date=Time")
        if name in mapping:
            raise ValueError(f"the mapping names {name!r} twice")
        mapping[name] = source.strip()
    if not mapping:
        raise ValueError("the mapping is empty")
    return mapping


def _split_kind(spec: str) -> tuple[str | None, str]:
    for kind in KINDS:
        if spec.startswith(kind + ":"):
            return kind, spec[len(kind) + 1:]
    return None, spec


def mapping_kinds(mapping: dict[str, str]) -> tuple[str, ...]:
    """The tables an unprefixed mapping applies to, from the columns it names."""
    names = set(mapping)
    if names & EVENT_ONLY and names & MENTION_ONLY:
        raise ValueError(
            f"the mapping names events-only ({', '.join(sorted(names & EVENT_ONLY))}) and mentions-only "
            f"({', '.join(sorted(names & MENTION_ONLY))}) columns: give one --map events:… and one --map mentions:…"
        )
    if names & EVENT_ONLY:
        return ("events",)
    if names & MENTION_ONLY:
        return ("mentions",)
    return KINDS


@dataclass(frozen=True)
class ImportOptions:
    """The import options of one run, per table kind."""

    mappings: dict[str, dict[str, str]] = field(default_factory=dict)  # kind -> mapping
    date_formats: dict[str, str] = field(default_factory=dict)  # kind -> date format
    timezone: str | None = None
    actors: Path | None = None
    wide: bool = False
    tone_model: object = field(default=None, compare=False, repr=False)  # a dashboard.tone.ToneModel
    specs: tuple[tuple[str, str], ...] = ()  # the flags as given, to pass on (e.g. to the app)

    @property
    def given(self) -> bool:
        return bool(self.mappings or self.date_formats or self.timezone or self.actors or self.wide or self.tone_model)

    def load_kwargs(self, kind: str, dictionary=None) -> dict:
        """Keyword arguments for load_bytes / load_path for a file of this kind."""
        return {
            "mapping": self.mappings.get(kind),
            "date_format": self.date_formats.get(kind),
            "timezone": self.timezone,
            "actors": dictionary,
            "wide": self.wide and kind == "mentions",
            "tone_model": self.tone_model if kind == "mentions" else None,
        }

    def dictionary(self):
        """The actor dictionary the options name (read now), or None; ValueError when unreadable."""
        if self.actors is None:
            return None
        from dashboard.loading.actors import load_actor_dictionary

        return load_actor_dictionary(self.actors)

    def to_argv(self) -> list[str]:
        """The options as command-line flags (absolute paths), e.g. for `streamlit run app.py -- …`."""
        argv: list[str] = []
        for flag, value in self.specs:
            if flag in ("--actors", "--tone-model"):
                value = str(Path(value).resolve())
            argv += [flag] if flag == "--wide" else [flag, value]
        return argv


def build_options(
    maps: list[str] | tuple[str, ...] = (),
    date_formats: list[str] | tuple[str, ...] = (),
    timezone: str | None = None,
    actors: str | Path | None = None,
    wide: bool = False,
    tone_model: str | Path | None = None,
) -> ImportOptions:
    """Options from the flags' values; ValueError with a plain message when one is wrong."""
    from dashboard.loading.formats.dates import check_date_format, check_timezone

    mappings: dict[str, dict[str, str]] = {}
    specs: list[tuple[str, str]] = []
    for spec in maps:
        kind, body = _split_kind(spec)
        mapping = parse_mapping(body)
        kinds = (kind,) if kind else mapping_kinds(mapping)
        for k in kinds:
            allowed = column_names(check_kind(k))
            wrong = [n for n in mapping if n not in allowed]
            if wrong:
                raise ValueError(f"--map: {', '.join(wrong)} is not a {k} column ({', '.join(allowed)})")
            if k in mappings:
                raise ValueError(f"--map: two mappings for the {k} file")
            mappings[k] = mapping
        specs.append(("--map", spec))
    formats: dict[str, str] = {}
    for spec in date_formats:
        kind, body = _split_kind(spec)
        check_date_format(body)
        for k in (kind,) if kind else KINDS:
            formats[k] = body
        specs.append(("--date-format", spec))
    if timezone:
        check_timezone(timezone)
        specs.append(("--timezone", timezone))
    path = Path(actors) if actors else None
    if path is not None:
        if not path.is_file():
            raise ValueError(f"--actors {path}: no such file")
        specs.append(("--actors", str(path)))
    if wide:
        specs.append(("--wide", ""))
    model = None
    if tone_model:
        from dashboard.tone import load as load_tone_model

        try:
            model = load_tone_model(tone_model)
        except ValueError as exc:
            raise ValueError(f"--tone-model: {exc}") from None
        specs.append(("--tone-model", str(tone_model)))
    return ImportOptions(mappings, formats, timezone or None, path, bool(wide), model, tuple(specs))
