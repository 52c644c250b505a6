"""Case 1: real COVID-19 attention per country (GDELT and Twitter) against lockdown dates.

Each file is a wide table (a date column, one count column per country, a total) loaded
with the importer's wide-table option; each country is one actor. Measured per country and
source: the first day in crisis, whether it falls within [lockdown − 45 days, lockdown + 7
days]; the stage on the lockdown day (boiling or crisis is a hit); and on GDELT, the highest
stage during 18–24 November 2020, when GDELT's total coverage jumped (no story: a change in
what the source collects).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from benchmarks.validity import api
from benchmarks.validity.lockdowns import COLLECTION_CHANGE, HELD_OUT, PRIMARY
from benchmarks.validity.metrics import BOILING, CRISIS, first_date_at, in_window, level_on, max_level_between
from benchmarks.validity.results import CaseResult, Detail, Measure, Target, fmt_pct, fmt_share

TITLE = "1. COVID-19 attention against national lockdowns (real, GDELT and Twitter)"
NEEDS_EXTERNAL = True
FOLDER = "gdelt-twitter-covid-country-mentions-2020"
SOURCES = ("gdelt", "twitter")
BEFORE, AFTER = 45, 7  # the window around the lockdown day, in days


def run(external: Path) -> CaseResult:
    result = CaseResult("covid", TITLE)
    rows = []
    for source in SOURCES:
        path = external / FOLDER / f"{source}.csv"
        result.notes.append(_total_note(path, source))
        data = api.open_data(mentions=path, wide=True)
        for group, lockdowns in (("primary", PRIMARY), ("held-out", HELD_OUT)):
            for lock in lockdowns:
                rows.append({"group": group, "source": source, **_measure_country(data, lock)})
    frame = pd.DataFrame(rows)
    result.measures += _measures(frame[frame["group"] == "primary"], "primary", shares=False)
    result.measures += _measures(frame[frame["group"] == "held-out"], "heldout", shares=True)
    result.details.append(Detail(
        "covid.countries", "Per country and source (window: lockdown − 45 d … + 7 d)",
        ["country", "source", "set", "lockdown", "first crisis", "in window", "stage on lockdown day",
         "index on lockdown day", "highest stage 18–24 Nov 2020"],
        [[r.country, r.source, r.group, r.lockdown, r.first_crisis if isinstance(r.first_crisis, str) else "never", "yes" if r.in_window else "no",
          api.stage_name(r.on_day) if r.on_day is not None else "no data",
          "–" if pd.isna(r.index_on_day) else f"{r.index_on_day:.0f}",
          api.stage_name(r.nov) if r.nov is not None else "no data"]
         for r in frame.itertuples()],
        key_columns=2,
    ))
    result.notes.append(
        "Lockdown dates and their sources: benchmarks/validity/lockdowns.py. The primary set is issue 13's eight "
        "countries (a model may be tuned on them); the held-out set is reported separately, its targets the same shares."
    )
    result.notes.append(f"Data: ../shared/data/external/{FOLDER} (InnocensiaO/GDELT_TwitterCOVID19project, MIT licence).")
    return result


def _measure_country(data: api.Data, lock) -> dict:
    table = api.score(data, actors=(lock.country,))
    if not len(table):
        raise ValueError(f"no data for {lock.country!r}: is it a column of the file?")
    dates, levels = table["date"], table["level"]
    first = first_date_at(dates, levels, CRISIS)
    return {
        "country": lock.country,
        "lockdown": lock.day.isoformat(),
        "first_crisis": first.date().isoformat() if first is not None else None,
        "in_window": in_window(first, lock.day, BEFORE, AFTER),
        "on_day": level_on(dates, levels, lock.day),
        "index_on_day": _index_on(table, lock.day),
        "nov": max_level_between(dates, levels, *COLLECTION_CHANGE),
    }


def _index_on(table: pd.DataFrame, day) -> float:
    at = table.loc[table["date"] == pd.Timestamp(day), "index"]
    return float(at.iloc[0]) if len(at) else float("nan")


def _measures(frame: pd.DataFrame, group: str, shares: bool) -> list[Measure]:
    """The three targets of issue 13 for one set of countries. The primary set's targets are
    counts (≥ 15 of 16, ≥ 12 of 16, ≤ 1 of 8); the held-out set gets the same shares."""
    case = f"covid.{group}"
    label = "primary 8" if group == "primary" else f"held-out {frame['country'].nunique()}"
    n = len(frame)
    window = int(frame["in_window"].sum())
    hits = int((frame["on_day"].fillna(-1) >= BOILING).sum())
    gdelt = frame[frame["source"] == "gdelt"]
    nov = int((gdelt["nov"].fillna(-1) >= BOILING).sum())

    def target(count_op, count, share, text_count, text_share):
        return Target(count_op, share, text_share) if shares else Target(count_op, count, text_count)

    def value(k, of):
        return k / of if shares else k

    out = [
        Measure(f"{case}.first_crisis_in_window", TITLE, f"first crisis within the window ({label}, both sources)",
                value(window, n), _shown(window, n, shares), target(">=", 15, 15 / 16, "≥ 15 of 16", "≥ 94 % (15/16)")),
        Measure(f"{case}.lockdown_day_hit", TITLE, f"boiling or crisis on lockdown day ({label}, both sources)",
                value(hits, n), _shown(hits, n, shares), target(">=", 12, 12 / 16, "≥ 12 of 16", "≥ 75 % (12/16)")),
        Measure(f"{case}.collection_change", TITLE,
                f"countries at boiling or worse on GDELT, 18–24 Nov 2020 ({label})",
                value(nov, len(gdelt)), _shown(nov, len(gdelt), shares),
                target("<=", 1, 1 / 8, "≤ 1 of 8", "≤ 12.5 % (1/8)")),
    ]
    for source in SOURCES:
        part = frame[frame["source"] == source]
        k_w, k_h = int(part["in_window"].sum()), int((part["on_day"].fillna(-1) >= BOILING).sum())
        out.append(Measure(f"{case}.first_crisis_in_window.{source}", TITLE, f"· of which {source}: first crisis in window",
                           k_w, fmt_share(k_w, len(part))))
        out.append(Measure(f"{case}.lockdown_day_hit.{source}", TITLE, f"· of which {source}: boiling or crisis on lockdown day",
                           k_h, fmt_share(k_h, len(part))))
    return out


def _shown(k: int, n: int, shares: bool) -> str:
    return f"{k} of {n} ({fmt_pct(k / n)})" if shares and n else fmt_share(k, n)


def _total_note(path: Path, source: str) -> str:
    """What the file's total column is: its name, and how it compares with the countries' sum."""
    wide = pd.read_csv(path)
    date = wide.columns[0]
    totals = [c for c in wide.columns if c.strip().lower() in ("grand total", "total")]
    if not totals:
        return f"{source}.csv: no total column."
    total = wide[totals[0]]
    countries = wide.drop(columns=[date, *totals]).sum(axis=1)
    ratio = (total / countries.where(countries > 0)).median()
    equal = ((total - countries).abs() < 1).mean()
    note = (f"{source}.csv has a total column {totals[0]!r} (the importer leaves it out as a sum, not an actor); "
            f"it is {ratio:.2f}× the sum of the {wide.shape[1] - 2} country columns on the median day and equals "
            f"that sum on {fmt_pct(equal)} of days")
    days = pd.to_datetime(wide[date])
    start = pd.Timestamp(COLLECTION_CHANGE[0])
    before = total[(days >= start - pd.Timedelta(days=7)) & (days < start)].median()
    after = total[(days >= start) & (days <= pd.Timestamp(COLLECTION_CHANGE[1]))].median()
    return note + f"; its median day was {before:,.0f} in the week before 18 Nov 2020 and {after:,.0f} in 18–24 Nov (×{after / before:.1f})."
