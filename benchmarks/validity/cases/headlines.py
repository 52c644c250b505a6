"""Case 3: real headlines (Reuters, CNBC, Guardian, to 18 July 2020) with the demo's events.

The three headline files go through the importer as text-only mentions — the column mapping
date ← Time, text ← Headlines, their own date layouts, VADER tone and the demo's actor
dictionary (README, "Headlines and posts") — and are scored with the TikTok demo's real
events, selecting TikTok. Measured: the highest stage in the week of 6–10 July (Pompeo,
Trump, Amazon's email); and on 6 August (the executive order), weeks after the last
headline, the stage and whether attention is scored as known or said to be unknown.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from benchmarks.validity import api
from benchmarks.validity.metrics import SIMMERING, level_on, max_level_between
from benchmarks.validity.results import CaseResult, Detail, Measure, Target

TITLE = "3. Real headlines with the demo's events (TikTok, July–August 2020)"
NEEDS_EXTERNAL = True
FOLDER = "financial-headlines-jul2020"
FILES = ("reuters_headlines.csv", "cnbc_headlines.csv", "guardian_headlines.csv")
MAPPING = {"date": "Time", "text": "Headlines"}
ACTOR = "TikTok"
WEEK = (dt.date(2020, 7, 6), dt.date(2020, 7, 10))
ORDER_DAY = dt.date(2020, 8, 6)


def run(external: Path) -> CaseResult:
    result = CaseResult("headlines", TITLE)
    dictionary = api.tiktok_actor_dictionary()
    frames = []
    for name in FILES:
        frame, summary, _ = api.load(external / FOLDER / name, "mentions", mapping=MAPPING, actors=dictionary)
        frame = frame[["date", "actor", "tone", "count"]].copy()
        frame["source"] = name.split("_")[0]
        frames.append(frame)
        result.notes.append(f"{name}: {summary} (headlines naming no actor of the dictionary are rejected).")
    mentions = pd.concat(frames, ignore_index=True)
    events, _ = api.demo_paths()
    table = api.score(api.open_data(events=events, mentions=mentions), actors=(ACTOR,))
    dates, levels = table["date"], table["level"]
    week = max_level_between(dates, levels, *WEEK)
    on_order = level_on(dates, levels, ORDER_DAY)
    known = table.loc[dates == pd.Timestamp(ORDER_DAY), "attention_known"]
    known = bool(known.iloc[0]) if len(known) else None
    last = pd.to_datetime(mentions["date"], utc=True).max().date()
    tiktok = mentions[mentions["actor"] == ACTOR]
    result.measures += [
        Measure("headlines.week_max_stage", TITLE, "highest stage, 6–10 July 2020 (TikTok)",
                week, api.stage_name(week) if week is not None else "no data", Target(">=", SIMMERING, "≥ simmering")),
        Measure("headlines.order_day_stage", TITLE, "stage on 6 August 2020 (the executive order)",
                on_order, api.stage_name(on_order) if on_order is not None else "no data"),
        Measure("headlines.order_day_attention", TITLE,
                f"attention on 6 August 2020 (last headline: {last:%d %B %Y})",
                None if known is None else float(not known), "no data" if known is None else ("known" if known else "unknown"),
                Target("==", 1.0, "unknown")),
        Measure("headlines.highest_stage", TITLE, "highest stage over the whole series (TikTok)",
                int(levels.max()), api.stage_name(int(levels.max()))),
    ]
    by_day = table[(dates >= pd.Timestamp("2020-07-01")) & (dates <= pd.Timestamp("2020-07-20"))]
    result.details.append(Detail(
        "headlines.july", f"TikTok, 1–20 July 2020: {int(tiktok['count'].sum())} headline mentions in all",
        ["day", "mentions", "tone", "events", "index", "stage"],
        [[f"{r['date']:%Y-%m-%d}", int(r["volume"]), "–" if pd.isna(r["tone"]) else f"{r['tone']:+.2f}",
          int(r["events"]), f"{r['index']:.0f}", r["stage"]] for r in by_day.to_dict("records")],
    ))
    result.notes.append(f"Data: ../shared/data/external/{FOLDER} (Kaggle 'Financial News Headlines Data', via a public "
                        "GitHub copy); events: data/tiktok-2020/events.csv. No headline text is shown, only counts.")
    return result
