"""The command line's import flags and the app's launch arguments, defined and parsed in one place.

`boilingpoint run` starts Streamlit with the files and options after `--`; the app reads them
back with `launch_files(sys.argv[1:])`. The CLI adds the same import flags to each of its
commands with `add_import_arguments`. This module imports nothing heavy at import time:
`boilingpoint --help` must not import the loader.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dashboard.loading.options import ImportOptions

DEFAULT_ENGINE = "duckdb"  # dashboard.query.DEFAULT_ENGINE (a test keeps the two equal)


def add_import_arguments(parser: argparse.ArgumentParser) -> None:
    """How to read files that are not in the canonical format (docs/formats.md)."""
    group = parser.add_argument_group("reading files that are not in the canonical format")
    group.add_argument("--map", action="append", default=[], metavar="[KIND:]COLUMN=FILE_COLUMN,…",
                       help="which file columns hold the contract's, e.g. date=Time,text=Headlines,actor=airline")
    group.add_argument("--date-format", action="append", default=[], dest="date_format", metavar="[KIND:]FORMAT",
                       help="month-first, day-first or a strptime format such as '%%m/%%d/%%Y %%H:%%M'")
    group.add_argument("--timezone", metavar="TZ", help="time zone of times written without one (default: UTC)")
    group.add_argument("--actors", type=Path, metavar="FILE", help="actor dictionary: CSV canonical,alias or YAML")
    group.add_argument("--wide", action="store_true",
                       help="the mentions file is a wide table: a date column, one count column per actor")
    group.add_argument("--tone-model", type=Path, dest="tone_model", metavar="MODEL",
                       help="score the tone of mentions with text and no tone with this model (boilingpoint tone fit) "
                            "instead of VADER")


def options_from_args(args: argparse.Namespace) -> ImportOptions:
    """The ImportOptions of parsed import flags (ValueError naming the bad one)."""
    from dashboard.loading.options import build_options

    return build_options(args.map, args.date_format, args.timezone, args.actors, args.wide, args.tone_model)


@dataclass(frozen=True)
class LaunchFiles:
    """What `boilingpoint run` passed on to the app."""

    events: Path | None
    mentions: Path | None
    options: ImportOptions | None = None
    problem: str = ""
    engine: str = DEFAULT_ENGINE  # the query engine every dataset of this app runs on

    @property
    def given(self) -> bool:
        return bool(self.events or self.mentions)


def launch_parser() -> argparse.ArgumentParser:
    """The launch arguments: --events, --mentions, --engine and the import flags."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--events", type=Path)
    parser.add_argument("--mentions", type=Path)
    parser.add_argument("--engine")
    add_import_arguments(parser)
    return parser


def launch_files(argv: list[str]) -> LaunchFiles:
    """The launch arguments among argv (unknown ones ignored); a bad value becomes `problem`."""
    from dashboard.query import check_engine

    args, _ = launch_parser().parse_known_args(argv)
    problems = []
    try:
        options = options_from_args(args)
    except ValueError as exc:
        options = None
        problems.append(str(exc))
    try:
        engine = check_engine(args.engine)
    except ValueError as exc:
        engine = DEFAULT_ENGINE
        problems.append(str(exc))
    return LaunchFiles(args.events, args.mentions, options, "; ".join(problems), engine)
