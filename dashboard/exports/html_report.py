"""Files a person takes away: the timeline as PNG/SVG, a self-contained HTML report, safe names.

Pure functions: an Analysis (and a chart) in, bytes or text out. The HTML report loads
nothing from anywhere — no script, font, stylesheet or image from a URL; the timeline is an
SVG inside a data: URI, so a browser renders it as an inert picture — and every value that
comes from the data (actor names, headlines, reasons, column names) goes through
`html.escape`. Its Content-Security-Policy forbids scripts and outside requests even if
something were to slip through.
"""

from __future__ import annotations

import base64
import html
import re
from dataclasses import fields

import pandas as pd

from dashboard.charts.palette import STAGE_COLORS
from dashboard.exports.pictures import chart_svg
from dashboard.model.analysis import Analysis
from dashboard.model.escalation import DEFAULT_PARAMS
from dashboard.model.kpis import above_slow_boil, kpis

REPORT_EVENT_ROWS = 300  # the events table shows at most this many (the most conflictual)
REPORT_LIST_ROWS = 200  # alerts and escalations: at most this many, the latest kept
LONG_WORD = 24  # a table cell may break a word longer than this
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"


# --- formatting -----------------------------------------------------------------------------


def _e(value) -> str:
    """Every piece of text that reaches the page goes through here."""
    return html.escape(str(value), quote=True)


def _missing(value) -> bool:
    """None, NaN or NaT (pandas hands all three back for an empty cell)."""
    return value is None or (not isinstance(value, str) and pd.api.types.is_scalar(value) and bool(pd.isna(value)))


def _date(value, bucket: str = "day") -> str:
    if _missing(value):
        return "—"
    ts = pd.Timestamp(value)
    if bucket == "hour" or ts.hour or ts.minute:
        return ts.strftime("%d %b %Y %H:%M")
    return ts.strftime("%d %b %Y")


def _num(value, fmt: str = ",.0f") -> str:
    return "—" if _missing(value) else format(float(value), fmt)


def _text(value) -> str:
    return "—" if _missing(value) or value == "" else str(value)


def _ink(background: str) -> str:
    """Dark or white text, whichever reads better on `background` (WCAG relative luminance)."""
    rgb = [int(background[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    lum = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    return "#ffffff" if (1.05 / (lum + 0.05)) > ((lum + 0.05) / 0.05) else "#1f2937"


def _badge(stage: str) -> str:
    color = STAGE_COLORS.get(stage, "#e5e7eb")
    return f'<span class="badge" style="background:{color};color:{_ink(color)}">{_e(stage)}</span>'


def _breakable(text: str) -> str:
    """Escaped text with a line-break opportunity every LONG_WORD characters inside a long
    word (an id, a URL, a 300-character name), so that it wraps instead of widening its column."""
    parts = []
    for token in re.split(r"(\s+)", text):
        chunks = [token[i : i + LONG_WORD] for i in range(0, len(token), LONG_WORD)] or [""]
        parts.append("<wbr>".join(_e(c) for c in chunks))
    return "".join(parts)


def _table(columns: list[str], rows: list[list[str]], numeric: frozenset[int] = frozenset(),
           wide: int | None = None) -> str:
    """A table of plain text: column names and cells are all escaped here.

    Numeric columns align right and never wrap; the `wide` column (the headline or the
    reason) keeps a readable width when the page is narrow.
    """
    def cls(i: int) -> str:
        return " class=num" if i in numeric else (" class=wide" if i == wide else "")

    head = "".join(f"<th{cls(i)}>{_e(c)}</th>" for i, c in enumerate(columns))
    body = "".join(
        "<tr>" + "".join(f"<td{cls(i)}>{_breakable(str(v))}</td>" for i, v in enumerate(row)) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


# --- the report -----------------------------------------------------------------------------


def html_report(analysis: Analysis, title: str, dataset_note: str, chart=None, notes: pd.DataFrame | None = None,
                said: dict | None = None) -> str:
    """One HTML document with everything in it: selection, KPIs, timeline, reasons, tables.

    `chart` is the timeline (charts.timeline_export_chart, fixed width) or None to leave it out;
    `dataset_note` says what is simulated or where the data come from, shown at the top;
    `notes` (date, actor, text, author) are the notes people pinned, listed after the events;
    `said` ({moment's date: dashboard.text.said.Said}) what the mentions said at each key moment.
    """
    k = kpis(analysis)
    bucket = analysis.selection.bucket
    sections = [
        _header(title, dataset_note, analysis, k),
        _kpi_cards(k, bucket),
    ]
    if not analysis.empty:
        sections.append(_stage_strip(analysis))
    if chart is not None and not analysis.empty:
        sections.append(_picture(chart, analysis))
    sections.append(_why(analysis, k))
    if not analysis.empty:
        sections += [_escalations(analysis), _alerts(analysis), _change_points(analysis), _pairs(analysis), _events(analysis)]
        if notes is not None and len(notes):
            sections.append(_notes(notes))
        if said:
            sections.append(_said(said, bucket))
    sections.append(_method(analysis))
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n<main>\n"
        + "\n".join(sections)
        + "\n</main>\n</body>\n</html>\n"
    )


def _said(said: dict, bucket: str) -> str:
    """What was said at each key moment: its representative mentions (copies, sources) and
    its emerging terms, every value escaped."""
    items = []
    for when, moment in sorted(said.items()):
        mentions = "".join(
            f"<li>“{_e(' '.join(m.text.split()))}” — <em>{_e(m.source or 'no source')}</em>"
            + (f" · {m.copies:,} copies from {m.sources:,} sources" if m.copies > 1 else "") + "</li>"
            for m in moment.mentions)
        terms = ", ".join(_e(t.term) for t in moment.terms)
        counts = f"{moment.texts:,} text mentions, {moment.distinct:,} distinct"
        items.append(f"<h3>{_e(_date(when, bucket))}</h3><p class=\"muted\">{_e(counts)}</p><ul>{mentions}</ul>"
                     + (f"<p>Emerging terms (G² against {_e(moment.baseline)}): {terms}</p>" if terms else ""))
    return ('<section><h2>What is being said</h2><p class="muted">At each key moment: the most representative '
            "mentions (near-copies collapsed, with their copies) and the terms that emerged against the period "
            "before.</p>" + "".join(items) + "</section>")


def _selection_rows(analysis: Analysis) -> list[tuple[str, str]]:
    sel = analysis.selection
    t = analysis.table
    if sel.start or sel.end:
        dates = f"{_date(sel.start) if sel.start else 'first data'} to {_date(sel.end) if sel.end else 'last data'}"
    elif len(t):
        dates = f"all: {_date(t['date'].iloc[0], sel.bucket)} to {_date(t['date'].iloc[-1], sel.bucket)}"
    else:
        dates = "all"
    changed = [f"{f.name} = {getattr(analysis.params, f.name):g}" for f in fields(analysis.params)
               if getattr(analysis.params, f.name) != getattr(DEFAULT_PARAMS, f.name)]
    return [
        ("Actors", ", ".join(sel.actors) or "all"),
        ("Targets", ", ".join(sel.targets) or "all"),
        *([("Narratives", "; ".join(f"{n.name} ({', '.join(n.keywords)})" for n in sel.narratives))] if sel.narratives else []),
        ("Event types", ", ".join(sel.event_types) or "all"),
        ("Dates (UTC)", dates),
        ("Bucket", f"{sel.bucket} ({len(t):,} buckets)"),
        ("Model", "; ".join(changed) if changed else "default parameters"),
    ]


def _header(title: str, note: str, analysis: Analysis, k: dict) -> str:
    as_of = f"As of the latest bucket, {_date(k['date'], analysis.selection.bucket)} UTC" if k["date"] is not None else "No data"
    note_html = f'<p class="note" role="note"><strong>Note on the data.</strong> {_e(note)}</p>' if note.strip() else ""
    rows = "".join(f"<div><dt>{_e(name)}</dt><dd>{_e(value)}</dd></div>" for name, value in _selection_rows(analysis))
    return (
        '<header>\n<p class="kicker">Boiling Point · narrative escalation report</p>\n'
        f"<h1>{_e(title)}</h1>\n<p class=\"asof\">{_e(as_of)}</p>\n{note_html}\n"
        f'<dl class="selection">{rows}</dl>\n</header>'
    )


def _card(label: str, value_html: str, detail: str = "", style: str = "") -> str:
    detail_html = f'<div class="detail">{_e(detail)}</div>' if detail else ""
    return f'<div class="card"{style}><div class="label">{_e(label)}</div><div class="value">{value_html}</div>{detail_html}</div>'


def _kpi_cards(k: dict, bucket: str) -> str:
    if k["stage"] is None:
        return '<section class="cards"><p>No data in this selection: no mention and no event matches the filters.</p></section>'
    color = STAGE_COLORS.get(k["stage"], "#e5e7eb")
    stage_style = f' style="background:{color};color:{_ink(color)};border-color:{color}"'
    change = k["index_change"]
    change_txt = (f"{change:+.0f} against {k['change_buckets']} {bucket}s before".replace("-", "−", 1) if change is not None
                  else f"fewer than {k['change_buckets'] + 1} {bucket}s: no change shown")
    above = above_slow_boil(k)
    cards = [
        _card("Stage now", _e(k["stage"]), f"{k['direction']}, since {_date(k['stage_since'], bucket)}", stage_style),
        _card("Index now", _e(_num(k["index"])) + '<span class="unit"> / 100</span>', change_txt),
        _card("Peak index", _e(_num(k["peak_index"])), f"on {_date(k['peak_date'], bucket)}"),
        _card("Above slow boil", _e(above[0]), above[1]),
        _card("Events", _e(f"{k['events']:,}"), "in the selection"),
        _card("Mentions", _e(f"{k['mentions']:,}"), "in the selection"),
    ]
    return '<section class="cards" aria-label="Key figures">' + "".join(cards) + "</section>"


def _stage_strip(analysis: Analysis) -> str:
    """The stage of every bucket as one coloured bar: runs of one stage are one segment."""
    t = analysis.table
    stages = t["stage"].tolist()
    bucket = analysis.selection.bucket
    segments, start = [], 0
    for i in range(1, len(stages) + 1):
        if i == len(stages) or stages[i] != stages[start]:
            width = 100.0 * (i - start) / len(stages)
            color = STAGE_COLORS.get(stages[start], "#e5e7eb")
            tip = f"{stages[start]}: {_date(t['date'].iloc[start], bucket)} to {_date(t['date'].iloc[i - 1], bucket)}"
            segments.append(f'<span style="width:{width:.4f}%;background:{color}" title="{_e(tip)}"></span>')
            start = i
    legend = "".join(f'<li><span class="swatch" style="background:{c}"></span>{_e(s)}</li>' for s, c in STAGE_COLORS.items())
    return (
        '<section class="strip-section"><h2>Stage over time</h2>'
        f'<div class="strip" role="img" aria-label="Stage per bucket">{"".join(segments)}</div>'
        f'<div class="strip-dates"><span>{_e(_date(t["date"].iloc[0], bucket))}</span>'
        f'<span>{_e(_date(t["date"].iloc[-1], bucket))}</span></div>'
        f'<ul class="legend">{legend}</ul></section>'
    )


def _picture(chart, analysis: Analysis) -> str:
    # An SVG in an <img> is a static picture: the browser runs no script and loads nothing
    # from it, whatever text the chart carries.
    data = base64.b64encode(chart_svg(chart).encode("utf-8")).decode("ascii")
    t = analysis.table
    alt_text = (f"Timeline from {_date(t['date'].iloc[0])} to {_date(t['date'].iloc[-1])}: "
                "mentions per bucket, mean tone and events by severity")
    return (
        '<section class="timeline"><h2>Timeline</h2>'
        f'<img src="data:image/svg+xml;base64,{data}" alt="{_e(alt_text)}"></section>'
    )


def _why(analysis: Analysis, k: dict) -> str:
    when = f" ({_date(k['date'], analysis.selection.bucket)})" if k["date"] is not None else ""
    return (f'<section><h2>Why this stage{_e(when)}</h2>'
            f'<p class="explain">{_e(analysis.explain())}</p></section>')


def _latest(frame: pd.DataFrame, limit: int) -> tuple[pd.DataFrame, str]:
    if len(frame) <= limit:
        return frame, ""
    return frame.iloc[-limit:], f"The latest {limit:,} of {len(frame):,} are shown."


def _escalations(analysis: Analysis) -> str:
    bucket = analysis.selection.bucket
    alerts = analysis.alerts
    ups = alerts[alerts["kind"].str.startswith("stage:")] if len(alerts) else alerts
    if not len(ups):
        return '<section><h2>Stage escalations</h2><p class="muted">The stage did not rise in this selection.</p></section>'
    ups, more = _latest(ups, REPORT_LIST_ROWS)
    items = []
    for _, a in ups.iterrows():
        stage = a["kind"].split(":", 1)[1].strip()
        items.append(
            f'<li><div class="when">{_e(_date(a["date"], bucket))} {_badge(stage)}</div>'
            f'<p>{_e(analysis.explain_date(a["date"]))}</p></li>'
        )
    more_html = f'<p class="muted">{_e(more)}</p>' if more else ""
    return f'<section><h2>Stage escalations</h2><ol class="escalations">{"".join(items)}</ol>{more_html}</section>'


def _alerts(analysis: Analysis) -> str:
    bucket = analysis.selection.bucket
    if not len(analysis.alerts):
        return '<section><h2>Alerts</h2><p class="muted">No alert in this selection.</p></section>'
    alerts, more = _latest(analysis.alerts, REPORT_LIST_ROWS)
    rows = [[_date(a["date"], bucket), _text(a["kind"]), _text(a["reason"])] for _, a in alerts.iterrows()]
    more_html = f'<p class="muted">{_e(more)}</p>' if more else ""
    table = _table(["date", "kind", "reason"], rows, wide=2)
    return f'<section><h2>Alerts</h2>{table}{more_html}</section>'


def _change_points(analysis: Analysis) -> str:
    cps = analysis.change_points
    bucket = analysis.selection.bucket
    if not len(cps):
        return '<section><h2>Change points</h2><p class="muted">No change point in this selection.</p></section>'
    rows = []
    for _, c in cps.iterrows():
        fmt = ",.0f" if c["signal"] == "volume" else "+.2f"
        event = "no event in the window before" if _missing(c["event_id"]) else (
            f"{_text(c['event_actor'])} ({_date(c['event_date'], bucket)}, severity {_num(c['event_severity'], '+.0f')}): "
            f"{_text(c['event_headline'])}"
        )
        rows.append([_date(c["date"], bucket), _text(c["signal"]), f"{_num(c['before'], fmt)} → {_num(c['after'], fmt)}",
                     event, _num(c["lag_hours"], ",.0f")])
    intro = ("Shifts in mean volume or tone found by PELT, each paired with the latest event up to "
             f"{analysis.params.change_window_days:g} days before it.")
    table = _table(["date", "signal", "mean before → after", "paired event", "lag (hours)"], rows, frozenset({4}), wide=3)
    return f'<section><h2>Change points</h2><p class="muted">{_e(intro)}</p>{table}</section>'


def _pairs(analysis: Analysis) -> str:
    pairs = analysis.pairs
    if not len(pairs):
        return '<section><h2>Claims and retractions</h2><p class="muted">No retraction in this selection.</p></section>'
    window = f"{analysis.params.retraction_window_hours:g}"
    intro = (f"Coverage: mentions of the actor in the {window} hours after each event. Reach ratio: retraction "
             "coverage ÷ claim coverage — below 1, the correction reached fewer people than the claim.")
    blocks = []
    for _, p in pairs.iterrows():
        rows = [
            ["claim", _date(p["claim_date"], "hour"), _text(p["claim_headline"]), _num(p["claim_coverage"]),
             _num(p["tone_after_claim"], "+.2f")],
            ["retraction", _date(p["retraction_date"], "hour"), _text(p["retraction_headline"]),
             _num(p["retraction_coverage"]), _num(p["tone_after_retraction"], "+.2f")],
        ]
        table = _table(["", "date (UTC)", "headline", f"coverage ({window} h)", "tone after"], rows,
                       numeric=frozenset({3, 4}), wide=2)
        ratio = f"reach ratio {_num(p['reach_ratio'], '.2f')}"
        rest = (f"retraction {_num(p['lag_hours'], ',.1f')} hours after the claim · "
                f"tone in the {window} hours before the claim {_num(p['tone_before'], '+.2f')}")
        blocks.append(f'<div class="pair"><h3>{_e(_text(p["actor"]))}</h3>'
                      f'<p class="pair-summary"><strong>{_e(ratio)}</strong> · {_e(rest)}</p>{table}</div>')
    return f'<section><h2>Claims and retractions</h2><p class="muted">{_e(intro)}</p>{"".join(blocks)}</section>'


def _events(analysis: Analysis) -> str:
    ev = analysis.events
    bucket = analysis.selection.bucket
    if not len(ev):
        return '<section><h2>Events</h2><p class="muted">No event in this selection.</p></section>'
    shown = ev
    more = ""
    if len(ev) > REPORT_EVENT_ROWS:
        shown = ev.sort_values("severity", na_position="last", kind="stable").head(REPORT_EVENT_ROWS).sort_values("date", kind="stable")
        more = f"The {REPORT_EVENT_ROWS:,} most conflictual of {len(ev):,} events are shown."
    rows = [
        [_date(e["date"], bucket), _text(e["actor"]), _text(e["target"]), _text(e["event_type"]),
         _num(e["severity"], "+.0f"), _text(e["headline"]), _text(e["source"])]
        for _, e in shown.iterrows()
    ]
    more_html = f'<p class="muted">{_e(more)}</p>' if more else ""
    columns = ["date", "actor", "target", "type", "severity", "headline", "source"]
    table = _table(columns, rows, frozenset({4}), wide=5)
    return f'<section><h2>Events</h2>{more_html}{table}</section>'


def _notes(notes: pd.DataFrame) -> str:
    rows = [[_date(n["date"], "hour"), _text(n["actor"] if isinstance(n["actor"], str) else "the whole story"),
             _text(n["text"]), _text(n["author"] if isinstance(n["author"], str) else "")] for _, n in notes.iterrows()]
    return f'<section><h2>Notes</h2>{_table(["date", "about", "note", "by"], rows, wide=2)}</section>'


def _method(analysis: Analysis) -> str:
    p = analysis.params
    w = p.weights()
    text = (
        f"The index (0–100) is the weighted mean of four components, each 0–1: attention "
        f"{w['attention']:.2f}, tone {w['tone']:.2f}, severity {w['severity']:.2f}, breadth {w['breadth']:.2f}, "
        f"over the components the data have. Stages start at simmering {p.simmering:g}, boiling {p.boiling:g} and "
        f"crisis {p.crisis:g}; a stage is left only after {p.exit_buckets} buckets in a row more than "
        f"{p.exit_margin:g} points below its threshold, and entered only when attention is at least "
        f"{p.attention_gate:g}× what is expected and {p.gate_z:g} SD above it (where it is known and the stream is not "
        f"sparse), the bucket before within {p.exit_margin:g} points of the threshold. Attention is "
        + ("each bucket's share of the source's total coverage against its usual share"
           if p.attention == "share" else
           f"the mentions against a long memory (the median of the last {p.reference_buckets} ordinary buckets, "
           "held while a story is elevated)")
        + "; it is unknown before the source's first mention, after its last, in collection gaps and across a step in "
        "its total coverage. Dates are UTC."
    )
    return f'<footer><h2>How the index is computed</h2><p>{_e(text)}</p></footer>'


_CSS = """
:root { --ink: #1f2937; --muted: #5b6472; --rule: #e5e7eb; --paper: #ffffff; --tint: #f8f6f3; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; background: var(--tint); color: var(--ink);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1040px; margin: 0 auto; padding: 32px 36px 48px; background: var(--paper); overflow-wrap: anywhere; }
h1 { font-size: 28px; line-height: 1.2; margin: 2px 0 4px; }
h2 { font-size: 18px; margin: 0 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--rule); }
section, footer { margin-top: 28px; }
p { margin: 0 0 8px; }
.kicker { text-transform: uppercase; letter-spacing: .08em; font-size: 12px; color: var(--muted); margin: 0; }
.asof { color: var(--muted); margin: 0 0 14px; }
.note { background: #fff4e0; border: 1px solid #f4b459; border-left: 6px solid #e36b25;
  padding: 10px 14px; border-radius: 4px; font-size: 15px; }
.selection { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 6px 18px; margin: 14px 0 0; }
.selection div { min-width: 0; }
.selection dt { font-size: 11px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); }
.selection dd { margin: 0; }
.cards { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 12px; }
.card { border: 1px solid var(--rule); border-radius: 8px; padding: 12px 14px; background: var(--paper);
  break-inside: avoid; min-width: 0; }
.card .label { font-size: 12px; text-transform: uppercase; letter-spacing: .06em; opacity: .8; }
.card .value { font-size: 28px; font-weight: 700; line-height: 1.25; }
.card .unit { font-size: 14px; font-weight: 400; opacity: .8; }
.card .detail { font-size: 13px; opacity: .85; }
.strip { display: flex; height: 22px; border-radius: 4px; overflow: hidden; border: 1px solid var(--rule); }
.strip span { display: block; height: 100%; }
.strip-dates { display: flex; justify-content: space-between; font-size: 12px; color: var(--muted); margin-top: 2px; }
.legend { list-style: none; display: flex; gap: 16px; padding: 0; margin: 6px 0 0; font-size: 13px; }
.legend li { display: flex; align-items: center; gap: 6px; }
.swatch { display: inline-block; width: 14px; height: 14px; border-radius: 3px; border: 1px solid #d1d5db; }
.timeline img { display: block; width: 100%; height: auto; }
.explain { font-size: 16px; background: var(--tint); border-radius: 6px; padding: 12px 14px; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600;
  vertical-align: 1px; margin-left: 6px; }
.escalations { list-style: none; padding: 0; margin: 0; }
.escalations li { border-left: 3px solid var(--rule); padding: 2px 0 2px 12px; margin-bottom: 12px; break-inside: avoid; }
.escalations .when { font-weight: 600; }
.escalations p { margin: 2px 0 0; font-size: 14px; }
table { width: 100%; border-collapse: collapse; font-size: 13px; overflow-wrap: break-word; }
thead { display: table-header-group; }
th { text-align: left; font-size: 11px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted);
  border-bottom: 2px solid var(--rule); padding: 6px 8px; vertical-align: bottom; }
td { border-bottom: 1px solid var(--rule); padding: 6px 8px; vertical-align: top; overflow-wrap: break-word; }
tr { break-inside: avoid; }
.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.wide { width: 45%; min-width: 16em; }
td:first-child { white-space: nowrap; }
.pair { border: 1px solid var(--rule); border-radius: 8px; padding: 10px 14px 4px; margin-top: 10px; break-inside: avoid; }
.pair h3 { font-size: 15px; margin: 0; }
.pair-summary { font-size: 14px; }
.pair td:first-child { font-weight: 600; }
.muted { color: var(--muted); font-size: 14px; }
footer p { color: var(--muted); font-size: 13px; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { background: #fff; font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  section, footer { margin-top: 16px; }
  h2 { break-after: avoid; }
  .card .value { font-size: 20pt; }
  .timeline { break-inside: avoid; }
  table { font-size: 8.5pt; }
  th, td { padding: 4px 5px; }
  .wide { min-width: 13em; }
}
@media screen and (max-width: 720px) { .cards, .selection { grid-template-columns: repeat(2, minmax(0, 1fr)); } }
"""
