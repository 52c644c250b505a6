"""Uploads through the app: kept in the store, reopened from a link in a fresh session,
compared with each other; the mapping step in the user's words."""

from __future__ import annotations

import re

import pytest

from dashboard.store import open_store, upload_id
from dashboard.store.uploads import UploadOptions


def _events(actor: str, month: int = 5) -> bytes:
    rows = "".join(f"2024-{month:02d}-{d:02d},{actor},Rival,statement,-{1 + d % 5},{actor} statement {d}\n"
                   for d in range(1, 29))
    return ("date,actor,target,event_type,severity,headline\n" + rows).encode()


TWEETS = (
    "tweet_created,airline,text\n"
    + "".join(f"2015-02-{d:02d} 10:00:00,Virgin America,the flight was lovely {d}\n" for d in range(1, 15))
    + "".join(f"2015-02-{d:02d} 11:00:00,United,\"worst delay ever, awful service {d}\"\n" for d in range(1, 15))
).encode()


def _run(at):
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


def _text(at) -> str:
    parts = ([m.value for m in at.markdown] + [c.value for c in at.caption] + [w.value for w in at.warning]
             + [i.value for i in at.info])
    return re.sub(r"\\(.)", r"\1", " ".join(parts))


def _ds(at) -> str:
    value = at.query_params.get("ds")
    return value[-1] if isinstance(value, list) else value


def _upload(at, kind: str, name: str, content: bytes, mapped: bool = True):
    """Choose "Upload" and give a file; `mapped=False`: a file that needs the mapping step (errors expected)."""
    at.selectbox(key="ds").set_value("upload")
    _run(at)
    at.file_uploader(key=f"upload_{kind}").set_value((name, content, "text/csv"))
    if not mapped:
        at.run()
        assert not at.exception, at.exception
        return at
    return _run(at)


def _actors(at) -> list[str]:
    return [o.split(" · ")[0] for o in at.multiselect(key="actor").options]


def test_an_upload_is_kept_and_the_link_names_it(make_app, fresh_store):
    at = _upload(_run(make_app()), "events", "alpha.csv", _events("Alpha Corp"))
    want = "upload:" + upload_id(_events("Alpha Corp"), None)
    assert _ds(at) == want
    assert "Kept on this server for 30 days after its last use" in _text(at)
    assert any(want in c.value for c in at.code)  # the "Copy link" box names it too
    assert at.selectbox(key="ds").value == "upload"  # the menu stays on the uploaders


def test_a_link_to_an_upload_reopens_it_in_a_fresh_session(make_app, fresh_store, chart_frames):
    first = _upload(_run(make_app()), "mentions", "tweets.csv", TWEETS, mapped=False)
    first.selectbox(key="map_mentions_date").set_value("tweet_created")
    first.run()
    first.selectbox(key="map_mentions_actor").set_value("airline")
    _run(first)
    ref = _ds(first)
    assert ref == "upload:" + upload_id(None, TWEETS, "", UploadOptions(("mentions:date=tweet_created,actor=airline,text=text",)))
    fresh = _run(make_app({"ds": ref}))  # someone else opens the link: nothing uploaded in this session
    assert fresh.selectbox(key="ds").value == ref
    assert sorted(_actors(fresh)) == ["United", "Virgin America"]
    assert [h.value for h in fresh.subheader][0] == "tweets\\.csv" and "Kept on this server" in _text(fresh)
    assert "mentions: date ← tweet_created,actor ← airline,text ← text" in _text(fresh)
    assert _ds(fresh) == ref
    assert len(chart_frames(fresh)) >= 2  # the stage gauge and the escalation chart drew


@pytest.mark.parametrize("ref", ["upload:0123456789abcdef", "upload:../../etc/passwd", "upload:<b>x</b>"])
def test_a_link_to_an_unknown_upload_says_so_and_opens_the_demo(make_app, fresh_store, ref):
    at = _run(make_app({"ds": ref}))
    assert at.selectbox(key="ds").value == "tiktok-2020"
    warnings = [re.sub(r"\\(.)", r"\1", w.value) for w in at.warning]
    assert any("not kept on this server" in w or "does not name an upload" in w for w in warnings), warnings
    assert any("Showing “TikTok ban scare, 2020” instead" in w for w in warnings)
    assert not any("unknown dataset" in w for w in warnings)  # said once, in words
    assert _ds(at) in (None, "tiktok-2020")


def test_a_link_to_an_unknown_upload_in_meeting_mode_says_so(make_app, fresh_store):
    at = _run(make_app({"ds": "upload:0123456789abcdef", "mode": "present"}))
    assert any("not kept on this server" in w.value and "Presenting" in w.value for w in at.warning)


def test_an_expired_upload_is_gone_for_its_link(make_app, fresh_store, monkeypatch):
    at = _upload(_run(make_app()), "events", "alpha.csv", _events("Alpha Corp"))
    ref = _ds(at)
    with __import__("sqlite3").connect(open_store().path) as conn:
        conn.execute("UPDATE uploads SET last_used = '2000-01-01T00:00:00'")
    fresh = _run(make_app({"ds": ref}))
    assert fresh.selectbox(key="ds").value == "tiktok-2020"
    assert "not opened for 30 days" in _text(fresh)


def test_an_upload_over_the_cap_is_shown_but_not_kept_and_says_so(make_app, fresh_store, monkeypatch):
    monkeypatch.setenv("BOILINGPOINT_MAX_UPLOAD_BYTES", "100")
    at = _upload(_run(make_app()), "events", "alpha.csv", _events("Alpha Corp"))
    assert _ds(at) == "upload"  # the link cannot name it
    assert "Not kept for sharing: it is" in _text(at) and "uploads over 100 bytes are not kept" in _text(at)
    assert _actors(at) == ["Alpha Corp", "Rival"]  # the data still show


def test_a_kept_upload_opens_in_meeting_mode_from_its_link(make_app, fresh_store):
    ref = _ds(_upload(_run(make_app()), "events", "alpha.csv", _events("Alpha Corp")))
    at = _run(make_app({"ds": ref, "mode": "present"}))
    shown = " ".join([*(h.value for h in at.subheader), *(h.value for h in at.header), *(m.value for m in at.markdown),
                      *(c.value for c in at.caption)])
    assert _ds(at) == ref and "alpha\\.csv" in shown, shown
    assert "Kept on this server" not in _text(at)


def test_two_uploads_are_compared(make_app, fresh_store, chart_frames):
    at = _upload(_run(make_app()), "events", "alpha.csv", _events("Alpha Corp", 5))
    alpha = _ds(at)
    at.file_uploader(key="upload_events").set_value(("beta.csv", _events("Beta Ltd", 6), "text/csv"))
    _run(at)
    beta = _ds(at)
    assert alpha != beta and {"Upload: alpha.csv", "Upload: beta.csv"} <= set(at.selectbox(key="ds").options)
    at.tabs[0]  # noqa: B018 — the tab bar is there
    at.session_state["tab"] = "Compare"
    _run(at)
    at.radio(key="cmp_mode").set_value("two datasets")
    _run(at)
    at.selectbox(key="cmp_ds_a").set_value(alpha)
    at.selectbox(key="cmp_ds_b").set_value(beta)
    _run(at)
    aligned = next(f for c in chart_frames(at) for f in c["data"] if {"series", "offset", "index"} <= set(f.columns))
    assert set(aligned["series"]) == {"alpha.csv", "beta.csv"}


def test_an_upload_link_pasted_into_compare_joins_it(make_app, fresh_store, chart_frames):
    other = _upload(_run(make_app()), "events", "alpha.csv", _events("Alpha Corp"))
    link = "http://127.0.0.1:8501/?ds=" + _ds(other).replace(":", "%3A") + "&bucket=day"
    at = _run(make_app({"tab": "Compare"}))
    at.radio(key="cmp_mode").set_value("two datasets")
    _run(at)
    at.text_input(key="cmp_add").set_value(link)
    _run(at)
    assert "Upload: alpha.csv" in at.selectbox(key="cmp_ds_b").options
    at.selectbox(key="cmp_ds_b").set_value(_ds(other))
    _run(at)
    aligned = next(f for c in chart_frames(at) for f in c["data"] if {"series", "offset", "index"} <= set(f.columns))
    assert set(aligned["series"]) == {"TikTok ban scare, 2020", "alpha.csv"}
    at.text_input(key="cmp_add").set_value("upload:ffffffffffffffff")
    _run(at)
    assert "not kept on this server" in _text(at)


def test_the_mapping_step_speaks_the_users_language(make_app, fresh_store):
    at = _upload(_run(make_app()), "mentions", "tweets.csv", TWEETS, mapped=False)
    labels = [s.label for s in at.selectbox]
    assert "date (required)" in labels and "actor (required)" in labels
    assert all(NONE in s.options for s in at.selectbox if s.key.startswith("map_"))
    text = _text(at) + " ".join(e.value for e in at.error) + " ".join(s.help or "" for s in at.selectbox)
    assert "--" not in re.sub(r"— none —", "", text)  # no command-line flag
    at.text_area(key="actor_dict").set_value("United,UA\nVirgin America,Virgin\n")
    at.run()
    assert "actor" in [s.label for s in at.selectbox]  # the dictionary finds the actors: not required
    assert "Optional here: the actor dictionary" in at.selectbox(key="map_mentions_actor").help


NONE = "— none —"


@pytest.mark.parametrize("message,want", [
    ("no actor column. To find the actors in the text, give an actor dictionary (--actors FILE)",
     "no actor column. To find the actors in the text, give an actor dictionary (under “How to read these files”)"),
    ("load it with --wide (wide=True)", "tick “Wide table of counts” under “How to read these files”"),
    ("x. Name the file's columns with a column mapping, e.g. --map date=Time,text=Headlines",
     "x. Say which of its columns hold the date, the actor and so on under “How to read these files”"),
    ("--map: tone is not a events column (date, actor)", "tone is not a events column (date, actor)"),
])
def test_in_words_puts_flags_in_the_pages_words(message, want):
    from dashboard.ui.upload import in_words

    assert in_words(message) == want and "--" not in in_words(message)


def test_a_file_named_as_the_contract_has_nothing_to_map_until_asked(make_app, fresh_store):
    at = _upload(_run(make_app()), "events", "alpha.csv", _events("Alpha Corp"))
    assert not [s for s in at.selectbox if str(s.key).startswith("map_events_")]
    assert "Its columns are named as the contract names them" in _text(at)
    at.toggle(key="map_events_edit").set_value(True)
    _run(at)
    assert at.selectbox(key="map_events_date").value == "date" and at.selectbox(key="map_events_url").value == NONE


def test_a_long_upload_name_is_cut_with_an_ellipsis_and_whole_in_the_menus_help(make_app, fresh_store):
    """No name cut silently: the menu's label ends in "…", the whole name is in its help."""
    long_name = "quarterly-press-coverage-of-the-regional-water-dispute-between-two-neighbouring-states-final-v3.csv"
    at = _upload(_run(make_app()), "events", long_name, _events("Alpha Corp"))
    ref = _ds(at)
    at.selectbox(key="ds").set_value(ref)
    _run(at)
    menu = at.selectbox(key="ds")
    label = next(o for o in menu.options if o.startswith("Upload: "))
    assert label.endswith("…") and len(label) < len("Upload: " + long_name)  # cut, and says so
    assert long_name in re.sub(r"\\(.)", r"\1", menu.help)  # the whole name, one hover away
