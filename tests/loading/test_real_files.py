"""The real files in ../shared/data/external, each through the importer its content calls for.

They are kept with their quirks (a truncated ACLED row, cp1252 headlines with thousands of
blank lines, three tables side by side in one tweets file, wide count tables): every row
must be accounted for, and the figures checked here are the ones each SOURCE.md states.
No text from these files is copied into the repository, only counts and dates.
"""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest

from dashboard.cli import main
from dashboard.demo import DATA, DATASETS
from dashboard.loading import LoadResult, load_path
from dashboard.loading.actors import load_actor_dictionary
from dashboard.loading.load_report import ROW_CODES

pytestmark = pytest.mark.external

GDELT = "gdelt-v2-events-20180326/20180326044500.export.CSV"
ACLED_GLOBAL = "acled-2020-global-sample/acled.csv"
ACLED_AFGHANISTAN = "acled-2020-afghanistan-sample/ACLED.csv"
HEADLINES = "financial-headlines-jul2020"
TWEETS = "tiktok-tweets-jul2022/TikTokUserTweets.csv"
COVID = "gdelt-twitter-covid-country-mentions-2020"
AIRLINES = "us-airline-tweets-sentiment-feb2015/Tweets.csv"
HEADLINE_MAP = {"date": "Time", "text": "Headlines"}


@pytest.fixture(scope="module")
def tiktok_actors():
    return load_actor_dictionary(DATA / "tiktok-2020" / "actors.csv")


def accounted(result: LoadResult) -> LoadResult:
    report = result.report
    assert report.error is None, report.summary()
    assert report.rows_read == report.loaded + report.rejected, report.lines()
    assert len({r.record for r in report.rejections}) == report.rejected  # every rejected row is listed
    for r in report.rejections:
        assert r.code in ROW_CODES and r.reason and r.line is not None, r
    return result


def by_code(result: LoadResult) -> dict[str, int]:
    counts: dict[str, int] = {}
    for r in result.report.rejections:
        counts[r.code] = counts.get(r.code, 0) + 1
    return counts


# --- GDELT -----------------------------------------------------------------------------------


def test_real_gdelt_export_loads_every_row_as_events(external):
    result = accounted(load_path(external / GDELT, "events"))
    report = result.report
    assert (report.rows_read, report.loaded, report.rejected) == (1540, 1540, 0)
    assert report.file_format.startswith("GDELT 2.0 Events export (TSV, no header)")
    frame = result.frame()
    assert frame["id"].is_unique
    assert frame["date"].dt.strftime("%Y-%m-%d").value_counts()[["2018-03-26", "2017-03-26"]].tolist() == [1495, 18]
    # CAMEO codes are text with their leading zeros.
    assert frame["EventRootCode"].str.fullmatch(r"\d\d").all() and frame["EventRootCode"].nunique() == 19
    assert {"010", "042", "020"} <= set(frame["EventCode"]) and "01" in set(frame["EventRootCode"])
    assert frame["QuadClass"].value_counts().sort_index().tolist() == [946, 173, 193, 228]
    assert frame["severity"].between(-10, 10).all() and frame["severity"].min() == -10 and frame["severity"].max() == 10
    assert "UNITED STATES" in set(frame["actor"]) and "UNITED STATES" in set(frame["target"])
    assert (frame["actor"] == "(unidentified)").sum() == 165
    assert set(frame["event_type"]) <= {"statement", "threat", "policy", "action", "response", "other"}
    assert frame["source"].notna().all() and not frame["source"].str.startswith("www.").any()


def test_real_gdelt_export_as_mentions_counts_nummentions(external):
    result = accounted(load_path(external / GDELT, "mentions"))
    frame = result.frame()
    raw = pd.read_csv(external / GDELT, sep="\t", header=None, dtype=str, quoting=3, keep_default_na=False)
    assert frame["count"].sum() == raw[31].astype(int).sum()
    assert frame["tone"].between(-1, 1).all()
    assert frame["tone"].min() == pytest.approx(-1.0) and frame["tone"].max() == pytest.approx(0.959, abs=0.001)
    assert (frame["date"] == pd.Timestamp("2018-03-26 04:45")).all()  # DATEADDED: one 15-minute batch


def test_real_gdelt_export_zipped_as_it_is_published(external, tmp_path):
    archive = tmp_path / "20180326044500.export.CSV.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.write(external / GDELT, "20180326044500.export.CSV")
    result = accounted(load_path(archive, "events"))
    assert result.report.loaded == 1540 and "(zip)" in result.report.file_format


def test_real_gdelt_export_through_the_cli(external, capsys):
    assert main(["validate", str(external / GDELT), "--kind", "events"]) == 0
    assert "1,540 rows read: 1,540 loaded, 0 rejected" in capsys.readouterr().out.splitlines()


def test_real_gdelt_actors_canonicalised_with_a_dictionary(external, tmp_path):
    actors = tmp_path / "countries.csv"
    actors.write_text("canonical,alias\nUnited States,UNITED STATES\nUnited States,THE US\nUnited States,USA\n")
    frame = accounted(load_path(external / GDELT, "events", actors=load_actor_dictionary(actors))).frame()
    assert (frame["actor"] == "United States").sum() == 148 + 19  # 'UNITED STATES' and 'THE US'
    assert "UNITED STATES" not in set(frame["actor"])


# --- ACLED -----------------------------------------------------------------------------------


def test_real_acled_global_sample_rejects_only_the_truncated_last_row(external):
    result = accounted(load_path(external / ACLED_GLOBAL, "events"))
    report = result.report
    assert (report.rows_read, report.loaded, report.rejected) == (5071, 5070, 1)
    (cut,) = report.rejections
    assert (cut.record, cut.line, cut.column, cut.code) == (5071, 5072, "actor2", "truncated-value")
    assert "cut off" in cut.reason and "fatalities" in cut.reason
    frame = result.frame()
    assert frame["date"].min() == pd.Timestamp("2020-04-27") and frame["date"].max() == pd.Timestamp("2020-05-09")
    assert frame["acled_event_type"].value_counts().to_dict() == {
        "Protests": 1671, "Battles": 1160, "Explosions/Remote violence": 809, "Violence against civilians": 688,
        "Riots": 405, "Strategic developments": 337}
    assert frame["country"].nunique() == 106  # SOURCE.md's 107 counts the truncated row's empty cell
    assert frame["fatalities"].astype(int).sum() == 3553
    assert frame["severity"].between(-10, 10).all()
    assert (frame["headline"] != frame["notes"]).all()
    assert any("9-May-20" in n for n in report.notes)


def test_real_acled_afghanistan_sample_loads_all_496(external):
    result = accounted(load_path(external / ACLED_AFGHANISTAN, "events"))
    assert (result.report.rows_read, result.report.loaded, result.report.rejected) == (496, 496, 0)
    frame = result.frame()
    assert frame["date"].min() == pd.Timestamp("2020-03-01") and frame["date"].max() == pd.Timestamp("2020-03-21")
    assert frame["fatalities"].astype(int).sum() == 704
    assert frame["actor"].value_counts()["Taliban"] == 411
    assert frame["target"].value_counts()["Military Forces of Afghanistan (2014-)"] == 250
    assert frame["acled_event_type"].value_counts()["Battles"] == 375
    assert frame["id"].str.startswith("AFG").all()


# --- headlines (cp1252, CRLF, blank lines) ------------------------------------------------------


@pytest.mark.parametrize(
    "name, rows, headlines, first, last",
    [
        ("reuters_headlines.csv", 499, 499, "2020-07-09", "2020-07-18"),
        ("cnbc_headlines.csv", 2436, 453, "2020-02-05", "2020-07-18"),  # 7:51 PM ET is the next day in UTC
        ("guardian_headlines.csv", 17800, 499, "2020-06-25", "2020-07-18"),
    ],
)
def test_real_headlines_become_mentions_with_vader_tone(external, tiktok_actors, name, rows, headlines, first, last):
    result = accounted(load_path(external / HEADLINES / name, "mentions", mapping=HEADLINE_MAP, actors=tiktok_actors))
    report = result.report
    assert "cp1252" in report.encoding
    assert report.rows_read == rows
    codes = by_code(result)
    # Every blank line is counted; every real headline is loaded or rejected for naming no actor.
    assert codes.get("blank-row", 0) == rows - headlines
    assert report.loaded + codes.get("constraint-error", 0) == headlines
    assert not [r for r in report.rejections if r.column == "Time"]  # every date was read
    frame = result.frame()
    assert frame["tone"].notna().all() and frame["tone"].between(-1, 1).all()
    assert any("VADER" in n for n in report.notes)
    assert frame["date"].min() >= pd.Timestamp(first) and frame["date"].max() < pd.Timestamp(last) + pd.Timedelta(days=1)


def test_real_headlines_every_date_parses_without_a_dictionary(external):
    # Mapping the headline itself as the actor loads every real headline: no date is lost.
    for name, headlines in (("reuters_headlines.csv", 499), ("cnbc_headlines.csv", 453), ("guardian_headlines.csv", 499)):
        result = accounted(load_path(external / HEADLINES / name, "mentions", mapping={**HEADLINE_MAP, "actor": "Headlines"}))
        assert result.report.loaded == headlines, result.report.lines()[:12]


def test_real_reuters_headlines_find_amazons_10_july(external, tiktok_actors):
    frame = accounted(load_path(external / HEADLINES / "reuters_headlines.csv", "mentions",
                                mapping=HEADLINE_MAP, actors=tiktok_actors)).frame()
    day = frame[frame["date"] == pd.Timestamp("2020-07-10")]
    amazon = day[day["actor"] == "Amazon"]
    assert len(amazon) == 3
    # The ban email and its retraction name TikTok as well: one mention row for each actor.
    both = set(amazon["text"]) & set(day[day["actor"] == "TikTok"]["text"])
    assert len(both) == 2
    assert {"TikTok", "ByteDance", "Mike Pompeo"} <= set(frame["actor"])


# --- tweets ---------------------------------------------------------------------------------------


def test_real_tiktok_tweets_through_a_column_mapping(external, tiktok_actors):
    result = accounted(load_path(external / TWEETS, "mentions", mapping={"date": "A_Date", "text": "A_Tweets"},
                                 actors=tiktok_actors))
    report = result.report
    assert report.rows_read == 2515
    codes = by_code(result)
    assert codes["blank-row"] == 115  # the A table ends at 2,400 rows; B runs on to 2,515
    assert report.loaded + codes.get("constraint-error", 0) == 2400
    frame = result.frame()
    assert frame["actor"].value_counts().index[0] == "TikTok" and report.loaded > 1900
    assert frame["date"].min() >= pd.Timestamp("2022-07-02 08:21") and frame["date"].max() < pd.Timestamp("2022-07-03")
    assert frame["tone"].between(-1, 1).all()
    assert "A_Likes_no" in frame.columns  # the other columns are kept


def test_real_tiktok_us_own_tweets_cover_the_2020_saga(external, tiktok_actors):
    result = accounted(load_path(external / TWEETS, "mentions", mapping={"date": "B_Date", "text": "B_Tweets"},
                                 actors=tiktok_actors))
    assert by_code(result).get("blank-row", 0) == 0
    frame = result.frame()
    assert frame["date"].min() < pd.Timestamp("2020-04-01") and frame["date"].max() >= pd.Timestamp("2022-07-08")
    assert (frame["date"].dt.strftime("%Y-%m") == "2020-08").any()


def test_real_airline_tweets_through_a_column_mapping(external):
    mapping = {"date": "tweet_created", "text": "text", "actor": "airline"}
    result = accounted(load_path(external / AIRLINES, "mentions", mapping=mapping))
    report = result.report
    assert (report.rows_read, report.loaded, report.rejected) == (14640, 14640, 0)
    assert any("month/day/year" in n for n in report.notes)
    frame = result.frame()
    assert frame["actor"].value_counts().to_dict() == {
        "United": 3822, "US Airways": 2913, "American": 2759, "Southwest": 2420, "Delta": 2222, "Virgin America": 504}
    assert frame["date"].min() == pd.Timestamp("2015-02-16 23:36") and frame["date"].max() == pd.Timestamp("2015-02-24 11:53")
    # VADER agrees with the human labels on average.
    mean = frame.groupby("airline_sentiment")["tone"].mean()
    assert mean["negative"] < mean["neutral"] < mean["positive"]
    pacific = accounted(load_path(external / AIRLINES, "mentions", mapping=mapping, timezone="America/Los_Angeles")).frame()
    assert pacific["date"].min() == pd.Timestamp("2015-02-17 07:36")  # -0800 in February


# --- wide count tables -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, actors, rounded, us_on_10_july",
    [("gdelt.csv", 83, 424, 6062), ("twitter.csv", 95, 666, 655)],
)
def test_real_covid_wide_files_melt_to_mentions(external, name, actors, rounded, us_on_10_july):
    result = accounted(load_path(external / COVID / name, "mentions", wide=True))
    report = result.report
    assert (report.rows_read, report.loaded, report.rejected) == (445, 445, 0)
    assert any(f"× {actors} actor columns" in n and f"{rounded} fractional counts" in n for n in report.notes)
    frame = result.frame()
    assert "Grand Total" not in set(frame["actor"])
    assert (frame["actor"] == frame["actor"].str.strip()).all()  # gdelt.csv's 'Russian ' header is trimmed
    assert frame["date"].nunique() == 445 and (frame["count"] >= 1).all()
    us = frame[(frame["actor"] == "United States") & (frame["date"] == pd.Timestamp("2020-07-10"))]["count"]
    assert us.tolist() == [us_on_10_july]


def test_real_covid_melt_matches_the_shipped_demo(external):
    loaded = accounted(load_path(external / COVID / "gdelt.csv", "mentions", wide=True)).frame()
    shipped = pd.read_csv(DATASETS["covid-2020"].mentions)
    got = loaded.assign(date=loaded["date"].dt.strftime("%Y-%m-%d"))[["date", "actor", "count"]]
    pd.testing.assert_frame_equal(got.reset_index(drop=True), shipped[["date", "actor", "count"]])


def test_real_files_detected_by_content_not_by_name(external, tmp_path):
    disguised = tmp_path / "notes.txt"
    disguised.write_bytes((external / ACLED_AFGHANISTAN).read_bytes())
    assert accounted(load_path(disguised, "events")).report.file_format.startswith("ACLED export")
    disguised.write_bytes((external / GDELT).read_bytes())
    assert accounted(load_path(disguised, "events")).report.loaded == 1540


def test_real_zipped_headlines_load_like_the_file(external, tiktok_actors):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.write(external / HEADLINES / "reuters_headlines.csv", "reuters_headlines.csv")
    from dashboard.loading import load_bytes

    zipped = accounted(load_bytes(buf.getvalue(), "mentions", mapping=HEADLINE_MAP, actors=tiktok_actors))
    plain = accounted(load_path(external / HEADLINES / "reuters_headlines.csv", "mentions", mapping=HEADLINE_MAP,
                                actors=tiktok_actors))
    assert zipped.table.equals(plain.table)
