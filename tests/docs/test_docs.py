"""Docs a test keeps true: the CLI reference against the real parser, every relative link and
anchor of the README and docs/, the README's size and its two commands."""

from __future__ import annotations

import argparse
import re
import struct
from pathlib import Path

import pytest

from dashboard.cli import build_parser

REPO = Path(__file__).resolve().parents[2]
README = REPO / "README.md"
DOCS = REPO / "docs"
CLI_DOC = DOCS / "cli.md"
SCREENSHOT = DOCS / "screenshot.png"
PAGES = [README, *sorted(DOCS.glob("*.md"))]
MAX_README_BYTES = 12_500
MAX_SCREENSHOT_BYTES = 200_000

FENCE = re.compile(r"^\s*(```|~~~)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
CODE_SPAN = re.compile(r"`+[^`]*`+")
LONG_FLAG = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")
SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
SUBCOMMAND_HEADING = re.compile(r"^boilingpoint ([a-z-]+(?: [a-z-]+)?)$")  # `tone fit` too


# --- reading markdown ------------------------------------------------------------------------


def _lines_outside_fences(text: str) -> list[str]:
    """The lines of a markdown page that are not inside a fenced code block."""
    out, fenced = [], False
    for line in text.splitlines():
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            out.append(line)
    return out


def github_slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to '-'."""
    text = CODE_SPAN.sub(lambda m: m.group(0).strip("`"), heading.strip()).lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(text: str) -> set[str]:
    """Every heading anchor of a page, with GitHub's -1, -2 … for repeated headings."""
    seen: dict[str, int] = {}
    out = set()
    for line in _lines_outside_fences(text):
        match = HEADING.match(line)
        if not match:
            continue
        slug = github_slug(match.group(2))
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        out.add(slug if count == 0 else f"{slug}-{count}")
    return out


def relative_links(text: str) -> list[str]:
    """The targets of the page's markdown links and images that point inside the repo."""
    targets = []
    for line in _lines_outside_fences(text):
        for target in LINK.findall(CODE_SPAN.sub("code", line)):
            if not SCHEME.match(target):
                targets.append(target)
    return targets


def sections(text: str) -> dict[str, str]:
    """The page split at its level-2 headings: heading text -> the section's text (code included)."""
    out: dict[str, list[str]] = {"": []}
    current, fenced = "", False
    for line in text.splitlines():
        if FENCE.match(line):
            fenced = not fenced
        elif not fenced and line.startswith("## "):
            current = line[3:].strip()
            out[current] = []
            continue
        out[current].append(line)
    return {name: "\n".join(lines) for name, lines in out.items()}


def written_flags(text: str) -> set[str]:
    return set(LONG_FLAG.findall(text))


def mentions_option(text: str, option: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", text) is not None


# --- the real parser ---------------------------------------------------------------------------


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """The subparsers by name, nested ones as `tone fit` (argparse has no public API for this)."""
    for action in parser._subparsers._group_actions:
        if isinstance(action, argparse._SubParsersAction):
            out = dict(action.choices)
            for name, sub in action.choices.items():
                if sub._subparsers is not None:
                    out.update({f"{name} {inner}": p for inner, p in subcommands(sub).items()})
            return out
    raise AssertionError("the parser has no subcommands")


def option_strings(parser: argparse.ArgumentParser) -> set[str]:
    return {s for action in parser._actions for s in action.option_strings}


PARSER = build_parser()
SUBCOMMANDS = subcommands(PARSER)
EVERY_FLAG = option_strings(PARSER).union(*(option_strings(p) for p in SUBCOMMANDS.values()))
CLI_SECTIONS = sections(CLI_DOC.read_text(encoding="utf-8"))


def _section_of(name: str) -> str:
    return CLI_SECTIONS.get(f"boilingpoint {name}", "")


# --- the helpers, by hand ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "heading, expected",
    [
        ("How escalation is scored", "how-escalation-is-scored"),
        ("Spark (issue #8)", "spark-issue-8"),
        ("Headlines and posts: text-only mentions", "headlines-and-posts-text-only-mentions"),
        ("mentions.csv (simulated)", "mentionscsv-simulated"),
        ("`boilingpoint run`", "boilingpoint-run"),
        ("Claim → retraction", "claim--retraction"),
        ("One actor, many names", "one-actor-many-names"),
    ],
)
def test_github_slug_matches_githubs_rules(heading, expected):
    assert github_slug(heading) == expected


def test_anchors_number_repeated_headings_and_skip_code():
    text = "# Title\n## Notes\n```\n# a comment, not a heading\n```\n## Notes\n"
    assert anchors(text) == {"title", "notes", "notes-1"}


@pytest.mark.parametrize(
    "line, expected",
    [
        ("see [the model](docs/model.md) and [GDELT](docs/formats.md#gdelt)", ["docs/model.md", "docs/formats.md#gdelt"]),
        ("![picture](docs/screenshot.png)", ["docs/screenshot.png"]),
        ("[Ibis](https://ibis-project.org) and [mail](mailto:a@b.c)", []),
        ("`--map [events:|mentions:]COLUMN=FILE_COLUMN` and `[x](not-a-link.md)`", []),
        ("[`--param`](cli.md#the-model-parameters)", ["cli.md#the-model-parameters"]),
    ],
)
def test_relative_links_finds_links_into_the_repo_only(line, expected):
    assert relative_links(line) == expected


# --- the CLI reference -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SUBCOMMANDS))
def test_cli_doc_has_a_section_per_subcommand(name):
    assert f"boilingpoint {name}" in CLI_SECTIONS, f"docs/cli.md has no '## boilingpoint {name}' section"


@pytest.mark.parametrize(
    "name, option",
    [(name, option) for name, sub in sorted(SUBCOMMANDS.items()) for option in sorted(option_strings(sub))],
)
def test_cli_doc_lists_every_option_of_its_subcommand(name, option):
    assert mentions_option(_section_of(name), option), f"{option} of `boilingpoint {name}` is not in its section of docs/cli.md"


@pytest.mark.parametrize("option", sorted(option_strings(PARSER)))
def test_cli_doc_lists_the_top_level_options(option):
    assert mentions_option(CLI_DOC.read_text(encoding="utf-8"), option)


@pytest.mark.parametrize("section", sorted(CLI_SECTIONS), ids=lambda s: s or "(top)")
def test_cli_doc_flags_exist_in_the_parser(section):
    match = SUBCOMMAND_HEADING.match(section)
    known = option_strings(SUBCOMMANDS[match.group(1)]) if match and match.group(1) in SUBCOMMANDS else EVERY_FLAG
    unknown = written_flags(CLI_SECTIONS[section]) - known
    assert not unknown, f"docs/cli.md, section {section!r}: {sorted(unknown)} are not flags of the parser"


def test_readme_flags_exist_in_the_parser():
    unknown = written_flags(README.read_text(encoding="utf-8")) - EVERY_FLAG
    assert not unknown, f"README.md names {sorted(unknown)}, which `boilingpoint` does not have"


# --- links ------------------------------------------------------------------------------------------


# (`doc`, not `page`: pytest-playwright owns a fixture of that name.)
LINKS = [(doc, target) for doc in PAGES for target in relative_links(doc.read_text(encoding="utf-8"))]


@pytest.mark.parametrize("doc, target", LINKS, ids=[f"{d.relative_to(REPO)}->{t}" for d, t in LINKS])
def test_docs_relative_link_resolves(doc, target):
    where = f"{doc.relative_to(REPO)}: {target}"
    path, _, anchor = target.partition("#")
    file = (doc.parent / path).resolve() if path else doc
    assert file.exists(), f"{where} points at a missing file"
    if anchor:
        assert file.suffix == ".md", f"{where}: an anchor into a file that is not markdown"
        assert anchor in anchors(file.read_text(encoding="utf-8")), f"{where}: no heading of {file.name} has #{anchor}"


def test_docs_links_were_found():
    assert len(LINKS) > 20, "the link scanner found almost no links: is it broken?"


# --- the README -----------------------------------------------------------------------------------


def test_readme_is_short():
    size = README.stat().st_size
    assert size <= MAX_README_BYTES, f"README.md is {size:,} bytes; move detail into docs/"


@pytest.mark.parametrize("command", ["make run", "make test"])
def test_readme_shows_the_command_in_a_code_block(command):
    text = README.read_text(encoding="utf-8")
    blocks = re.findall(r"^```[^\n]*\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL)
    assert any(re.search(rf"^{command}(\s|$)", block, flags=re.MULTILINE) for block in blocks)


def test_readme_screenshot_is_a_small_1280x720_png():
    data = SCREENSHOT.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    assert struct.unpack(">II", data[16:24]) == (1280, 720)
    assert len(data) <= MAX_SCREENSHOT_BYTES
