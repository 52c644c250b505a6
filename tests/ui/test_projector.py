"""The projector (dark) theme through AppTest: the toggle, the link, the charts and the page."""

from __future__ import annotations

from dashboard.charts.theme import DARK_BACKGROUND
from dashboard.ui.theme import PAGE_CSS


def _run(at):
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


def _query(at, key: str):
    value = at.query_params.get(key)
    return value[-1] if isinstance(value, list) and value else value


def _backgrounds(chart_frames, at) -> set:
    return {(c["spec"].get("config") or {}).get("background") for c in chart_frames(at)}


def _page_css(at) -> bool:
    return any(PAGE_CSS.strip() in (h.proto.body or "") for h in at.get("html"))


def test_theme_projector_toggle_reaches_the_url_and_darkens_every_chart(make_app, chart_frames):
    at = _run(make_app())
    assert at.toggle(key="projector").value is False
    assert "theme" not in at.query_params and DARK_BACKGROUND not in _backgrounds(chart_frames, at)
    assert not _page_css(at)
    at.toggle(key="projector").set_value(True)
    _run(at)
    assert _query(at, "theme") == "dark"
    assert _backgrounds(chart_frames, at) == {DARK_BACKGROUND}  # every chart on the page, not only some
    assert _page_css(at)
    at.toggle(key="projector").set_value(False)
    _run(at)
    assert "theme" not in at.query_params and DARK_BACKGROUND not in _backgrounds(chart_frames, at)


def test_theme_a_link_with_theme_dark_opens_dark_and_keeps_it_into_meeting_mode(make_app, chart_frames):
    at = _run(make_app({"theme": "dark"}))
    assert at.toggle(key="projector").value is True
    assert _backgrounds(chart_frames, at) == {DARK_BACKGROUND}
    at.button(key="to_present").click()
    _run(at)
    assert _query(at, "mode") == "present" and _query(at, "theme") == "dark"
    assert at.toggle(key="present_projector").value is True
    assert _backgrounds(chart_frames, at) == {DARK_BACKGROUND}


def test_theme_meeting_mode_has_its_own_toggle_and_the_step_survives_it(make_app, chart_frames):
    at = _run(make_app({"mode": "present", "step": "2"}))
    assert at.toggle(key="present_projector").value is False
    at.toggle(key="present_projector").set_value(True)
    _run(at)
    assert _query(at, "theme") == "dark" and _query(at, "step") == "2"
    assert _backgrounds(chart_frames, at) == {DARK_BACKGROUND}
    moment = next(c for c in chart_frames(at) if str(c["spec"]["title"]["text"]).startswith("Escalation around"))
    assert "+" in moment["spec"]["title"]["subtitle"] and "more" in moment["spec"]["title"]["subtitle"]


def test_theme_an_unknown_theme_in_a_link_is_named_and_ignored(make_app, chart_frames):
    at = _run(make_app({"theme": "sepia"}))
    assert at.toggle(key="projector").value is False
    assert DARK_BACKGROUND not in _backgrounds(chart_frames, at)
    assert "theme" not in at.query_params
