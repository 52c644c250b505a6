"""Backtest figures of a monitor on real series (docs/monitors.md, BENCHMARKS.md):

- the GDELT and Twitter COVID-19 country series (../shared/data/external/gdelt-twitter-covid-
  country-mentions-2020), min_stage boiling, against each country's national lockdown day
  (an episode from that day to 7 days after; an alert up to 45 days before counts, the
  window of issue 13's target);
- ACLED Afghanistan 2020 (events only), against the stage onsets of the full-history model.

Run: PYTHONPATH=. python benchmarks/monitor_backtest.py [--countries Italy,Spain]
Prints one line per series and a JSON summary at the end. Reads the files in place.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd

from dashboard.monitor.backtest import Reference, backtest_engine, backtest_report, load_engine
from dashboard.monitor.spec import parse_monitor

EXTERNAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "external"
COVID = EXTERNAL / "gdelt-twitter-covid-country-mentions-2020"
ACLED = EXTERNAL / "acled-2020-afghanistan-sample" / "ACLED.csv"
LOCKDOWNS = {  # public dates of national lockdowns (issue 13)
    "Italy": "2020-03-09", "Spain": "2020-03-14", "France": "2020-03-17", "United Kingdom": "2020-03-23",
    "Germany": "2020-03-22", "India": "2020-03-24", "Japan": "2020-04-07", "Brazil": "2020-03-20",
}


def covid(source: str, countries: list[str]) -> list[dict]:
    spec = parse_monitor(f"name: covid-{source}\nmentions: {COVID / (source + '.csv')}\nimport: {{wide: true}}\n"
                         "actors: [Italy]\nmin_stage: boiling\n", COVID)
    engine = load_engine(spec, print)
    out = []
    for country in countries:
        day = pd.Timestamp(LOCKDOWNS[country])
        t0 = time.perf_counter()
        result = backtest_engine(engine, replace(spec, actors=(country,)), [Reference(day, day + pd.Timedelta(days=7), f"{country} lockdown")],
                                 "lockdown day (+7 days)", max_lead=45)
        rep = backtest_report(result)
        rep.update(source=source, country=country, seconds=round(time.perf_counter() - t0, 1))
        lead = rep["lead_days"][0]["lead_days"] if rep["lead_days"] else None
        print(f"{source:8s} {country:15s} alerts {len(rep['alerts']):2d} caught {rep['episodes_caught']} lead {lead} days; "
              f"precision {rep['precision']}; first alerts {[a['raised'][:10] for a in rep['alerts'][:4]]}; {rep['seconds']} s")
        out.append(rep)
    return out


def acled() -> dict:
    spec = parse_monitor(f"name: acled-afghanistan\nevents: {ACLED}\nmin_stage: boiling\nrules: [spike]\n", ACLED.parent)
    t0 = time.perf_counter()
    rep = backtest_report(backtest_engine(load_engine(spec, print), spec))
    rep.update(seconds=round(time.perf_counter() - t0, 1))
    print(f"ACLED Afghanistan: {len(rep['alerts'])} alerts, {rep['episodes']} stage onsets, precision {rep['precision']}, "
          f"recall {rep['recall']}, median lead {rep['median_lead_days']} days; {rep['seconds']} s")
    return rep


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--countries", default=",".join(LOCKDOWNS))
    parser.add_argument("--sources", default="gdelt,twitter")
    parser.add_argument("--no-acled", action="store_true")
    args = parser.parse_args()
    countries = [c.strip() for c in args.countries.split(",") if c.strip()]
    results = [r for s in args.sources.split(",") if s for r in covid(s, countries)]
    summary = {
        "series": len(results),
        "caught": sum(r["episodes_caught"] for r in results),
        "lead_days": {f"{r['source']}/{r['country']}": (r["lead_days"][0]["lead_days"] if r["lead_days"] else None) for r in results},
        "alerts": sum(len(r["alerts"]) for r in results),
        "alerts_catching": sum(sum(1 for a in r["alerts"] if a["catches"]) for r in results),
    }
    if not args.no_acled:
        summary["acled"] = {k: v for k, v in acled().items() if k != "alerts"}
    print(json.dumps(summary, indent=1, default=str))


if __name__ == "__main__":
    main()
