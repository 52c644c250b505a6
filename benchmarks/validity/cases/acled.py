"""Case 2: ACLED events — is a place's crisis where its people die?

The importer maps an ACLED row to an event with actor = actor1 and target = actor2; the
country is kept as an extra column that a selection cannot filter on. So the global sample
is split by its `country` column first, in memory, and each country's rows go through the
importer as their own ACLED file — what a user watching one country would load. Each
country is scored over its own days (first to last event).

Measured: for countries without a single fatality in the sample, the share of days in
crisis; pooled over the country-days, Spearman's rank correlation of the daily index with
the day's fatalities, beside the yardstick of a plain daily count of violent events (Battles,
Violence against civilians, Explosions/Remote violence) — over every scored country-day
(does the index tell deadly days from the others?) and over the days with at least one death
(does it rank how deadly they were? issue 13's 0.35 and 0.64 are this one); and the
Afghanistan sample's share of days in crisis (a conflict zone is not in crisis every day).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from benchmarks.validity import api
from benchmarks.validity.metrics import CRISIS, share_at_least, spearman
from benchmarks.validity.results import CaseResult, Detail, Measure, Target, fmt_pct

TITLE = "2. ACLED: crises where people die, not where they protest (real)"
NEEDS_EXTERNAL = True
GLOBAL = "acled-2020-global-sample/acled.csv"
AFGHANISTAN = "acled-2020-afghanistan-sample/ACLED.csv"
NAMED_ZERO_DEATH = ("Argentina", "Chile", "Serbia")
MIN_EVENTS = 10  # zero-death countries pooled: those with at least this many events
VIOLENT = ("Battles", "Violence against civilians", "Explosions/Remote violence")


def split_by_country(data: bytes) -> tuple[dict[str, bytes], int]:
    """An ACLED CSV split into one CSV (header + rows) per `country`; rows without a country
    (a truncated record) are counted, not kept: the importer would reject them anyway."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    header, body = rows[0], rows[1:]
    at = [h.strip().lower() for h in header].index("country")
    groups: dict[str, list[list[str]]] = {}
    dropped = 0
    for row in body:
        country = row[at].strip() if len(row) > at else ""
        if not country:
            dropped += 1
            continue
        groups.setdefault(country, []).append(row)
    out = {}
    for country, part in groups.items():
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(part)
        out[country] = buf.getvalue().encode("utf-8")
    return out, dropped


def daily_truth(events: pd.DataFrame) -> pd.DataFrame:
    """Per country and day: fatalities and the number of violent events (loaded ACLED rows)."""
    frame = pd.DataFrame({
        "country": events["country"],
        "date": pd.to_datetime(events["date"], utc=True).dt.tz_convert(None).dt.normalize().astype("datetime64[us]"),
        "fatalities": pd.to_numeric(events["fatalities"]),
        "violent": events["acled_event_type"].isin(VIOLENT).astype(int),
    })
    return frame.groupby(["country", "date"], as_index=False)[["fatalities", "violent"]].sum()


def run(external: Path) -> CaseResult:
    result = CaseResult("acled", TITLE)
    path = external / GLOBAL
    events, summary, _ = api.load(path, "events")
    truth = daily_truth(events)
    deaths = truth.groupby("country")["fatalities"].sum()
    counts = events.groupby("country").size()
    parts, dropped = split_by_country(path.read_bytes())
    result.notes.append(
        f"{GLOBAL}: {summary}; split into {len(parts)} countries"
        + (f" ({dropped} row without a country — the truncated last record — left out)" if dropped else "")
        + ". The importer files an ACLED row under actor = actor1 (e.g. 'Protesters (Chile)'), target = actor2, "
        "with `country` as an extra column: a selection filters actors, not countries, hence the split."
    )
    pooled, zero_rows = [], []
    for country in sorted(parts):
        table = api.score(api.open_data(events=parts[country]))
        day = table[["date", "index", "level"]].merge(truth[truth["country"] == country], on="date", how="left")
        day[["fatalities", "violent"]] = day[["fatalities", "violent"]].fillna(0)
        day["country"] = country
        pooled.append(day)
        if deaths.get(country, 0) == 0:
            zero_rows.append((country, int(counts.get(country, 0)), len(table), share_at_least(table["level"], CRISIS)))
    days = pd.concat(pooled, ignore_index=True)
    zero = pd.DataFrame(zero_rows, columns=["country", "events", "days", "crisis_share"])
    busy = zero[zero["events"] >= MIN_EVENTS]
    pooled_share = float((busy["crisis_share"] * busy["days"]).sum() / busy["days"].sum())
    over = int((busy["crisis_share"] > 0.20).sum())

    for country in NAMED_ZERO_DEATH:
        row = zero[zero["country"] == country].iloc[0]
        result.measures.append(Measure(
            f"acled.zero_death.{country.lower()}", TITLE, f"{country} (0 deaths, {row.events} events): days in crisis",
            float(row.crisis_share), f"{fmt_pct(row.crisis_share)} of {row.days}", Target("<=", 0.20, "≤ 20 %")))
    result.measures += [
        Measure("acled.zero_death.pooled", TITLE,
                f"all {len(busy)} zero-death countries with ≥ {MIN_EVENTS} events: country-days in crisis",
                pooled_share, f"{fmt_pct(pooled_share)} of {int(busy['days'].sum())}", Target("<=", 0.20, "≤ 20 %")),
        Measure("acled.zero_death.countries_over", TITLE,
                "· of which countries in crisis on more than 20 % of days", over, f"{over} of {len(busy)}"),
    ]
    deadly = days[days["fatalities"] > 0]
    for key, label, part in (("", f"all {len(days)} country-days", days),
                             (".deadly", f"the {len(deadly)} country-days with at least one death", deadly)):
        rho = spearman(part["index"], part["fatalities"])
        yard = spearman(part["violent"], part["fatalities"])
        result.measures += [
            Measure(f"acled.spearman{key}.index", TITLE, f"Spearman, daily index vs fatalities, pooled: {label}",
                    rho, f"{rho:.2f}", Target(">=", 0.5, "≥ 0.50")),
            Measure(f"acled.spearman{key}.violent_count", TITLE,
                    "· yardstick: the same for a plain daily count of violent events", yard, f"{yard:.2f}"),
        ]
    afg_events, afg_summary, _ = api.load(external / AFGHANISTAN, "events")
    afg = api.score(api.open_data(events=external / AFGHANISTAN))
    share = share_at_least(afg["level"], CRISIS)
    in_crisis = int((afg["level"] >= CRISIS).sum())
    afg_truth = daily_truth(afg_events).drop(columns="country")
    afg_days = afg[["date", "index"]].merge(afg_truth, on="date", how="left").fillna({"fatalities": 0, "violent": 0})
    afg_rho = spearman(afg_days["index"], afg_days["fatalities"])
    result.measures += [
        Measure("acled.afghanistan.crisis_share", TITLE, "Afghanistan, 1–21 March 2020: days in crisis",
                share, f"{in_crisis} of {len(afg)} ({fmt_pct(share)})",
                Target("<=", 0.5, "≤ 50 % (suite's choice; issue 13 names no number)")),
        Measure("acled.afghanistan.spearman", TITLE, "· Afghanistan: Spearman, daily index vs fatalities",
                afg_rho, f"{afg_rho:.2f}"),
    ]
    result.notes.append(f"{AFGHANISTAN}: {afg_summary}.")
    result.details.append(Detail(
        "acled.zero_death", f"Zero-death countries with ≥ {MIN_EVENTS} events: share of days in crisis",
        ["country", "events", "days scored", "days in crisis"],
        [[r.country, r.events, r.days, fmt_pct(r.crisis_share)] for r in busy.sort_values("events", ascending=False).itertuples()],
    ))
    result.notes.append("Data: ../shared/data/external/acled-2020-global-sample and acled-2020-afghanistan-sample "
                        "(ACLED, via public GitHub copies; ACLED's terms of use apply). Only derived figures are shown.")
    return result
