"""The import flags of the command line and of the app's launch arguments, defined once.

Its own module, importing nothing heavy: `boilingpoint --help` must not import the loader.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def add_import_arguments(parser: argparse.ArgumentParser) -> None:
    """How to read files that are not in the canonical format (README: "Bring your own data")."""
    group = parser.add_argument_group("reading files that are not in the canonical format")
    group.add_argument("--map", action="append", default=[], metavar="[KIND:]COLUMN=FILE_COLUMN,…",
                       help="which file columns hold the contract's, e.g. date=Time,text=Headlines,actor=airline")
    group.add_argument("--date-format", action="append", default=[], dest="date_format", metavar="[KIND:]FORMAT",
                       help="month-first, day-first or a strptime format such as '%%m/%%d/%%Y %%H:%%M'")
    group.add_argument("--timezone", metavar="TZ", help="time zone of times written without one (default: UTC)")
    group.add_argument("--actors", type=Path, metavar="FILE", help="actor dictionary: CSV canonical,alias or YAML")
    group.add_argument("--wide", action="store_true", help="the mentions file is a wide table: a date column, one count column per actor")
