"""Case 5: synthetic stories with a known truth (synthetic.py), five seeds each.

Every scenario has 60 flat days first (mean 50 mentions a day, tone +0.05, weekday rhythm,
mild noise), then:

- sudden trigger: six times the mentions for a week (three times after), tone -0.3, and three
  conflictual events (severity -7, -6, -8) on its first three days: crisis expected within
  3 days of the jump, and nothing above a slow boil before it;
- slow drift: over six weeks tone sours linearly from +0.05 to -0.30 while attention creeps up
  by half, then stays there four weeks: simmering expected by two weeks after the drift ends,
  and held on at least half of those two weeks (one noisy day at simmering is not a detection);
  the same story without noise is reported beside it;
- two actors in one file: A has the sudden trigger, B stays flat: B alone must stay a slow boil;
- collection gap: no rows at all for two weeks from day 60: no stage change in the gap or the
  two weeks after it (against the stage of the day before), and attention unknown in the gap;
- coverage step: a wide table of five actors and a Grand Total in which the source collects
  three times as much from day 60 on — every actor and the total: actor A must not read as a
  crisis in the four weeks from the step.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from benchmarks.validity import api, synthetic
from benchmarks.validity.metrics import BOILING, CRISIS, SIMMERING, changes_between, first_date_at, level_on, max_level_between
from benchmarks.validity.results import CaseResult, Detail, Measure, Target, fmt_pct

TITLE = "5. Synthetic stories with a known truth (seeded)"
NEEDS_EXTERNAL = False
SEEDS = (1, 2, 3, 4, 5)
TRIGGER_WITHIN = 3  # days after the jump
DRIFT_GRACE = 14  # days after the drift ends
HOLD_DAYS = 7  # of those, days at simmering or above for the drift to count as detected
AFTER_GAP = 14
AFTER_STEP = 28


def _day(i: int) -> pd.Timestamp:
    return synthetic.days(i + 1)[i]


def run(external: Path) -> CaseResult:
    result = CaseResult("scenarios", TITLE)
    n = len(SEEDS)
    t0 = _day(synthetic.TRIGGER_DAY)
    rows = {"trigger": [], "drift": [], "two": [], "gap": [], "step": []}

    for seed in SEEDS:
        ev, m = synthetic.sudden_trigger(seed)
        table = api.analyse_tables(ev, m)
        first = first_date_at(table["date"], table["level"], CRISIS)
        before = max_level_between(table["date"], table["level"], table["date"].iloc[0], t0 - pd.Timedelta(days=1))
        offset = (first - t0).days if first is not None else None
        ok = offset is not None and 0 <= offset <= TRIGGER_WITHIN and before == 0
        rows["trigger"].append([seed, "never" if offset is None else f"day {offset:+d}", api.stage_name(before), _yes(ok)])

        rows["drift"].append([seed, *_drift(synthetic.slow_drift(seed), t0)])

        ev, m = synthetic.two_actors(seed)
        data = api.open_data(ev, m)
        a, b = api.score(data, actors=("A",)), api.score(data, actors=("B",))
        ok = int(b["level"].max()) == 0
        rows["two"].append([seed, api.stage_name(int(a["level"].max())), api.stage_name(int(b["level"].max())), _yes(ok)])

        table = api.analyse_tables(None, synthetic.collection_gap(seed))
        g0, g1 = t0, _day(synthetic.TRIGGER_DAY + synthetic.GAP_DAYS - 1)
        ref = level_on(table["date"], table["level"], t0 - pd.Timedelta(days=1))
        changed = changes_between(table["date"], table["level"], g0, g1 + pd.Timedelta(days=AFTER_GAP), ref)
        in_gap = table[(table["date"] >= g0) & (table["date"] <= g1)]
        unknown = int((~in_gap["attention_known"]).sum())
        after = max_level_between(table["date"], table["level"], g0, g1 + pd.Timedelta(days=AFTER_GAP))
        rows["gap"].append([seed, api.stage_name(ref), changed, api.stage_name(after), f"{unknown} of {len(in_gap)}",
                            _yes(changed == 0), unknown, len(in_gap)])

        data = api.open_data(mentions=synthetic.coverage_step(seed), wide=True)
        end = t0 + pd.Timedelta(days=AFTER_STEP - 1)
        one = api.score(data, actors=("A",))
        every = api.score(data)
        top = max_level_between(one["date"], one["level"], t0, end)
        top_all = max_level_between(every["date"], every["level"], t0, end)
        rows["step"].append([seed, api.stage_name(top), api.stage_name(top_all), _yes(top < CRISIS)])

    smooth = _drift(synthetic.slow_drift(None), t0)
    rows["drift"].append(["no noise", *smooth])

    def passed(key: str, col: int = -1) -> int:
        return sum(r[col] == "yes" for r in rows[key] if r[0] != "no noise")

    boiled_step = sum(r[1] == api.stage_name(BOILING) for r in rows["step"])
    gap_unknown = sum(r[6] for r in rows["gap"]) / max(1, sum(r[7] for r in rows["gap"]))
    five = Target(">=", n, f"{n} of {n}")
    result.measures += [
        Measure("scenarios.trigger", TITLE, f"sudden trigger: crisis within {TRIGGER_WITHIN} days of the jump, none before",
                passed("trigger"), f"{passed('trigger')} of {n}", five),
        Measure("scenarios.drift", TITLE, f"slow drift: reaches simmering by {DRIFT_GRACE} days after the drift ends",
                passed("drift", 4), f"{passed('drift', 4)} of {n}", five),
        Measure("scenarios.drift.held", TITLE,
                f"slow drift: at simmering or above on ≥ {HOLD_DAYS} of the {DRIFT_GRACE} days after it ends "
                "(suite's choice: detected, not a noisy day)", passed("drift"), f"{passed('drift')} of {n}", five),
        Measure("scenarios.drift.smooth", TITLE, "slow drift without noise: first simmering", None, smooth[0]),
        Measure("scenarios.two_actors", TITLE, "two actors: the flat one, selected alone, stays a slow boil",
                passed("two"), f"{passed('two')} of {n}", five),
        Measure("scenarios.gap.stage", TITLE, f"collection gap: no stage change in the gap or the {AFTER_GAP} days after",
                passed("gap", 5), f"{passed('gap', 5)} of {n}", five),
        Measure("scenarios.gap.attention", TITLE, "collection gap: days of the gap with attention unknown",
                gap_unknown, fmt_pct(gap_unknown), Target(">=", 1.0, "100 %")),
        Measure("scenarios.step", TITLE, f"coverage step ×3 (total given): actor A not in crisis in the {AFTER_STEP} days after",
                passed("step"), f"{passed('step')} of {n}", five),
        Measure("scenarios.step.boiling", TITLE, "· of which actor A at boiling in those days",
                boiled_step, f"{boiled_step} of {n}"),
    ]
    result.details += [
        Detail("scenarios.trigger", "Sudden trigger", ["seed", "first crisis (day 0 = the jump)", "highest stage before", "met"],
               rows["trigger"]),
        Detail("scenarios.drift", "Slow drift (the no-noise row is not counted in the measures)",
               ["seed", "first simmering", "highest stage", "highest index", "reached", f"days ≥ simmering, {DRIFT_GRACE} d after",
                "held"], rows["drift"]),
        Detail("scenarios.two_actors", "Two actors", ["seed", "highest stage, A alone", "highest stage, B alone", "met"], rows["two"]),
        Detail("scenarios.gap", "Collection gap (14 days)",
               ["seed", "stage the day before", "days changed (gap + 14 d)", "highest stage (gap + 14 d)",
                "gap days with attention unknown", "met"], [r[:6] for r in rows["gap"]]),
        Detail("scenarios.step", "Coverage step ×3", ["seed", "highest stage, A (28 d)", "highest stage, all actors (28 d)", "met"],
               rows["step"]),
    ]
    return result


def _drift(mentions: pd.DataFrame, t0: pd.Timestamp) -> list:
    """first simmering, highest stage, highest index, reached (yes/no), days held after, held (yes/no)."""
    table = api.analyse_tables(None, mentions)
    first = first_date_at(table["date"], table["level"], SIMMERING)
    offset = (first - t0).days if first is not None else None
    reached = offset is not None and offset <= synthetic.DRIFT_DAYS - 1 + DRIFT_GRACE
    end = t0 + pd.Timedelta(days=synthetic.DRIFT_DAYS - 1)
    after = table[(table["date"] > end) & (table["date"] <= end + pd.Timedelta(days=DRIFT_GRACE))]
    held = int((after["level"] >= SIMMERING).sum())
    return ["never" if offset is None else f"day {offset + 1} from its start", api.stage_name(int(table["level"].max())),
            f"{table['index'].max():.0f}", _yes(reached), held, _yes(held >= HOLD_DAYS)]


def _yes(ok: bool) -> str:
    return "yes" if ok else "no"
