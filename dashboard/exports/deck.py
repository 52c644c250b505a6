"""The story as slides to take away: a PowerPoint deck (python-pptx) and the same as a PDF
(fpdf2). A title slide, then one slide per key moment: its zoomed chart (a vl-convert PNG),
what happened, the linked retraction, its effect on the index, the explanation and the notes,
and "SIMULATED" wherever the mentions are. Nothing is fetched from outside.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dashboard.charts.story import moment_chart
from dashboard.exports.pictures import chart_png
from dashboard.model.analysis import Analysis, key_moments
from dashboard.model.explain import describe_event
from dashboard.model.kpis import kpis
from dashboard.model.story import effect_text, find_episode, moment_events, moment_retraction, near_notes, retraction_text

CHART_WIDTH = 900  # px of the moment's chart in a slide's picture (drawn at 2x)
# A Unicode font for the PDF (fpdf2's built-in fonts are Latin-1 only): Debian's DejaVu Sans
# (fonts-dejavu-core, `make pdf-tools`); without it the text is written in Latin-1 with
# the characters it lacks replaced.
PDF_FONTS = (Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"), Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"))


@dataclass(frozen=True)
class Slide:
    title: str
    lines: tuple[str, ...] = ()
    picture: bytes | None = None  # PNG
    footer: str = ""


@dataclass(frozen=True)
class Deck:
    title: str
    slides: tuple[Slide, ...] = field(default_factory=tuple)


def _note_lines(notes: pd.DataFrame | None) -> list[str]:
    if notes is None or not len(notes):
        return []
    out = []
    for n in notes.itertuples():
        about = f" ({n.actor})" if isinstance(n.actor, str) else ""
        by = f" — {n.author}" if isinstance(n.author, str) else ""
        out.append(f"Note {n.date:%d %b %H:%M}{about}: {n.text}{by}")
    return out


def build_deck(analysis: Analysis, title: str, simulated: str = "", notes: pd.DataFrame | None = None,
               pictures: bool = True, said: dict | None = None) -> Deck:
    """The slides of a selection's story (pure but for drawing the pictures; pictures=False
    leaves them out, for a quick look). `said`: {moment's date: what was said then}
    (dashboard.text.report.said_for_moments), shown on each moment's slide."""
    footer = f"SIMULATED — {simulated}" if simulated else ""
    if analysis.empty:
        return Deck(title, (Slide(title, ("No data in this selection: no mention and no event matches the filters.",),
                                  footer=footer),))
    k = kpis(analysis)
    episode = find_episode(analysis.table)
    moments = key_moments(analysis)
    sel = analysis.selection
    span = f"{analysis.table['date'].iloc[0]:%d %b %Y} – {analysis.table['date'].iloc[-1]:%d %b %Y}"
    cover = [f"How the story escalated, {span}: {len(moments)} key moments.",
             (f"Peak: index {k['peak_index']:.0f} on {k['peak_date']:%d %b %Y} ({episode.peak_stage if episode else k['stage']})."
              if k["peak_index"] is not None else "No index: nothing known to score."),
             f"Stage on {k['date']:%d %b %Y}: {k['stage']}, {k['direction']}."]
    if sel.actors:
        cover.append("Actors: " + ", ".join(sel.actors))
    if sel.narratives:
        cover.append("Narratives: " + ", ".join(n.name for n in sel.narratives))
    cover.append(f"Made by Boiling Point on {dt.datetime.now(dt.UTC):%d %b %Y %H:%M} UTC.")
    slides = [Slide(title, tuple(cover), footer=footer)]
    step = pd.Timedelta(sel.step)
    for i, (_, moment) in enumerate(moments.iterrows(), start=1):
        chart, window = moment_chart(analysis, moment, bool(simulated), notes, width=CHART_WIDTH)
        pair = moment_retraction(analysis, moment)
        shown, more = moment_events(analysis, moment, skip=moment["retraction_id"] if pair is not None else None)
        lines = [effect_text(moment)]
        lines += [f"{e['date']:%d %b %H:%M} · {describe_event(e)}" for _, e in shown.iterrows()]
        if more:
            lines.append(f"+{more} more events this {sel.bucket}")
        if pair is not None:
            lines.append(retraction_text(pair))
        reason = analysis.explain_date(moment["date"]).partition(" Index ")[0]
        lines.append("Why: " + reason)
        lines += _note_lines(near_notes(notes, window[0], window[1], step) if notes is not None else None)
        if said and pd.Timestamp(moment["date"]) in said:
            from dashboard.text.report import said_lines

            lines += said_lines(said[pd.Timestamp(moment["date"])])
        slides.append(Slide(f"{i} / {len(moments)} · {moment['date']:%d %B %Y} · {moment['label']}", tuple(lines),
                            chart_png(chart) if pictures else None, footer))
    return Deck(title, tuple(slides))


# --- PowerPoint -------------------------------------------------------------------------------


def deck_pptx(deck: Deck) -> bytes:
    """The deck as a 16:9 PowerPoint file."""
    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.util import Inches, Pt

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    prs.core_properties.title = deck.title
    blank = prs.slide_layouts[5]  # "Title Only": a real title placeholder, read back as the slide's title
    for n, slide in enumerate(deck.slides):
        s = prs.slides.add_slide(blank)
        s.shapes.title.text = slide.title
        title_frame = s.shapes.title.text_frame
        title_frame.paragraphs[0].runs[0].font.size = Pt(40 if n == 0 else 26)
        s.shapes.title.left, s.shapes.title.top = Inches(0.4), Inches(0.25)
        s.shapes.title.width, s.shapes.title.height = Inches(12.5), Inches(1.0)
        top = Inches(1.35)
        if slide.picture is not None:
            s.shapes.add_picture(io.BytesIO(slide.picture), Inches(0.4), top, width=Inches(7.4))
            text_left, text_width = Inches(8.0), Inches(4.95)
        else:
            text_left, text_width = Inches(0.6), Inches(12.1)
        box = s.shapes.add_textbox(text_left, top, text_width, Inches(5.3))
        frame = box.text_frame
        frame.word_wrap = True
        for j, line in enumerate(slide.lines):
            para = frame.paragraphs[0] if j == 0 else frame.add_paragraph()
            para.text = line
            para.font.size = Pt(22 if slide.picture is None else (16 if j else 20))
            para.font.bold = j == 0 and slide.picture is not None
            para.space_after = Pt(6)
            if line.startswith("Note "):
                para.font.color.rgb = RGBColor(0x7C, 0x3A, 0xED)
        if slide.footer:
            foot = s.shapes.add_textbox(Inches(0.4), Inches(6.85), Inches(12.5), Inches(0.5)).text_frame
            foot.word_wrap = True
            foot.paragraphs[0].text = slide.footer
            foot.paragraphs[0].font.size = Pt(14)
            foot.paragraphs[0].font.bold = True
            foot.paragraphs[0].font.color.rgb = RGBColor(0xB4, 0x53, 0x09)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


# --- PDF --------------------------------------------------------------------------------------


def _latin1(text: str) -> str:
    return text.replace("→", "->").replace("—", "-").replace("–", "-").replace("×", "x").encode("latin-1", "replace").decode("latin-1")


def deck_pdf(deck: Deck) -> bytes:
    """The same slides as a PDF, one landscape page each."""
    from fpdf import FPDF

    pdf = FPDF(orientation="L", unit="mm", format=(190.5, 338.7))  # 16:9, the PowerPoint page
    pdf.set_auto_page_break(False)
    pdf.set_title(deck.title)
    pdf.set_creator("Boiling Point")
    unicode_font = all(p.exists() for p in PDF_FONTS)
    if unicode_font:
        pdf.add_font("deck", "", str(PDF_FONTS[0]))
        pdf.add_font("deck", "B", str(PDF_FONTS[1]))
        family, clean = "deck", (lambda t: t)
    else:
        family, clean = "helvetica", _latin1
    for n, slide in enumerate(deck.slides):
        pdf.add_page()
        pdf.set_xy(10, 8)
        pdf.set_font(family, "B", 26 if n == 0 else 18)
        pdf.multi_cell(318, 10 if n == 0 else 8, clean(slide.title))
        top = pdf.get_y() + 4
        if slide.picture is not None:
            pdf.image(io.BytesIO(slide.picture), x=10, y=top, w=190)
            left, width = 205, 124
        else:
            left, width = 14, 310
        pdf.set_xy(left, top)
        for j, line in enumerate(slide.lines):
            pdf.set_x(left)
            bold = j == 0 and slide.picture is not None
            pdf.set_font(family, "B" if bold else "", 13 if slide.picture is not None else 16)
            pdf.set_text_color(124, 58, 237) if line.startswith("Note ") else pdf.set_text_color(31, 41, 55)
            pdf.multi_cell(width, 6 if slide.picture is not None else 9, clean(line), align="L")
            pdf.ln(2)
        if slide.footer:
            pdf.set_xy(10, 178)
            pdf.set_font(family, "B", 11)
            pdf.set_text_color(180, 83, 9)
            pdf.multi_cell(318, 5, clean(slide.footer))
        pdf.set_text_color(31, 41, 55)
    return bytes(pdf.output())
