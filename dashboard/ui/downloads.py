"""Downloads: the timeline as PNG/SVG, the HTML report, the scored series as CSV/JSON.

Every file is made only when its button is clicked (a callable), so a rerun costs nothing.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts
from dashboard.exports.deck import build_deck, deck_pdf, deck_pptx
from dashboard.exports.html_report import html_report
from dashboard.exports.names import safe_filename
from dashboard.exports.pictures import chart_png, chart_svg
from dashboard.exports.tables import scored_csv, scored_json
from dashboard.model.analysis import Analysis


def _stem(analysis: Analysis, label: str) -> str:
    parts = ["boilingpoint", label]
    parts += list(analysis.selection.actors[:3])
    return "-".join(parts).lower()


def render_exports(analysis: Analysis, label: str, simulated: str, notes: pd.DataFrame | None = None,
                   said: dict | None = None) -> None:
    stem = _stem(analysis, label)
    subtitle = "SIMULATED mentions: the shape follows real events, the numbers are invented" if simulated else ""

    def picture():
        return charts.timeline_export_chart(analysis, subtitle, notes=notes)

    st.markdown("**Slides** — the story to take away: a title slide, then one slide per key moment with its chart, "
                "what happened, the explanation and the notes.")
    slides = st.columns(2)
    slides[0].download_button("Slides (PowerPoint)", data=lambda: deck_pptx(build_deck(analysis, label, simulated, notes, said=said)),
                            file_name=safe_filename(stem, "pptx"), key="dl_pptx", icon=":material/slideshow:",
                            mime="application/vnd.openxmlformats-officedocument.presentationml.presentation", width="stretch")
    slides[1].download_button("Slides (PDF)", data=lambda: deck_pdf(build_deck(analysis, label, simulated, notes, said=said)),
                            file_name=safe_filename(stem, "pdf"), mime="application/pdf", key="dl_pdf",
                            icon=":material/picture_as_pdf:", width="stretch")
    st.markdown("**Pictures, the report and the data**")

    st.caption("Each file is made when you click its button; what you download is what the charts show.")
    cols = st.columns(3)
    cols[0].download_button("Timeline PNG", data=lambda: chart_png(picture()), file_name=safe_filename(stem, "png"),
                            mime="image/png", key="dl_png", icon=":material/image:")
    cols[1].download_button("Timeline SVG", data=lambda: chart_svg(picture()), file_name=safe_filename(stem, "svg"),
                            mime="image/svg+xml", key="dl_svg", icon=":material/draw:")
    cols[2].download_button("HTML report", data=lambda: html_report(analysis, label, simulated, picture(), notes, said=said),
                            file_name=safe_filename(stem, "html"), mime="text/html", key="dl_html",
                            icon=":material/description:")
    data = st.columns(3)
    data[0].download_button("Scored series CSV", data=lambda: scored_csv(analysis.table), file_name=safe_filename(stem, "csv"),
                            mime="text/csv", key="dl_csv", icon=":material/table:")
    data[1].download_button("Scored series JSON", data=lambda: scored_json(analysis.table),
                            file_name=safe_filename(stem, "json"), mime="application/json", key="dl_json",
                            icon=":material/data_object:")
    st.caption(
        "The CSV opens safely in a spreadsheet: text cells that could run as a formula start with an apostrophe; "
        "numbers stay numbers. The HTML report is one self-contained file with no outside links."
    )
