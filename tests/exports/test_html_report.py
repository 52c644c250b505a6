"""Exports: PNG/SVG of the timeline, the self-contained HTML report, safe names, the scored CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import struct
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import altair as alt
import pandas as pd
import pytest
from factories import BOIL, CRI, SB, SIM, make_analysis

from dashboard.charts import timeline_export_chart
from dashboard.contract import Selection
from dashboard.dataset import build_dataset
from dashboard.demo import DATASETS
from dashboard.exports import html_report as report
from dashboard.exports import names, pictures
from dashboard.exports.tables import guard_cell, scored_csv
from dashboard.loading import load_bytes
from dashboard.model.analysis import Analysis, analyse
from dashboard.model.kpis import above_slow_boil, kpis
from dashboard.query.duckdb_engine import Engine

TIKTOK = DATASETS["tiktok-2020"]
PANEL_TITLES = ("Attention: mentions per bucket", "Tone: mean of mentions", "Events: severity")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

HOSTILE_ACTOR = "<img src=x onerror=alert(1)>"
HOSTILE_HEADLINE = "<script>alert(1)</script>"
FORMULA_HEADLINE = '=HYPERLINK("http://x")'
HOSTILE_TARGET = '"><svg onload=alert(1)>'


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tiktok():
    return build_dataset(TIKTOK.events, TIKTOK.mentions)


@pytest.fixture(scope="module")
def demo(tiktok) -> Analysis:
    return analyse(tiktok.engine, Selection())


@pytest.fixture(scope="module")
def amazon(tiktok) -> Analysis:
    return analyse(tiktok.engine, Selection(actors=("Amazon",)))


@pytest.fixture(scope="module")
def demo_chart(demo):
    return timeline_export_chart(demo, "SIMULATED mentions")


@pytest.fixture(scope="module")
def demo_html(demo, demo_chart) -> str:
    return report.html_report(demo, TIKTOK.label, TIKTOK.simulated, demo_chart)


@pytest.fixture(scope="module")
def amazon_html(amazon) -> str:
    chart = timeline_export_chart(amazon)
    return report.html_report(amazon, "Amazon", TIKTOK.simulated, chart)


def _hostile_files() -> tuple[bytes, bytes]:
    """25 quiet days of mentions of a hostile actor, a surge on day 20, and events with
    markup and a formula in them (one retracting another, so every table has a row)."""
    mentions = io.StringIO()
    w = csv.writer(mentions, lineterminator="\n")
    w.writerow(["date", "actor", "tone", "count", "source"])
    for day in range(1, 26):
        surge = day in (20, 21)
        w.writerow([f"2024-03-{day:02d}", HOSTILE_ACTOR, -0.6 if surge else -0.02, 400 if surge else 20, "<b>wire</b>"])
    events = io.StringIO()
    w = csv.writer(events, lineterminator="\n")
    w.writerow(["id", "date", "actor", "target", "event_type", "severity", "headline", "source", "retracts"])
    w.writerow(["x1", "2024-03-20T08:00:00Z", HOSTILE_ACTOR, HOSTILE_TARGET, "threat", -8, HOSTILE_HEADLINE, "<i>src</i>", ""])
    w.writerow(["x2", "2024-03-20T12:00:00Z", HOSTILE_ACTOR, "", "statement", -3, FORMULA_HEADLINE, "Wire", ""])
    w.writerow(["x3", "2024-03-21T09:00:00Z", HOSTILE_ACTOR, "", "retraction", 2, "<b>we take it back</b>", "Wire", "x1"])
    return events.getvalue().encode(), mentions.getvalue().encode()


@pytest.fixture(scope="module")
def hostile() -> Analysis:
    events, mentions = _hostile_files()
    ev, me = load_bytes(events, "events"), load_bytes(mentions, "mentions")
    assert ev.report.rejected == 0 and me.report.rejected == 0
    return analyse(Engine(events=ev.table, mentions=me.table), Selection(actors=(HOSTILE_ACTOR,)))


@pytest.fixture(scope="module")
def hostile_html(hostile) -> str:
    chart = timeline_export_chart(hostile, HOSTILE_HEADLINE)
    return report.html_report(hostile, f"</title>{HOSTILE_HEADLINE}", f"{HOSTILE_ACTOR} note", chart)


class _Elements(HTMLParser):
    """Every element the browser would build, with its attributes, and the page's text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.text.append(data)


def _parse(page: str) -> _Elements:
    parser = _Elements()
    parser.feed(page)
    parser.close()
    return parser


# --- pictures -------------------------------------------------------------------------------


def test_chart_png_is_a_png_of_the_chart_size(demo_chart):
    png = pictures.chart_png(demo_chart, scale=2)
    assert png.startswith(PNG_MAGIC)
    assert png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    # 960 px of plot plus the y axis, at twice the CSS pixels; three panels stacked.
    assert 2 * 960 < width <= 2 * 1200
    assert 2 * 450 < height <= 2 * 1000


def test_chart_png_scale_sets_the_pixel_size(demo_chart):
    one = struct.unpack(">II", pictures.chart_png(demo_chart, scale=1)[16:24])
    two = struct.unpack(">II", pictures.chart_png(demo_chart, scale=2)[16:24])
    assert two == (2 * one[0], 2 * one[1])


def test_chart_svg_parses_as_xml_with_the_panel_titles(demo_chart):
    root = ET.fromstring(pictures.chart_svg(demo_chart))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    text = " ".join(root.itertext())
    for title in PANEL_TITLES:
        assert title in text
    assert "SIMULATED mentions" in text


def test_chart_svg_keeps_hostile_text_as_text(hostile):
    svg = pictures.chart_svg(timeline_export_chart(hostile, HOSTILE_HEADLINE))
    root = ET.fromstring(svg)
    assert HOSTILE_HEADLINE in " ".join(root.itertext())
    local = {el.tag.rsplit("}", 1)[-1] for el in root.iter()}
    assert not local & {"script", "foreignObject", "image", "a"}


@pytest.mark.parametrize("exporter", [pictures.chart_png, pictures.chart_svg])
def test_chart_export_needs_a_fixed_width(exporter):
    stretched = alt.Chart(pd.DataFrame({"x": [1, 2]})).mark_point().encode(x=alt.X(field="x", type="quantitative"))
    with pytest.raises(ValueError, match="fixed width"):
        exporter(stretched.properties(width="container"))


# --- KPIs -----------------------------------------------------------------------------------




@pytest.mark.parametrize(
    "stages, days, since",
    [
        ([SB] * 5, None, 0),  # never left
        ([SB, SIM, SIM, SB, SB], 3, 3),  # left on day 1, back down since day 3
        ([SB, SIM, SB, BOIL, CRI], 1, 4),  # the *last* rise counts; crisis since day 4
        ([SIM, SIM, SIM], 2, 0),  # starts above slow boil: counted from the first bucket
    ],
)
def test_kpis_days_since_left_slow_boil_by_hand(stages, days, since):
    k = kpis(make_analysis(stages, [10.0] * len(stages)))
    assert k["days_since_left_slow_boil"] == days
    assert k["stage"] == stages[-1]
    assert k["stage_since"] == pd.Timestamp("2024-01-01") + pd.Timedelta(days=since)


@pytest.mark.parametrize(
    "stages, want",
    [
        ([SB] * 5, ("never", "a slow boil throughout")),
        ([SB, SIM, SIM, SB, SB], ("ended", "slow boil since 04 Jan 2024")),  # not "3 days since it left"
        ([SB, SIM, SB, BOIL, CRI], ("1 days", "since 04 Jan 2024")),  # the current run only
        ([SIM, SIM, SIM], ("2 days", "since 01 Jan 2024")),
    ],
)
def test_above_slow_boil_never_contradicts_the_stage(stages, want):
    assert above_slow_boil(kpis(make_analysis(stages, [10.0] * len(stages)))) == want


def test_html_report_stage_and_above_slow_boil_agree(demo, demo_html):
    text = " ".join(_parse(demo_html).text)
    assert "Stage now" in text and "slow boil" in text  # 20 November is a slow boil ...
    assert "Since it left slow boil" not in text and "ended" in text  # ... so the run above it has ended


def test_kpis_index_change_needs_eight_buckets():
    seven = kpis(make_analysis([SB] * 7, [1, 2, 3, 4, 5, 6, 7]))
    assert seven["index_change"] is None
    eight = kpis(make_analysis([SB] * 8, [1, 2, 3, 9, 5, 6, 7, 20.5], volume=[1, 2, 3, 4, 5, 6, 7, 8]))
    assert eight["index_change"] == pytest.approx(19.5)  # 20.5 now against 1.0 seven buckets before
    assert eight["index"] == 20.5
    assert (eight["peak_index"], eight["peak_date"]) == (20.5, pd.Timestamp("2024-01-08"))
    assert (eight["events"], eight["mentions"]) == (1, 36)


def test_kpis_on_the_demo(demo):
    k = kpis(demo)
    last = demo.table.iloc[-1]
    assert k["date"] == last["date"] and k["stage"] == last["stage"] == "slow boil"
    assert k["index"] == pytest.approx(last["index"])
    assert k["index_change"] == pytest.approx(last["index"] - demo.table["index"].iloc[-8])
    # The executive order of 6 August 2020 is the peak (docs/model.md's worked example: 80).
    assert k["peak_date"] == pd.Timestamp("2020-08-06") and round(k["peak_index"]) == 80
    # The last rise out of slow boil: the day after the app-store ban of 18 September (its
    # entry is confirmed by the next bucket), 62 days before 20 November.
    assert k["days_since_left_slow_boil"] == (dt.date(2020, 11, 20) - dt.date(2020, 9, 19)).days
    assert k["events"] == len(demo.events) == 45
    assert k["mentions"] == int(demo.table["volume"].sum())


def test_kpis_of_an_empty_selection(tiktok):
    empty = analyse(tiktok.engine, Selection(actors=("nobody at all",)))
    k = kpis(empty)
    assert k["stage"] is None and k["index"] is None and k["days_since_left_slow_boil"] is None
    assert (k["events"], k["mentions"]) == (0, 0)


# --- the HTML report ------------------------------------------------------------------------


def test_html_report_has_stage_kpis_and_explanation(demo, demo_html):
    page = _parse(demo_html)
    text = " ".join(page.text)
    k = kpis(demo)
    assert TIKTOK.label in text
    assert "SIMULATED" in text and TIKTOK.simulated in text
    assert "Stage now" in text and k["stage"] in text
    assert "Peak index" in text and "80" in text and "06 Aug 2020" in text
    assert "Above slow boil ended slow boil since 26 Sep 2020" in text  # no "62 days" beside "slow boil"
    assert f"{k['mentions']:,}" in text and "45" in text
    assert demo.explain() in text  # the latest bucket, in full
    assert demo.explain_date("2020-08-03") in text  # the escalation to crisis
    assert "Spike: 11,705 mentions" in text  # an alert's reason
    for h2 in ("Timeline", "Alerts", "Change points", "Claims and retractions", "Events"):
        assert h2 in text


def test_html_report_filtered_to_amazon_has_the_email_and_its_retraction(amazon, amazon_html):
    text = " ".join(_parse(amazon_html).text)
    headlines = amazon.events.set_index("id")["headline"]
    assert headlines["tt-2020-07-10-amazon-email"] in text
    assert headlines["tt-2020-07-10-amazon-retraction"] in text
    assert "Actors" in text and "Amazon" in text
    assert f"reach ratio {amazon.pairs['reach_ratio'].iloc[0]:.2f}" in text
    assert "SIMULATED" in text


def test_html_report_loads_nothing_from_outside(demo_html, amazon_html):
    for page in (demo_html, amazon_html):
        assert "http://" not in page and "https://" not in page
        parsed = _parse(page)
        tags = [tag for tag, _ in parsed.elements]
        assert not {"script", "link", "iframe", "object", "embed", "base", "form"} & set(tags)
        assert "@import" not in page and "url(" not in page
        imgs = [attrs for tag, attrs in parsed.elements if tag == "img"]
        assert len(imgs) == 1 and imgs[0]["src"].startswith("data:image/svg+xml;base64,")
        csp = [a for t, a in parsed.elements if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
        assert csp == [{"http-equiv": "Content-Security-Policy", "content": report.CSP}]
        assert report.CSP == "default-src 'none'; img-src data:; style-src 'unsafe-inline'"


def test_html_report_keeps_hostile_text_inert(hostile, hostile_html):
    parsed = _parse(hostile_html)
    tags = [tag for tag, _ in parsed.elements]
    assert "script" not in tags and "svg" not in tags and "b" not in tags and "i" not in tags
    assert tags.count("img") == 1  # the report's own timeline picture, nothing injected
    for tag, attrs in parsed.elements:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        for name, value in attrs.items():
            assert "http" not in (value or ""), (tag, name)  # no src/href/anything to a URL
    text = "".join(parsed.text)
    # Every hostile string is on the page, as literal text.
    for literal in (HOSTILE_ACTOR, HOSTILE_HEADLINE, FORMULA_HEADLINE, HOSTILE_TARGET, "<b>we take it back</b>"):
        assert literal in text, literal
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hostile_html
    assert HOSTILE_HEADLINE not in hostile_html and HOSTILE_ACTOR not in hostile_html
    title = hostile_html.split("<title>", 1)[1].split("</title>", 1)[0]
    assert title == "&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
    assert len(hostile.pairs) == 1 and len(hostile.alerts)  # the tables that carry the text are there


def test_html_report_of_an_empty_selection_without_a_chart(tiktok):
    empty = analyse(tiktok.engine, Selection(actors=("nobody at all",)))
    page = report.html_report(empty, "Nothing", "", None)
    text = " ".join(_parse(page).text)
    assert "No data in this selection" in text
    assert "Note on the data" not in text  # no note given, no empty box
    assert "<img" not in page


# --- file names -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "stem, ext, expected",
    [
        ("boilingpoint-tiktok-2020-amazon", "html", "boilingpoint-tiktok-2020-amazon.html"),
        ("TikTok ban scare, 2020", "png", "TikTok-ban-scare-2020.png"),
        ("../etc/passwd", "csv", "etc-passwd.csv"),
        ("..\\..\\windows\\system32", "json", "windows-system32.json"),
        ("report\r\nSet-Cookie: x=1", "csv", "report-Set-Cookie-x-1.csv"),
        ("x.csv:stream", "csv", "x.csv-stream.csv"),
        ("<img src=x onerror=alert(1)>", "html", "img-src-x-onerror-alert-1.html"),
        ("<script>alert(1)</script>", "svg", "script-alert-1-script.svg"),
        (".hidden", "json", "hidden.json"),
        ("Zürich — Genève", "png", "Zurich-Geneve.png"),
        ("", "csv", "boilingpoint.csv"),
        ("///", "csv", "boilingpoint.csv"),
        ("CON", "csv", "boilingpoint-CON.csv"),
        ("a" * 300, "html", "a" * 75 + ".html"),
        ("report", ".HTML", "report.html"),
    ],
)
def test_safe_filename_table(stem, ext, expected):
    name = names.safe_filename(stem, ext)
    assert name == expected
    assert len(name) <= 80 and not name.startswith((".", "-"))
    assert set(name) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")


@pytest.mark.parametrize("ext", ["exe", "html.exe", "", "sh", "csv/../x", "js"])
def test_safe_filename_rejects_other_extensions(ext):
    with pytest.raises(ValueError, match="extension"):
        names.safe_filename("report", ext)


# --- the scored CSV -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=1+2", "'=1+2"),
        ("+33 1 23", "'+33 1 23"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("spike", "spike"),
        ("", ""),
        (-0.29, -0.29),
        (3, 3),
    ],
)
def test_guard_cell_table(value, expected):
    assert guard_cell(value) == expected


def test_scored_csv_guards_text_and_keeps_numbers_numbers(demo):
    table = demo.table.copy()
    attacks = [FORMULA_HEADLINE, "+1+1", "-1+1", "@SUM(1)"]
    for i, attack in enumerate(attacks):
        table.loc[i, "alerts"] = attack
    text = scored_csv(table)
    rows = list(csv.DictReader(io.StringIO(text)))
    for i, attack in enumerate(attacks):
        assert rows[i]["alerts"] == "'" + attack
    assert rows[0]["stage"] == table["stage"].iloc[0]  # ordinary text untouched

    order = next(r for r in rows if r["date"] == "2020-08-06T00:00:00Z")
    assert order["tone"].startswith("-0.29") and float(order["tone"]) == pytest.approx(
        table.set_index("date").loc["2020-08-06", "tone"], abs=1e-6
    )
    line = next(line for line in text.splitlines() if line.startswith("2020-08-06"))
    assert f",{order['tone']}," in line  # written bare: no quote, no guard
    negative = [r["tone"] for r in rows if r["tone"].startswith("-")]
    assert negative and all(float(v) < 0 for v in negative)
    assert not any(r["tone"].startswith("'") or r["index"].startswith("'") for r in rows)
