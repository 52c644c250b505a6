"""Notes through the app: pin one from the timeline, see it after a reload and in meeting mode."""

from __future__ import annotations

import datetime as dt
import re

import pytest

HOSTILE = '=HYPERLINK("x") **bold** <script>alert(1)</script> [link](javascript:1)'


def _run(at):
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


def _text(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [s.value for s in at.success]
    return re.sub(r"\\(.)", r"\1", " ".join(parts))


def _note_marks(chart_frames, at) -> list:
    for chart in chart_frames(at):
        for frame in chart["data"]:
            if {"text", "author", "actor"} <= set(frame.columns):
                return frame["text"].tolist()
    return []


def _open_notes(at):
    """The notes' expander opened, as a click on it does: its form is made only while it is open."""
    at.session_state["notes_open"] = True
    return _run(at)


@pytest.fixture
def pinned(make_app, fresh_store):
    """A note pinned through the form, on the day of Amazon's email."""
    at = _open_notes(make_app())
    at.date_input(key="note_day").set_value(dt.date(2020, 7, 10))
    at.time_input(key="note_time").set_value(dt.time(16, 0))
    at.selectbox(key="note_actor").set_value("Amazon")
    at.text_area(key="note_text").set_value(HOSTILE)
    at.text_input(key="note_author").set_value("Ana")
    at.button(key="note_add").click()
    return _run(at)


def test_notes_pinned_from_the_timeline_stay_after_a_reload(pinned, make_app, chart_frames):
    assert "Note pinned" in _text(pinned)
    fresh = _open_notes(make_app())  # another session: a reload, or a colleague opening the same link
    assert "✎ **10 Jul 2020 16:00** · Amazon: " + HOSTILE + " — Ana" in _text(fresh)  # shown as text, escaped
    assert _note_marks(chart_frames, fresh) == [HOSTILE]  # on the escalation chart, as data
    assert "Notes on this timeline (1)" in " ".join(e.label for e in fresh.expander)


def test_notes_show_in_meeting_mode_near_their_moment(pinned, make_app):
    at = _run(make_app({"mode": "present", "step": "4"}))  # Amazon's claim and its retraction
    assert "✎ 10 Jul (Amazon): " + HOSTILE + " — Ana" in _text(at)


def test_an_empty_note_is_refused_with_a_reason(make_app, fresh_store):
    at = _open_notes(make_app())
    at.text_area(key="note_text").set_value("   ")
    at.button(key="note_add").click()
    at.run()
    assert any("The note was not kept: the note is empty" in re.sub(r"\\(.)", r"\1", e.value) for e in at.error)


def test_deleting_a_note_removes_it_for_everyone(pinned, make_app, chart_frames):
    button = next(b for b in pinned.button if str(b.key).startswith("note_del_"))
    button.click()
    _run(pinned)
    assert _note_marks(chart_frames, _run(make_app())) == []


def test_notes_form_is_made_only_while_open_and_keeps_its_text_when_closed(make_app, fresh_store):
    at = _run(make_app())
    assert "Notes on this timeline (0)" in " ".join(e.label for e in at.expander)
    assert not [w for w in at.text_area if w.key == "note_text"]  # closed: no form on the page
    _open_notes(at)
    at.text_area(key="note_text").set_value("half written")
    at.session_state["notes_open"] = False
    _run(at)
    assert not [w for w in at.text_area if w.key == "note_text"]
    _open_notes(at)
    assert at.text_area(key="note_text").value == "half written"


def test_the_timeline_reads_its_notes_once_per_run(pinned, make_app, monkeypatch):
    """The escalation chart's notes and the Notes panel's list are one read of the store (issue 14's
    load work: every rerun's store reads are paid by every session)."""
    import dashboard.ui.notes as notes

    reads = []
    real = notes.list_notes

    def counting(store, key, *args, **kwargs):
        reads.append((key, args))
        return real(store, key, *args, **kwargs)

    monkeypatch.setattr(notes, "list_notes", counting)
    _run(make_app())
    assert len(reads) == 1, reads
