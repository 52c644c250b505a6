"""The backtest: a replay with no look-ahead, the watcher's episode dedup, and the figures
(alerts per month, precision, recall, lead time) worked out by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dashboard.model.escalation import DEFAULT_PARAMS, score
from dashboard.monitor.backtest import BacktestResult, Reference, read_episodes, replay
from dashboard.monitor.episodes import Episode, rule_hits
from tests.factories import make_series

RULES = ("stage:boiling", "spike", "drift")
QUIET = 35  # buckets of ordinary attention before the surge (the model's baselines need 14+)


def story(tail: list[int]) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    quiet = list(rng.poisson(40, QUIET))
    surge = [60, 90, 150, 260, 400, 420, 380, 300, 200, 120, 80, 60]
    volume = quiet + surge + list(rng.poisson(45, 6)) + tail
    tone = [-0.05] * QUIET + [-0.4] * 12 + [-0.1] * (6 + len(tail))
    return make_series(volume, tone=tone, neg=[0.3] * len(volume))


def test_replay_has_no_look_ahead():
    """Whatever comes after bucket T — a bigger story, or silence — the decisions up to T are
    the same: at each bucket only the data up to it were scored."""
    base = story([40] * 10)
    later = story([900, 1500, 2500, 3000] + [2000] * 6)  # the future changes completely
    cut = QUIET + 12 + 6  # the first bucket whose data differ
    a = replay(base, pd.DataFrame(), RULES, DEFAULT_PARAMS, "day")
    b = replay(later, pd.DataFrame(), RULES, DEFAULT_PARAMS, "day")
    for rule in RULES:
        assert (a[rule][:cut] == b[rule][:cut]).all(), rule
    assert a["stage:boiling"][:cut].any(), "the surge reached boiling live"
    assert not (a["spike"][cut:] == b["spike"][cut:]).all(), "the future did change the future"


def test_replay_fires_when_the_live_model_says_so():
    base = story([40] * 10)
    fired = replay(base, pd.DataFrame(), ("stage:boiling",), DEFAULT_PARAMS, "day")["stage:boiling"]
    assert fired.any()
    for t in (QUIET + 3, QUIET + 6, QUIET + 15):
        live = score(base.iloc[: t + 1], DEFAULT_PARAMS)
        assert fired[t] == rule_hits(live, "stage:boiling")[-1]


def test_replay_does_not_alert_on_a_collection_change():
    """The source starts collecting three times as much (GDELT, 18 Nov 2020): every actor
    triples with it, its share steady. Replayed live, no rule fires on the step — the model
    holds attention unknown until the new level has shown it stays flat."""
    rng = np.random.default_rng(11)
    n, at = 70, 50
    factor = np.where(np.arange(n) >= at, 3.0, 1.0)
    a = rng.poisson(50 * factor)
    series = make_series(list(a), tone=[-0.05] * n, neg=[0.3] * n).assign(total=a + rng.poisson(950 * factor))
    fired = replay(series, pd.DataFrame(), RULES, DEFAULT_PARAMS, "day")
    for rule in RULES:
        assert not fired[rule][at - 5:].any(), rule
    # The same jump in A alone (its share of the total up threefold) is a story, and fires.
    story_total = np.where(np.arange(n) >= at, a + rng.poisson(950, n), series["total"])
    alone = replay(series.assign(total=story_total), pd.DataFrame(), ("spike",), DEFAULT_PARAMS, "day")
    assert alone["spike"][at:at + 3].any()


def ep(day: str, last: str | None = None, rule: str = "spike") -> Episode:
    return Episode(rule, pd.Timestamp(day), pd.Timestamp(last or day), 0, 0)


def test_backtest_figures_by_hand():
    dates = pd.Series(pd.date_range("2020-01-01", "2020-04-30", freq="D"))
    alerts = [ep("2020-01-10"), ep("2020-02-25"), ep("2020-03-05"), ep("2020-04-20")]
    refs = [Reference(pd.Timestamp("2020-03-01"), pd.Timestamp("2020-03-10"), "wave 1"),
            Reference(pd.Timestamp("2020-04-10"), pd.Timestamp("2020-04-12"), "wave 2")]
    result = BacktestResult("m", "day", dates, {"spike": np.zeros(len(dates), bool)}, alerts, refs, "labelled", max_lead=7)
    result.match()
    # 25 Feb is 5 days before wave 1 (within 7): caught; 5 Mar is inside it; 10 Jan and 20 Apr catch nothing.
    assert result.matched == {1: 0, 2: 0}
    assert result.precision == 0.5 and result.recall == 0.5
    assert [(r.label, d.days) for r, d in result.lead_times()] == [("wave 1", 5)]  # 1 Mar − 25 Feb (2020: leap year)
    assert result.per_month() == {"2020-01": 1, "2020-02": 1, "2020-03": 1, "2020-04": 1}
    result.max_lead = 3
    result.match()
    assert result.matched == {2: 0} and [d.days for _, d in result.lead_times()] == [-4]  # late by 4 days


@pytest.mark.parametrize(
    "text, message",
    [("start,end\n2020-03-01,2020-02-01\n", "row 2: the end is before"), ("begin,end\n", "needs the columns"),
     ("start,end\nsoon,2020-02-01\n", "row 2: start and end must be dates")],
)
def test_read_episodes_names_the_bad_row(tmp_path, text, message):
    path = tmp_path / "e.csv"
    path.write_text(text)
    with pytest.raises(ValueError, match=message):
        read_episodes(path)


def test_read_episodes_reads_labels(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text("start,end,label\n2020-03-09,2020-03-16,Italy lockdown\n2020-03-01,2020-03-02,\n")
    refs = read_episodes(path)
    assert [(str(r.start.date()), r.label) for r in refs] == [("2020-03-01", ""), ("2020-03-09", "Italy lockdown")]
