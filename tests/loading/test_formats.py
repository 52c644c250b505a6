"""Real-world formats on small synthetic inputs: GDELT, ACLED, column mappings and dates,
wide tables, text-only mentions with an actor dictionary, and the import options.

Every load goes through `load`, which checks the ledger (rows read = loaded + rejected)
and that each rejection names a record, a line, a reason code and a reason.
"""

from __future__ import annotations

import gzip
import io
import zipfile

import pandas as pd
import pyarrow as pa
import pytest

from dashboard.cli import build_parser, main
from dashboard.launch import launch_files
from dashboard.loading import LoadResult, load_bytes
from dashboard.loading.actors import actor_dictionary, canonicalise, find_actors, load_actor_dictionary
from dashboard.loading.formats.acled import acled_date, severity
from dashboard.loading.formats.dates import normalise_dates
from dashboard.loading.formats.gdelt import CAMEO_ROOTS, EVENTS_1, EVENTS_1_URL, EVENTS_2, GKG_21, MENTIONS
from dashboard.loading.formats.wide import melt_wide_counts
from dashboard.loading.load_report import FILE_CODES, ROW_CODES
from dashboard.loading.options import ImportOptions, build_options, mapping_kinds, parse_mapping


def load(data: bytes, kind: str, **options) -> LoadResult:
    result = load_bytes(data, kind, **options)
    report = result.report
    assert report.rows_read == report.loaded + report.rejected, report.lines()
    if report.error is not None:
        assert report.error.code in FILE_CODES and result.table is None
    for r in report.rejections:
        assert r.code in ROW_CODES and r.reason.strip() and 1 <= r.record <= report.rows_read, r
    return result


def codes(result: LoadResult) -> list[tuple[int, str, str]]:
    return [(r.record, r.column, r.code) for r in result.report.rejections]


# --- GDELT ---------------------------------------------------------------------------------


def gdelt_row(columns=EVENTS_2, **cells: str) -> str:
    row = {c: "" for c in columns}
    row.update(
        GLOBALEVENTID="1", SQLDATE="20200710", Actor1Code="USA", Actor1Name="UNITED STATES", Actor2Code="CHN",
        Actor2Name="CHINA", EventCode="010", EventBaseCode="010", EventRootCode="01", QuadClass="1",
        GoldsteinScale="0.0", NumMentions="3", AvgTone="-4.5", DATEADDED="20200710151500",
        ActionGeo_FullName="Washington, District of Columbia, United States",
        SOURCEURL="https://www.example.com/story",
    )
    row.update(cells)
    return "\t".join(row[c] for c in columns if c in row)


def tsv(*rows: str) -> bytes:
    return ("\n".join(rows) + "\n").encode()


def test_gdelt_events_read_every_field_as_text_and_map_to_the_contract():
    data = tsv(
        gdelt_row(),
        gdelt_row(GLOBALEVENTID="2", Actor1Name="", Actor1Code="BUS", Actor2Name="", Actor2Code="", EventCode="0874",
                  EventBaseCode="087", EventRootCode="08", QuadClass="2", GoldsteinScale="5.0", SOURCEURL="BBC Monitoring"),
        gdelt_row(GLOBALEVENTID="3", Actor1Name="", Actor1Code="", EventCode="190", EventRootCode="19", QuadClass="4",
                  GoldsteinScale="-10"),
    )
    result = load(data, "events")
    assert result.report.file_format.startswith("GDELT 2.0 Events export")
    assert result.report.rejected == 0
    frame = result.frame().set_index("id")
    assert frame.loc["1", "actor"] == "UNITED STATES" and frame.loc["1", "target"] == "CHINA"
    assert frame.loc["1", "event_type"] == "statement" and frame.loc["1", "severity"] == 0.0
    assert frame.loc["1", "source"] == "example.com" and frame.loc["1", "url"] == "https://www.example.com/story"
    assert frame.loc["1", "date"] == pd.Timestamp("2020-07-10")
    assert frame.loc["1", "headline"] == (
        "UNITED STATES → CHINA: make public statement (CAMEO 010) in Washington, District of Columbia, United States"
    )
    assert list(frame["EventCode"]) == ["010", "0874", "190"]  # leading zeros kept
    assert frame.loc["2", "actor"] == "BUS" and pd.isna(frame.loc["2", "target"])  # code when there is no name
    assert frame.loc["2", "source"] == "BBC Monitoring" and pd.isna(frame.loc["2", "url"])
    assert frame.loc["3", "actor"] == "(unidentified)" and frame.loc["3", "severity"] == -10
    assert any("no Actor1" in n for n in result.report.notes)


@pytest.mark.parametrize(
    "root, quad, expected",
    [(r, "1", t) for r, (_, t) in CAMEO_ROOTS.items()] + [("", "1", "statement"), ("", "2", "action"), ("", "3", "statement"), ("", "4", "action")],
)
def test_gdelt_event_type_from_the_cameo_root_then_quadclass(root, quad, expected):
    result = load(tsv(gdelt_row(EventRootCode=root, QuadClass=quad)), "events")
    assert result.frame()["event_type"].tolist() == [expected]


def test_gdelt_a_60_and_a_62_field_row_are_rejected_and_the_rest_loads():
    short = "\t".join(gdelt_row(GLOBALEVENTID="2").split("\t")[:60])
    result = load(tsv(gdelt_row(), short, gdelt_row(GLOBALEVENTID="3") + "\tsurplus", gdelt_row(GLOBALEVENTID="4")), "events")
    assert codes(result) == [(2, "SOURCEURL", "missing-cell"), (3, "#62", "extra-cell")]
    assert "61" in result.report.rejections[0].reason
    assert result.frame()["id"].tolist() == ["1", "4"]


def test_gdelt_sqldate_that_is_no_date_is_rejected_with_a_reason():
    result = load(tsv(gdelt_row(), gdelt_row(GLOBALEVENTID="2", SQLDATE="20241399"), gdelt_row(GLOBALEVENTID="3", SQLDATE="20230229")), "events")
    (month, day) = result.report.rejections
    assert (month.record, month.column, month.value, month.code) == (2, "SQLDATE", "20241399", "type-error")
    assert "month 13 does not exist" in month.reason
    assert day.value == "20230229" and "no day 29" in day.reason
    assert result.report.loaded == 1


def test_gdelt_stray_quotes_never_merge_rows():
    rows = [gdelt_row(GLOBALEVENTID=str(i), Actor1Name=name) for i, name in enumerate(['SAY "HI', "PLAIN", 'END"', '"'], start=1)]
    result = load(tsv(*rows), "events")
    assert result.report.rows_read == 4 and result.report.loaded == 4
    assert result.frame()["actor"].tolist() == ['SAY "HI', "PLAIN", 'END"', '"']


def test_gdelt_goldstein_out_of_range_is_named_by_its_gdelt_column():
    result = load(tsv(gdelt_row(), gdelt_row(GLOBALEVENTID="2", GoldsteinScale="12")), "events")
    assert codes(result) == [(2, "GoldsteinScale", "constraint-error")]


@pytest.mark.parametrize("columns, name", [(EVENTS_1, "GDELT 1.0"), (EVENTS_1_URL, "GDELT 1.0")])
def test_gdelt_1_exports_are_recognised(columns, name):
    result = load(tsv(gdelt_row(columns, DATEADDED="20130405"), gdelt_row(columns, GLOBALEVENTID="2")), "events")
    assert result.report.file_format.startswith(name) and result.report.loaded == 2


def test_gdelt_export_inside_a_zip_loads():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("20200710151500.export.CSV", tsv(gdelt_row(), gdelt_row(GLOBALEVENTID="2")))
    result = load(buf.getvalue(), "events")
    assert result.report.loaded == 2 and "(zip)" in result.report.file_format


def test_gdelt_with_a_header_row_is_recognised_by_its_column_names():
    import csv

    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([EVENTS_2, gdelt_row().split("\t")])
    result = load(buf.getvalue().encode(), "events")
    assert result.report.file_format == "GDELT 2.0 Events export (CSV)"
    assert result.report.loaded == 1 and result.frame()["EventCode"].tolist() == ["010"]


def test_gdelt_events_as_mentions_count_nummentions_and_map_avgtone():
    data = tsv(gdelt_row(), gdelt_row(GLOBALEVENTID="2", AvgTone="-15.5", NumMentions="12"), gdelt_row(GLOBALEVENTID="3", AvgTone="abc"))
    result = load(data, "mentions")
    frame = result.frame()
    assert frame["count"].tolist() == [3, 12]
    assert frame["tone"].tolist() == pytest.approx([-0.45, -1.0])  # clip(AvgTone / 10, -1, 1)
    assert frame["date"].iloc[0] == pd.Timestamp("2020-07-10 15:15:00")  # DATEADDED
    assert frame["actor"].tolist() == ["UNITED STATES", "UNITED STATES"]
    assert codes(result) == [(3, "AvgTone", "type-error")]


def gkg_row(**cells: str) -> str:
    row = {c: "" for c in GKG_21}
    row.update(
        GKGRECORDID="20200710151500-0", DATE="20200710151500", SourceCollectionIdentifier="1",
        SourceCommonName="example.com", DocumentIdentifier="https://example.com/x",
        V2Persons="Donald Trump,10;Mike Pompeo,40;Donald Trump,90", V2Organizations="Amazon,5",
        V2Tone="-2.5,1.2,3.7,4.9,20.1,0.5,300",
    )
    row.update(cells)
    return "\t".join(row[c] for c in GKG_21)


def test_gkg_to_mentions_one_row_per_person_and_organisation():
    result = load(tsv(gkg_row(), gkg_row(GKGRECORDID="20200710151500-1", V2Persons="", V2Organizations="",
                                         Persons="boris johnson", V2Tone="3,1,1,1,1,1")), "mentions")
    frame = result.frame()
    assert sorted(frame["actor"]) == ["Amazon", "Donald Trump", "Mike Pompeo", "boris johnson"]
    assert set(frame["tone"].round(3)) == {-0.25, 0.3}
    assert result.report.loaded == 2 and any("one per actor" in n for n in result.report.notes)


@pytest.mark.parametrize("tone", ["-2.5,1.2", "-2.5,1.2,3.7,4.9,20.1,0.5,300,7", "x,1,1,1,1,1", "-2.5;1.2;3.7;4.9;20.1;0.5"])
def test_gkg_malformed_v2tone_rejects_that_row(tone):
    result = load(tsv(gkg_row(), gkg_row(GKGRECORDID="20200710151500-1", V2Tone=tone)), "mentions")
    assert codes(result) == [(2, "V2Tone", "type-error")]
    assert "6 or 7 comma-separated numbers" in result.report.rejections[0].reason
    assert result.report.loaded == 1


def mentions_row(**cells: str) -> str:
    row = dict(zip(MENTIONS, ["741917022", "20180326044500", "20180326044500", "1", "example.com",
                              "https://example.com/a", "3", "10", "40", "20", "1", "60", "2400", "-3.2", "", ""]))
    row.update(cells)
    return "\t".join(row[c] for c in MENTIONS)


def test_gdelt_mentions_table_loads_as_mentions_filed_under_its_event():
    result = load(tsv(mentions_row(), mentions_row(MentionTimeDate="20181326044500")), "mentions")
    frame = result.frame()
    assert frame["actor"].tolist() == ["GDELT event 741917022"] and frame["tone"].tolist() == pytest.approx([-0.32])
    assert codes(result) == [(2, "MentionTimeDate", "type-error")]


@pytest.mark.parametrize(
    "data, says",
    [
        (tsv(gkg_row(), gkg_row(GKGRECORDID="20200710151500-1")), "GDELT GKG 2.1 file"),
        (tsv(mentions_row(), mentions_row()), "GDELT Mentions table"),
    ],
    ids=["gkg", "mentions"],
)
def test_gdelt_gkg_or_mentions_offered_as_events_says_what_the_file_is(data, says):
    result = load(data, "events")
    assert result.report.error.code == "format-error"
    assert says in result.report.error.message and "loaded as mentions, not as events" in result.report.error.message


# --- ACLED ---------------------------------------------------------------------------------

ACLED_HEADER = (
    "data_id,iso,event_id_cnty,event_id_no_cnty,event_date,year,time_precision,event_type,sub_event_type,actor1,"
    "assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,region,country,admin1,admin2,admin3,location,"
    "latitude,longitude,geo_precision,source,source_scale,notes,fatalities,timestamp,iso3"
)


def acled_row(**cells: str) -> str:
    names = ACLED_HEADER.split(",")
    row = dict.fromkeys(names, "")
    row.update(
        data_id="1", iso="4", event_id_cnty="AFG1", event_id_no_cnty="1", event_date="21 March 2020", year="2020",
        time_precision="1", event_type="Battles", sub_event_type="Armed clash", actor1="Taliban", inter1="2",
        actor2="Military Forces of Afghanistan (2014-)", inter2="1", interaction="12", region="Caucasus and Central Asia",
        country="Afghanistan", admin1="Helmand", admin2="Nahr-e Saraj", location="Nahr-e Saraj", latitude="31.7",
        longitude="64.2", geo_precision="2", source="Xinhua; Pajhwok Afghan News", source_scale="National",
        notes="On 21 March 2020, our own words here.", fatalities="0", timestamp="1584984341", iso3="AFG",
    )
    row.update(cells)
    return ",".join(f'"{row[n]}"' if ("," in row[n] or " " in row[n]) else row[n] for n in names)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2020-03-21", "2020-03-21"),
        ("21 March 2020", "2020-03-21"),
        ("09 May 2020", "2020-05-09"),
        ("9-May-20", "2020-05-09"),
        ("27-Apr-97", "1997-04-27"),
        ("21/03/2020", None),
        ("March 21 2020", None),
        ("21 Mar 2020", None),
        ("9-May-2020", None),
        ("30-Feb-20", None),
        ("2020-13-01", None),
    ],
)
def test_acled_date_accepts_exactly_three_forms(text, expected):
    value, reason = acled_date(text)
    assert value == expected
    assert (reason == "") == (expected is not None)


@pytest.mark.parametrize(
    "event_type, sub, deaths, kind, expected",
    [
        ("Battles", "Armed clash", 0, "action", -7.0),
        ("Battles", "Armed clash", 9, "action", -8.5),
        ("Battles", "Armed clash", 99, "action", -10.0),
        ("Battles", "Armed clash", 5000, "action", -10.0),
        ("Protests", "Peaceful protest", 0, "other", -2.0),
        ("Riots", "Mob violence", 0, "action", -6.0),
        ("Strategic developments", "Agreement", 0, "policy", 4.0),
        ("Violence against civilians", "A new sub-type", 0, "action", -7.0),
    ],
)
def test_acled_severity_from_type_and_fatalities(event_type, sub, deaths, kind, expected):
    assert severity(event_type, sub, deaths) == (kind, expected)


def test_acled_export_loads_as_events_with_our_headline_and_acleds_columns_kept():
    rows = [
        acled_row(),
        acled_row(event_id_cnty="AFG2", event_date="2020-03-20", inter1="Rebel Groups", fatalities="9"),
        acled_row(event_id_cnty="AFG3", event_date="20-Mar-20", event_type="Protests", sub_event_type="Peaceful protest",
                  actor1="Protesters (Afghanistan)", actor2="", assoc_actor_1="Teachers (Afghanistan); Students (Afghanistan)"),
        acled_row(event_id_cnty="AFG4", event_date="03/20/2020"),
        acled_row(event_id_cnty="AFG5", event_type="Skirmish"),
        acled_row(event_id_cnty="AFG6", fatalities="many"),
    ]
    cut = acled_row(event_id_cnty="AFG7", actor2="Civilians (").split(",")[:13] + [""] * 18
    result = load((ACLED_HEADER + "\n" + "\n".join(rows + [",".join(cut)]) + "\n").encode(), "events")
    assert codes(result) == [
        (4, "event_date", "type-error"), (5, "event_type", "constraint-error"), (6, "fatalities", "type-error"),
        (7, "actor2", "truncated-value"),
    ]
    assert result.report.rejections[-1].value == "Civilians ("
    frame = result.frame().set_index("id")
    assert frame.loc["AFG1", "headline"] == "Armed clash in Nahr-e Saraj, Helmand, Afghanistan"
    assert frame.loc["AFG1", "notes"].startswith("On 21 March 2020")  # kept, but not the headline
    assert frame.loc["AFG1", "source"] == "Xinhua; Pajhwok Afghan News"
    assert frame.loc["AFG2", "severity"] == -8.5 and frame.loc["AFG2", "inter1"] == "Rebel Groups"
    assert frame.loc["AFG3", "event_type"] == "other" and pd.isna(frame.loc["AFG3", "target"])
    assert frame.loc["AFG3", "assoc_actor_1"] == "Teachers (Afghanistan); Students (Afghanistan)"
    assert frame.loc["AFG3", "date"] == pd.Timestamp("2020-03-20")
    assert frame.loc["AFG1", "acled_event_type"] == "Battles"


def test_acled_offered_as_mentions_says_it_holds_events():
    result = load((ACLED_HEADER + "\n" + acled_row() + "\n").encode(), "mentions")
    assert result.report.error.code == "format-error" and "ACLED export" in result.report.error.message


# --- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cells, expected",
    [
        (["2020-07-10", "2015-02-24 11:35:52 -0800"], ["2020-07-10", "2015-02-24 11:35:52 -0800"]),  # left to the validator
        (["2/24/2015 11:35", "2/16/2015 23:36"], ["2015-02-24T11:35:00", "2015-02-16T23:36:00"]),
        (["24/2/2015", "1/3/2015"], ["2015-02-24", "2015-03-01"]),
        ([" 7:51  PM ET Fri, 17 July 2020"], ["2020-07-17T23:51:00Z"]),
        (["10:05 AM ET Thu, 13 February 2020"], ["2020-02-13T15:05:00Z"]),
        (["Jul 18 2020", "July 9, 2020"], ["2020-07-18", "2020-07-09"]),
        (["18-Jul-20", "21 March 2020"], ["2020-07-18", "2020-03-21"]),
        (["", None], [None, None]),
    ],
    ids=["iso", "us-month-first", "day-first", "cnbc-edt", "cnbc-est", "reuters", "guardian-acled", "empty"],
)
def test_normalise_dates_reads_the_common_layouts(cells, expected):
    result = normalise_dates(cells)
    assert result.errors == {} and result.values == expected


@pytest.mark.parametrize(
    "cells, date_format, bad, reason",
    [
        (["2/3/2015", "4/5/2015"], None, {0, 1}, "ambiguous"),
        (["2/24/2015", "24/2/2015", "3/3/2015"], None, {0, 1, 2}, "mixes month/day and day/month"),
        (["2/24/2015", "24/2/2015"], "month-first", {1}, "24 cannot be a month"),
        (["2/30/2015", "2/24/2015"], None, {0}, "not a real date"),
        (["7:51 PM ET Mon, 17 July 2020"], None, {0}, "was a Friday, not a Monday"),
        (["7:51 PM XT Fri, 17 July 2020"], None, {0}, "unknown time zone"),
        (["yesterday"], None, {0}, "not a date layout"),
        (["2015-02-24"], "%m/%d/%Y", {0}, "does not match the declared date format"),
    ],
)
def test_normalise_dates_rejects_what_it_cannot_read_without_guessing(cells, date_format, bad, reason):
    result = normalise_dates(cells, date_format)
    assert set(result.errors) == bad
    assert all(reason in result.errors[i] for i in bad), result.errors


def test_normalise_dates_declared_format_and_time_zone():
    assert normalise_dates(["2/3/2015 11:35"], "%m/%d/%Y %H:%M").values == ["2015-02-03T11:35:00"]
    assert normalise_dates(["2/3/2015 11:35"], "day-first", "America/Los_Angeles").values == ["2015-03-02T19:35:00Z"]
    assert normalise_dates(["2015-02-24 11:35"], None, "America/Los_Angeles").values == ["2015-02-24T19:35:00Z"]
    with pytest.raises(ValueError, match="month-first"):
        normalise_dates(["x"], "whatever")
    with pytest.raises(ValueError, match="unknown time zone"):
        normalise_dates(["x"], None, "Mars/Olympus")


def test_mapping_an_ambiguous_us_date_is_reported_not_guessed():
    data = b"when,who,what\n3/4/2020 10:00,A,hello\n5/6/2020 11:00,B,bye\n"
    result = load(data, "mentions", mapping={"date": "when", "actor": "who", "text": "what"})
    assert result.report.loaded == 0
    assert [(r.record, r.line, r.column, r.value) for r in result.report.rejections] == [
        (1, 2, "when", "3/4/2020 10:00"), (2, 3, "when", "5/6/2020 11:00")]
    assert "ambiguous" in result.report.rejections[0].reason
    declared = load(data, "mentions", mapping={"date": "when", "actor": "who", "text": "what"}, date_format="day-first")
    assert declared.frame()["date"].tolist() == [pd.Timestamp("2020-04-03 10:00"), pd.Timestamp("2020-06-05 11:00")]


# --- mapping ---------------------------------------------------------------------------------


def test_mapping_names_source_columns_and_keeps_the_rest():
    data = (
        "Headlines,Time,Description,date\r\n"
        "Amazon bans TikTok,Jul 10 2020,longer text,ignored\r\n"
        ",,,\r\n"
        "Amazon un-bans TikTok, 3:05  PM ET Fri, 10 July 2020,x,y\r\n"
    ).replace(" 3:05  PM ET Fri, 10 July 2020", '" 3:05  PM ET Fri, 10 July 2020"').encode("cp1252")
    result = load(data, "mentions", mapping={"date": "time", "text": "Headlines", "actor": "Headlines"})
    frame = result.frame()
    assert frame["date"].tolist() == [pd.Timestamp("2020-07-10"), pd.Timestamp("2020-07-10 19:05")]
    assert frame["text"].tolist() == frame["actor"].tolist() == ["Amazon bans TikTok", "Amazon un-bans TikTok"]
    assert frame["date (not mapped)"].tolist() == ["ignored", "y"] and "Description" in frame.columns
    assert codes(result) == [(2, "", "blank-row")]
    assert any("columns mapped: date ← 'Time'" in n for n in result.report.notes)


def test_mapping_rejections_name_the_files_columns():
    result = load(b"Time,Who,Score\n2020-07-10,A,0.5\n2020-07-11,B,7\n", "mentions",
                  mapping={"date": "Time", "actor": "Who", "tone": "Score"})
    assert codes(result) == [(2, "Score", "constraint-error")]


def test_mapping_to_a_missing_column_or_an_unknown_field():
    result = load(b"a,b\n1,2\n", "mentions", mapping={"date": "Time", "actor": "a"})
    assert result.report.error.code == "missing-label" and "'Time'" in result.report.error.message
    with pytest.raises(ValueError, match="not a mentions column"):
        load_bytes(b"a,b\n1,2\n", "mentions", mapping={"headline": "a"})


def test_missing_actor_hints_at_the_dictionary_or_wide():
    text_only = load(b"date,text\n2020-07-10,hello\n", "mentions")
    assert "--actors" in text_only.report.error.message
    wide = load(b"Date,France,Spain\n2020-07-10,3,4\n", "mentions")
    assert "--wide" in wide.report.error.message


# --- wide tables -------------------------------------------------------------------------------


def test_wide_table_melts_with_the_tally_in_the_report():
    data = (
        b"Date,France,Russian ,Spain,Grand Total\n"
        b"2020-02-11,3,0,6.5,9.5\n"
        b"2020-02-12,,0.5,NA,1\n"
        b"\n"
        b"2020-02-13,1,abc,2,3\n"
        b"2020-02-30,1,1,1,3\n"
        b"2020-02-14,-2,1,1,0\n"
    )
    result = load(data, "mentions", wide=True)
    report = result.report
    assert (report.rows_read, report.loaded, report.rejected) == (6, 2, 4)
    assert codes(result) == [(3, "", "blank-row"), (4, "Russian", "type-error"), (5, "Date", "type-error"),
                             (6, "France", "constraint-error")]
    frame = result.frame()
    assert list(zip(frame["actor"], frame["count"])) == [("France", 3), ("Spain", 7), ("Russian", 1)]
    assert any("3 empty or zero cells made no row" in n and "2 fractional counts" in n for n in report.notes)
    assert any("'Grand Total' is a sum" in n for n in report.notes)


def test_wide_table_as_events_is_refused():
    result = load(b"Date,France\n2020-02-11,3\n", "events", wide=True)
    assert result.report.error.code == "format-error" and "load it as mentions" in result.report.error.message


def test_melt_wide_counts_is_still_the_demos():
    from dashboard import demo

    assert demo.melt_wide_counts is melt_wide_counts
    long, tally = melt_wide_counts(pd.DataFrame({"Date": ["2020-01-01"], "A": ["0.5"], "B": ["0"]}), "Date")
    assert long["count"].tolist() == [1] and tally == {"cells": 2, "empty_or_zero": 1, "rounded": 1}


# --- actors ------------------------------------------------------------------------------------

DICTIONARY = actor_dictionary({
    "Amazon": ["Amazon.com"],
    "Donald Trump": ["Trump", "President Trump"],
    "US Congress": ["Congress", "House"],
    "White House": [],
    "TikTok": ["@TikTok_US"],
    "United States": ["U.S."],
})


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Amazonian tribes and the amazon river", ["Amazon"]),
        ("The Amazonian rainforest", []),
        ("Amazon.com says the email was an error", ["Amazon"]),
        ("AMAZON's email; amazon.com's retraction", ["Amazon"]),
        ("President  Trump and TRUMP", ["Donald Trump"]),
        ("Trumpet players", []),
        ("The White House and the House disagree", ["White House", "US Congress"]),
        ("RT @TikTok_US: hello; TikTok_USA is not us", ["TikTok"]),
        ("U.S. officials, not U.S.A.", ["United States"]),
        ("", []),
        (None, []),
    ],
)
def test_find_actors_matches_whole_words_without_case(text, expected):
    assert find_actors(text, DICTIONARY) == expected


def test_actor_dictionary_csv_and_yaml_agree():
    csv_bytes = b"canonical,alias\n# a comment\nDonald Trump,Trump\nDonald Trump,President Trump\nAmazon,Amazon.com\nCFIUS,\n"
    yaml_bytes = b"# a comment\nDonald Trump: [Trump, President Trump]\nAmazon:\n  - Amazon.com\nCFIUS:\n"
    assert load_actor_dictionary(csv_bytes).aliases == load_actor_dictionary(yaml_bytes).aliases == {
        "Donald Trump": ("Donald Trump", "Trump", "President Trump"), "Amazon": ("Amazon", "Amazon.com"), "CFIUS": ("CFIUS",)}


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "empty"),
        (b"A,x\nB,x\n", "given for both 'A' and 'B'"),
        (b"A,B\nB,C\n", "given for both"),
        (b"A: {x: 1}\n", "list of names"),
        (b",x\n", "canonical name"),
        (b"\xff\xfe", "not UTF-8"),
    ],
)
def test_actor_dictionary_refuses_what_makes_no_sense(data, message):
    with pytest.raises(ValueError, match=message):
        load_actor_dictionary(data)


def test_canonicalise_replaces_aliases_in_actor_and_target_only():
    table = pa.table({"actor": ["Trump", "donald  trump", "Acme", None], "target": ["amazon.com", None, "TRUMP", "x"],
                      "headline": ["Trump", "b", "c", "d"]})
    out = canonicalise(table, DICTIONARY)
    assert out.column("actor").to_pylist() == ["Donald Trump", "Donald Trump", "Acme", None]
    assert out.column("target").to_pylist() == ["Amazon", None, "Donald Trump", "x"]
    assert out.column("headline").to_pylist() == ["Trump", "b", "c", "d"]
    frame = canonicalise(table.to_pandas(), DICTIONARY)
    assert frame["actor"].tolist()[:3] == ["Donald Trump", "Donald Trump", "Acme"]
    assert table.column("actor").to_pylist()[0] == "Trump"  # the input is unchanged


def test_text_mentions_find_actors_score_tone_and_account_for_every_text():
    data = (
        b"published,headline\n"
        b"2020-07-10,Amazon tells staff to delete TikTok in a terrible mistake\n"
        b"2020-07-10,Amazonian frogs are wonderful\n"
        b"2020-07-11,\"President Trump praises great, wonderful deal\"\n"
        b"2020-07-11,\n"
    )
    result = load(data, "mentions", mapping={"date": "published", "text": "headline"}, actors=DICTIONARY)
    report = result.report
    assert (report.rows_read, report.loaded, report.rejected) == (4, 2, 2)
    assert [(r.record, r.column, r.code) for r in report.rejections] == [(2, "headline", "constraint-error"), (4, "headline", "constraint-error")]
    assert "the text is empty" in report.rejections[1].reason
    assert "names none of the 6 actors" in report.rejections[0].reason
    frame = result.frame()
    assert list(zip(frame["actor"], frame["count"])) == [("Amazon", 1), ("TikTok", 1), ("Donald Trump", 1)]
    amazon, tiktok, trump = frame["tone"]
    assert amazon == tiktok <= -0.05 and trump >= 0.05  # VADER compound, ±0.05 thresholds
    assert any("make 3 mention rows" in n for n in report.notes)


def test_actor_dictionary_canonicalises_a_canonical_events_file():
    data = b"date,actor,target,headline\n2020-07-07,President Trump,TIKTOK,x\n2020-07-08,Acme,,y\n"
    result = load(data, "events", actors=DICTIONARY)
    assert result.frame()["actor"].tolist() == ["Donald Trump", "Acme"]
    assert result.frame()["target"].tolist()[0] == "TikTok"
    assert any("2 actor or target names were aliases" in n for n in result.report.notes)


# --- import options and the CLI ---------------------------------------------------------------


@pytest.mark.parametrize(
    "spec, expected",
    [
        ("date=Time,text=Headlines", {"date": "Time", "text": "Headlines"}),
        (" date = Time , actor=airline", {"date": "Time", "actor": "airline"}),
        ('"text=Tweet, full",date=When', {"text": "Tweet, full", "date": "When"}),
    ],
)
def test_parse_mapping(spec, expected):
    assert parse_mapping(spec) == expected


@pytest.mark.parametrize("spec", ["date", "date=", "=Time", "date=a,date=b", ""])
def test_parse_mapping_refuses_malformed_specs(spec):
    with pytest.raises(ValueError):
        parse_mapping(spec)


@pytest.mark.parametrize(
    "mapping, kinds",
    [({"date": "T", "text": "H"}, ("mentions",)), ({"date": "T", "headline": "H"}, ("events",)),
     ({"date": "T", "actor": "A"}, ("events", "mentions"))],
)
def test_unprefixed_mapping_goes_to_the_table_its_columns_belong_to(mapping, kinds):
    assert mapping_kinds(mapping) == kinds


def test_import_options_round_trip_through_argv(tmp_path):
    actors = tmp_path / "actors.csv"
    actors.write_text("Amazon,Amazon.com\n")
    options = build_options(["date=Time,text=Headlines", "events:date=When,actor=Who,headline=What"],
                            ["mentions:%m/%d/%Y"], "America/New_York", actors, True)
    assert options.mappings == {"mentions": {"date": "Time", "text": "Headlines"},
                                "events": {"date": "When", "actor": "Who", "headline": "What"}}
    assert options.load_kwargs("mentions")["date_format"] == "%m/%d/%Y" and options.load_kwargs("events")["wide"] is False
    argv = options.to_argv()
    assert argv[argv.index("--actors") + 1] == str(actors.resolve())
    assert launch_files(["--events", "x.csv", *argv]).options == options
    # The CLI defines the same flags (without importing the loader).
    args = build_parser().parse_args(["validate", "f.csv", "--kind", "mentions", *argv])
    assert (args.map, args.date_format, args.timezone, args.wide) == (
        ["date=Time,text=Headlines", "events:date=When,actor=Who,headline=What"], ["mentions:%m/%d/%Y"], "America/New_York", True)
    assert ImportOptions().given is False


@pytest.mark.parametrize(
    "maps, message",
    [(["date=T,text=H,headline=X"], "give one --map events"), (["events:text=H"], "not a events column"),
     (["date=T", "date=U"], "two mappings")],
)
def test_build_options_refuses_contradictions(maps, message):
    with pytest.raises(ValueError, match=message):
        build_options(maps)


def test_cli_validate_with_a_mapping_and_a_dictionary(tmp_path, capsys):
    src = tmp_path / "headlines.csv"
    src.write_bytes(b"Headlines,Time\r\nAmazon.com says the ban email was sent in error,Jul 10 2020\r\n,\r\nNothing here,Jul 10 2020\r\n")
    actors = tmp_path / "actors.csv"
    actors.write_text("canonical,alias\nAmazon,Amazon.com\n")
    code = main(["validate", str(src), "--kind", "mentions", "--map", "date=Time,text=Headlines", "--actors", str(actors)])
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert "3 rows read: 1 loaded, 2 rejected" in out
    assert "rejected row 2 (line 3): blank-row: the row is empty [value: ',']" in out
    assert any(line.startswith("rejected row 3 (line 4), column 'Headlines': constraint-error") for line in out)


def test_cli_convert_writes_one_row_per_actor_and_validates_back(tmp_path, capsys):
    src = tmp_path / "h.csv"
    src.write_text("Time,Headlines\n18-Jul-20,Amazon and TikTok talk\n")
    actors = tmp_path / "a.yaml"
    actors.write_text("Amazon: []\nTikTok: []\n")
    out = tmp_path / "m.csv"
    assert main(["convert", str(src), "--kind", "mentions", "--map", "date=Time,text=Headlines", "--actors", str(actors), "--out", str(out)]) == 0
    assert "wrote 2 rows" in capsys.readouterr().err
    assert main(["validate", str(out), "--kind", "mentions"]) == 0
    assert "2 rows read: 2 loaded, 0 rejected" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--map", "headline=H"], "--map names no mentions column"),
        (["--map", "nonsense"], "expected CONTRACT_COLUMN=FILE_COLUMN"),
        (["--date-format", "sometimes"], "month-first"),
        (["--actors", "/nonexistent/actors.csv"], "no such file"),
        (["--timezone", "Nowhere/Special"], "unknown time zone"),
    ],
)
def test_cli_bad_import_options_exit_2_with_a_message(tmp_path, capsys, argv, message):
    src = tmp_path / "m.csv"
    src.write_text("date,actor,count\n2020-01-01,A,1\n")
    assert main(["validate", str(src), "--kind", "mentions", *argv]) == 2
    assert message in capsys.readouterr().err


def test_cli_score_reads_a_wide_file(tmp_path, capsys):
    src = tmp_path / "wide.csv"
    src.write_text("Date,France,Spain,Grand Total\n2020-02-11,3,4,7\n2020-02-12,5,0,5\n")
    out = tmp_path / "scored.csv"
    assert main(["score", "--mentions", str(src), "--wide", "--actor", "France", "--out", str(out)]) == 0
    assert pd.read_csv(out)["volume"].tolist() == [3, 5]


def test_cli_run_passes_the_import_options_to_the_app(tmp_path, monkeypatch):
    import dashboard.cli as cli

    actors = tmp_path / "actors.csv"
    actors.write_text("Amazon,Amazon.com\n")
    mentions = tmp_path / "m.csv"
    mentions.write_text("Time,Headlines\nJul 10 2020,Amazon\n")
    seen = {}
    monkeypatch.setattr(cli.subprocess, "call", lambda command: seen.setdefault("command", command) and 0)
    assert main(["run", "--mentions", str(mentions), "--map", "date=Time,text=Headlines", "--actors", str(actors),
                 "--timezone", "UTC", "--wide"]) == 0
    after = seen["command"][seen["command"].index("--") + 1:]
    assert after == ["--mentions", str(mentions.resolve()), "--map", "date=Time,text=Headlines", "--timezone", "UTC",
                     "--actors", str(actors.resolve()), "--wide"]


def test_gzip_of_a_wide_file_still_melts():
    data = gzip.compress(b"Date,France\n2020-02-11,3\n")
    assert load(data, "mentions", wide=True).frame()["count"].tolist() == [3]


# --- properties --------------------------------------------------------------------------------

import os  # noqa: E402

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

PROPERTIES = settings(max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", 60)), deadline=None,
                      suppress_health_check=[HealthCheck.too_slow])
CELL = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\t\r\n"), max_size=12)


@PROPERTIES
@given(
    rows=st.lists(st.tuples(st.integers(58, 63), st.dictionaries(st.sampled_from(EVENTS_2), CELL, max_size=6)), min_size=1, max_size=8),
    kind=st.sampled_from(["events", "mentions"]),
)
def test_gdelt_shaped_input_always_balances(rows, kind):
    lines = []
    for width, cells in rows:
        fields = gdelt_row(**cells).split("\t")
        lines.append("\t".join((fields + ["x"] * 5)[:width]))
    lines.insert(0, gdelt_row())  # a well-formed first record, so the file is recognised
    load(tsv(*lines), kind)


@PROPERTIES
@given(
    rows=st.lists(st.dictionaries(st.sampled_from(ACLED_HEADER.split(",")), CELL, max_size=5), min_size=1, max_size=8),
    kind=st.sampled_from(["events", "mentions"]),
)
def test_acled_shaped_input_always_balances(rows, kind):
    load((ACLED_HEADER + "\n" + "\n".join(acled_row(**r) for r in rows) + "\n").encode(), kind)


@PROPERTIES
@given(
    dates=st.lists(st.one_of(CELL, st.sampled_from(["2/24/2015 11:35", "13/1/2020", "1/13/2020", "Jul 18 2020", "18-Jul-20",
                                                    " 7:51  PM ET Fri, 17 July 2020", "2020-02-30", "3/4/2020"])),
                   min_size=1, max_size=8),
    texts=st.lists(st.sampled_from(["Trump and Amazon", "nothing", "", "amazon.com", "Amazonian"]), min_size=8, max_size=8),
    wide=st.booleans(),
)
def test_mapped_text_and_wide_input_always_balances(dates, texts, wide):
    import csv as csv_module

    buf = io.StringIO()
    writer = csv_module.writer(buf, lineterminator="\n")
    writer.writerow(["when", "what", "France"])
    for d, t in zip(dates, texts):
        writer.writerow([d, t, t[:1] or "0"])
    data = buf.getvalue().encode()
    if wide:
        load(data.replace(b",what", b",Spain"), "mentions", wide=True, mapping={"date": "when"})
    else:
        load(data, "mentions", mapping={"date": "when", "text": "what"}, actors=DICTIONARY)


@PROPERTIES
@given(
    lines=st.lists(
        st.one_of(
            st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\t\r\n"), max_size=4),
                     min_size=1, max_size=7).map("\t".join),
            st.sampled_from(["", "   ", "\t\t\t\t", "a\tb\tc\td\te", "é\t\"\t'\t=\t"]),
        ),
        max_size=12,
    ),
    ends=st.lists(st.sampled_from(["\n", "\r\n", "\r"]), min_size=12, max_size=12),
    last=st.booleans(),
)
def test_parse_headerless_arrow_and_line_readers_agree(lines, ends, last):
    from dashboard.loading.delimited import parse_headerless, parse_headerless_lines
    from dashboard.loading.load_report import DEFAULT_LIMITS, LoadError

    text = "".join(line + end for line, end in zip(lines, ends))
    if not last and text:
        text = text.rstrip("\r\n")
    labels = ("a", "b", "c", "d", "e")
    try:
        slow = parse_headerless_lines(text, DEFAULT_LIMITS, labels, "a test record")
    except LoadError:
        return
    if not text.strip():
        return
    fast = parse_headerless(text, DEFAULT_LIMITS, labels, "a test record")
    assert fast.rows_read == slow.rows_read
    assert fast.rejections == slow.rejections
    assert fast.table.equals(slow.table)


@pytest.mark.parametrize("body, summary", [
    (b"date,actor,count\n2024-01-01,A,1\n", "1 row read: 1 loaded, 0 rejected"),
    (b"date,actor,count\n2024-01-01,A,1\n2024-01-02,A,x\n", "2 rows read: 1 loaded, 1 rejected"),
])
def test_load_report_summary_counts_one_row_in_the_singular(body, summary):
    assert load_bytes(body, "mentions").report.summary() == summary


NAME = st.one_of(st.none(), st.sampled_from(["Trump", "donald  trump", "TRUMP", "Acme", "amazon.com", "U.S.", "House", ""]), CELL)


@PROPERTIES
@given(chunks=st.lists(st.lists(st.tuples(NAME, NAME), max_size=6), max_size=4),
       large=st.booleans())
def test_canonicalise_in_arrow_is_the_lookup_of_every_cell(chunks, large):
    """The Arrow path (each distinct name looked up once, the column rebuilt by index) gives what
    looking every cell up does — the pandas path's rule — and counts every cell it changed."""
    from dashboard.loading.actors import _canonical_or_same, canonicalise_counted

    kind = pa.large_string() if large else pa.string()
    table = pa.table({"actor": pa.chunked_array([[a for a, _ in c] for c in chunks], type=kind),
                      "target": pa.chunked_array([[t for _, t in c] for c in chunks], type=kind),
                      "n": pa.chunked_array([list(range(len(c))) for c in chunks], type=pa.int64())})
    out, changed = canonicalise_counted(table, DICTIONARY)
    expected_changes = 0
    for name in ("actor", "target"):
        cells = table.column(name).to_pylist()
        want = [_canonical_or_same(v, DICTIONARY) for v in cells]
        expected_changes += sum(a != b for a, b in zip(cells, want))
        assert out.column(name).to_pylist() == want
        assert out.schema.field(name).type == pa.string()
    assert changed == expected_changes
    assert out.column("n").equals(table.column("n"))
