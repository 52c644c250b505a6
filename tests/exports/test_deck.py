"""The slides: built from the demo's story, read back with python-pptx, the PDF's pages drawn
with pdftoppm (Debian's poppler-utils, `make pdf-tools`) to PNG files a person can look at."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import subprocess
import sys

import pandas as pd
import pytest
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from dashboard.contract import Selection
from dashboard.dataset import build_dataset, content_digest
from dashboard.demo import DATASETS
from dashboard.exports.deck import build_deck, deck_pdf, deck_pptx
from dashboard.model.analysis import analyse, key_moments
from dashboard.store import add_note, open_store
from dashboard.store.notes import notes_key

TIKTOK = DATASETS["tiktok-2020"]
EPISODE = Selection(start=dt.date(2020, 6, 27), end=dt.date(2020, 9, 11))  # the story's episode (model v2)
NOTES = pd.DataFrame({"date": [pd.Timestamp("2020-07-10 16:00")], "actor": ["Amazon"], "text": ["Ask who saw the email <b>"],
                      "author": ["Ana"], "id": [1]})


@pytest.fixture(scope="module")
def episode():
    return analyse(build_dataset(TIKTOK.events, TIKTOK.mentions).engine, EPISODE)


@pytest.fixture(scope="module")
def deck(episode):
    return build_deck(episode, TIKTOK.label, TIKTOK.simulated, NOTES)


def _texts(slide) -> str:
    return " ".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)


def test_deck_pptx_has_a_title_slide_and_one_slide_per_moment(deck, episode, tmp_path):
    data = deck_pptx(deck)
    (tmp_path / "deck.pptx").write_bytes(data)
    prs = Presentation(io.BytesIO(data))
    slides = list(prs.slides)
    moments = key_moments(episode)
    assert len(slides) == 1 + len(moments) == 17
    assert slides[0].shapes.title.text == TIKTOK.label
    for slide, (_, moment) in zip(slides[1:], moments.iterrows()):
        assert slide.shapes.title.text.endswith(moment["label"]) and f"{moment['date']:%d %B %Y}" in slide.shapes.title.text
        pictures = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert len(pictures) == 1
        picture = Image.open(io.BytesIO(pictures[0].image.blob))
        assert picture.format == "PNG" and picture.width >= 1200  # the zoomed chart, drawn at 2x
        assert "SIMULATED" in _texts(slide) and "Why: " in _texts(slide)
    titles = [s.shapes.title.text for s in slides]
    assert any("Mike Pompeo's first move" in t for t in titles) and any("Amazon's claim and its retraction" in t for t in titles)
    amazon = next(s for s in slides if "Amazon's claim" in s.shapes.title.text)
    assert "Retracted 10 Jul 20:00" in _texts(amazon)
    assert "Note 10 Jul 16:00 (Amazon): Ask who saw the email <b> — Ana" in _texts(amazon)  # as text


def test_deck_pdf_pages_draw_as_pictures(deck, artifacts):
    artifacts_dir = artifacts
    data = deck_pdf(deck)
    assert data.startswith(b"%PDF")
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm is missing: `make pdf-tools` (Debian's poppler-utils)")
    pdf = artifacts_dir / "deck.pdf"
    pdf.write_bytes(data)
    for old in artifacts_dir.glob("deck-page-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(pdf), str(artifacts_dir / "deck-page")], check=True)
    pages = sorted(artifacts_dir.glob("deck-page-*.png"))
    assert len(pages) == len(deck.slides)
    for page in pages:
        image = Image.open(page).convert("L")
        assert image.width > image.height  # landscape, 16:9
        dark = sum(1 for px in image.getdata() if px < 128)
        assert dark > 500  # something is written and drawn on every page, not a blank sheet


def test_deck_of_an_empty_selection_says_so():
    empty = analyse(build_dataset(TIKTOK.events, TIKTOK.mentions).engine, Selection(actors=("nobody",)))
    deck = build_deck(empty, "t", "")
    assert len(deck.slides) == 1 and "No data" in deck.slides[0].lines[0]
    assert len(Presentation(io.BytesIO(deck_pptx(deck))).slides) == 1


@pytest.mark.parametrize("fmt,magic", [("pptx", b"PK"), ("pdf", b"%PDF"), ("html", b"<!DOCTYPE")])
def test_cli_report_format_writes_the_slides_with_the_notes(tmp_path, fmt, magic):
    home = tmp_path / "home"
    key = notes_key(content_digest(TIKTOK.events.read_bytes()), content_digest(TIKTOK.mentions.read_bytes()))
    add_note(open_store(home), key, "2020-07-10 16:00", "pinned in the dashboard", actor="Amazon")
    out = tmp_path / f"story.{fmt}"
    env = {**os.environ, "BOILINGPOINT_HOME": str(home)}
    result = subprocess.run([sys.executable, "-m", "dashboard.cli", "report", "--format", fmt, "--from", "2020-06-27",
                             "--to", "2020-09-11", "--out", str(out)], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    data = out.read_bytes()
    assert data.startswith(magic)
    if fmt == "pptx":
        slides = list(Presentation(io.BytesIO(data)).slides)
        assert len(slides) == 17 and any("pinned in the dashboard" in _texts(s) for s in slides)
    if fmt == "html":
        assert "pinned in the dashboard" in data.decode()


def test_cli_report_never_creates_a_store(tmp_path):
    home = tmp_path / "nowhere"
    env = {**os.environ, "BOILINGPOINT_HOME": str(home)}
    result = subprocess.run([sys.executable, "-m", "dashboard.cli", "report", "--actor", "Amazon", "--out", str(tmp_path / "r.html")],
                            capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert not home.exists()
