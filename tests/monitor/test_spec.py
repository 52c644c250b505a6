"""Monitor files: the keys of the issue read into a checked definition; a bad file is refused
with a message naming the key."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.monitor.spec import MonitorError, load_monitor, parse_monitor

GOOD = """
name: tiktok-watch
events: data/tiktok-2020/events.csv      # a file or a glob
mentions: /srv/inbox/*.csv               # new files are picked up
actors: [TikTok]
min_stage: boiling
rules: [spike, drift, change_point]
webhook: {url: "https://hooks.example/T1", format: slack}
email: {to: [comms@example.org], from: bp@example.org, smtp: "mail.example.org:587"}
import: {map: ["date=Time,text=Headlines"], timezone: Europe/Paris, wide: "no"}
quiet_hours: {from: "22:00", to: "07:00", timezone: Europe/Paris}
rate_limit: 5/hour
"""


def test_parse_monitor_reads_every_key_of_the_issue(tmp_path):
    spec = parse_monitor(GOOD, tmp_path)
    assert spec.name == "tiktok-watch"
    assert spec.events == (str(tmp_path.resolve() / "data/tiktok-2020/events.csv"),)
    assert spec.mentions == ("/srv/inbox/*.csv",)
    assert spec.actors == ("TikTok",)
    assert spec.rule_names == ("stage:boiling", "spike", "drift", "change_point")
    assert spec.webhook is not None and spec.webhook.format == "slack" and spec.webhook.url == "https://hooks.example/T1"
    assert spec.email is not None and (spec.email.host, spec.email.port, spec.email.to) == ("mail.example.org", 587, ("comms@example.org",))
    assert dict(spec.import_options) == {"map": ("date=Time,text=Headlines",), "timezone": "Europe/Paris", "wide": False}
    assert spec.rate_limit is not None and (spec.rate_limit.count, spec.rate_limit.seconds) == (5, 3600)
    assert spec.quiet_hours is not None and spec.quiet_hours.start == dt.time(22, 0)
    options = spec.options()  # the CLI's own builder
    assert options.timezone == "Europe/Paris" and options.mappings["mentions"]["text"] == "Headlines"


def test_parse_monitor_keeps_yaml_1_1_booleans_as_text(tmp_path):
    # Norway's code is NO; YAML 1.1 would make it False, and 07:00 a sexagesimal number.
    spec = parse_monitor("name: m\nmentions: x.csv\nactors: [NO, yes, on, 1e3]\nmin_stage: crisis\nquiet_hours: 22:00-07:00\n", tmp_path)
    assert spec.actors == ("NO", "yes", "on", "1e3")
    assert spec.quiet_hours is not None and spec.quiet_hours.end == dt.time(7, 0)


@pytest.mark.parametrize(
    "text, key",
    [
        ("mentions: x.csv\nmin_stage: boiling", "name"),
        ("name: 'a b/c'\nmentions: x.csv\nmin_stage: boiling", "name"),
        ("name: m\nmin_stage: boiling", "events / mentions"),
        ("name: m\nmentions: x.csv", "min_stage / rules"),
        ("name: m\nmentions: x.csv\nmin_stage: hot", "min_stage"),
        ("name: m\nmentions: x.csv\nrules: [spike, surge]", "rules"),
        ("name: m\nmentions: x.csv\nmin_stage: boiling\nwebhook: ftp://x", "webhook"),
        ("name: m\nmentions: x.csv\nmin_stage: boiling\nwebhook: {url: 'https://x', format: discord}", "webhook.format"),
        ("name: m\nmentions: x.csv\nmin_stage: boiling\nemail: {to: nobody, from: a@b.c, smtp: 'h:25'}", "email.to"),
        ("name: m\nmentions: x.csv\nmin_stage: boiling\nemail: {to: a@b.c, from: a@b.c}", "email.smtp"),
        ("name: m\nmentions: x.csv\nmin_stage: boiling\nemail: {to: a@b.c, from: a@b.c, smtp: 'h:99999'}", "email.smtp port"),
        ("name: m\nmentions: x.csv\nmin_stage: boiling\nemail: {to: a@b.c, from: a@b.c, smtp: 'h:25', password: x}", "email"),
        ("name: m\nmentions: x.csv\nmin_stage: boiling\nrate_limit: lots", "rate_limit"),
        ("name: m\nmentions: x.csv\nmin_stage: boiling\nquiet_hours: {from: '25:00', to: '07:00'}", "quiet_hours.from"),
        ("name: m\nmentions: x.csv\nmin_stage: boiling\nquiet_hours: {from: '22:00', to: '07:00', timezone: Mars/Base}", "quiet_hours.timezone"),
        ("name: m\nmentions: x.csv\nmin_stage: boiling\nimport: {delimiter: ';'}", "import"),
        ("name: m\nmentions: x.csv\nmin_stage: boiling\nimport: {wide: maybe}", "import.wide"),
        ("name: m\nmentions: x.csv\nmin_stage: boiling\nparams: {crisis: 700}", "params"),
        ("name: m\nmentions: x.csv\nmin_stage: boiling\nparams: {hotness: 3}", "params.hotness"),
        ("name: m\nmentions: x.csv\nmin_stage: boiling\nbucket: month", "bucket"),
        ("name: m\nmentions: x.csv\nmin_stage: boiling\ncolour: red", "unknown key 'colour'"),
        ("name: m\nmentions: [x.csv, {a: 1}]\nmin_stage: boiling", "mentions"),
        ("[just, a, list]", "mapping"),
        ("name: m\n  bad: indent: here", "not valid YAML"),
    ],
)
def test_parse_monitor_names_the_bad_key(tmp_path, text, key):
    with pytest.raises(MonitorError) as info:
        parse_monitor(text, tmp_path)
    assert key in str(info.value)


def test_parse_monitor_checks_import_options_with_the_cli_builder(tmp_path):
    spec = parse_monitor("name: m\nmentions: x.csv\nmin_stage: boiling\nimport: {timezone: Mars/Base}", tmp_path)
    with pytest.raises(MonitorError, match="import:"):
        spec.options()


def test_load_monitor_names_the_file(tmp_path):
    bad = tmp_path / "m.yaml"
    bad.write_bytes(b"name: m\nmentions: x.csv\n")
    with pytest.raises(MonitorError, match=r"m\.yaml: min_stage / rules"):
        load_monitor(bad)
    bad.write_bytes(b"\xff\xfe\x00name")
    with pytest.raises(MonitorError, match="not UTF-8"):
        load_monitor(bad)
    with pytest.raises(MonitorError, match="cannot read"):
        load_monitor(tmp_path / "missing.yaml")


@pytest.mark.parametrize(
    "clock, quiet",
    [("2026-01-05T21:59", False), ("2026-01-05T22:00", True), ("2026-01-06T03:00", True), ("2026-01-06T06:59", True),
     ("2026-01-06T07:00", False), ("2026-01-06T12:00", False)],
)
def test_quiet_hours_over_midnight(tmp_path, clock, quiet):
    spec = parse_monitor("name: m\nmentions: x.csv\nmin_stage: boiling\nquiet_hours: 22:00-07:00\n", tmp_path)
    assert spec.quiet_hours is not None
    when = dt.datetime.fromisoformat(clock)
    assert spec.quiet_hours.contains(when) is quiet
    end = spec.quiet_hours.ends_after(when)
    assert not spec.quiet_hours.contains(end) and end >= when
    if quiet:
        assert end.time() == dt.time(7, 0)


def test_quiet_hours_in_a_time_zone(tmp_path):
    spec = parse_monitor("name: m\nmentions: x.csv\nmin_stage: boiling\nquiet_hours: {from: '22:00', to: '07:00', timezone: Europe/Paris}",
                         tmp_path)
    assert spec.quiet_hours is not None
    assert spec.quiet_hours.contains(dt.datetime(2026, 1, 5, 21, 30))  # 22:30 in Paris (UTC+1)
    assert spec.quiet_hours.ends_after(dt.datetime(2026, 1, 5, 21, 30)) == dt.datetime(2026, 1, 6, 6, 0)  # 07:00 Paris


def test_parse_monitor_refuses_a_huge_file_before_parsing_it(tmp_path):
    with pytest.raises(MonitorError, match="larger than 64 KB"):
        parse_monitor("name: m\n" + "# padding\n" * 8000, tmp_path)


def test_a_missing_import_file_is_said_when_the_watcher_runs(tmp_path, monkeypatch):
    from dashboard.monitor.watch import watch
    from dashboard.store.db import open_store

    monkeypatch.setenv("BOILINGPOINT_HOME", str(tmp_path / "home"))
    (tmp_path / "inbox").mkdir()
    (tmp_path / "inbox" / "a.csv").write_text("date,actor,count\n2020-01-01,A,1\n")
    spec = parse_monitor("name: m\nmentions: inbox/*.csv\nmin_stage: boiling\nsettle_seconds: 0\nimport: {actors: nope.yaml}\n", tmp_path)
    lines: list[str] = []
    watch([spec], open_store(tmp_path / "home"), tmp_path / "home", once=True, log=lines.append)
    assert any("cycle failed: import: --actors" in line and "no such file" in line for line in lines)
