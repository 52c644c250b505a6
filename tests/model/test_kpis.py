"""One kpis() for the page, meeting mode and the report: the same numbers whatever the bucket."""

from __future__ import annotations

import pandas as pd
import pytest
from factories import BOIL, CRI, SB, SIM, make_analysis

from dashboard.contract import KPI_CHANGE_BUCKETS
from dashboard.model.kpis import kpis

STEP = {"hour": pd.Timedelta(hours=1), "day": pd.Timedelta(days=1), "week": pd.Timedelta(days=7)}


@pytest.mark.parametrize("bucket", ["hour", "day", "week"])
def test_kpis_index_change_is_seven_buckets_back_for_every_bucket(bucket):
    index = [float(i * i) for i in range(10)]  # 0, 1, 4, ... 81
    k = kpis(make_analysis([SB] * 10, index, bucket=bucket, start="2024-01-01"))
    assert k["change_buckets"] == KPI_CHANGE_BUCKETS == 7
    assert k["index_change"] == pytest.approx(81.0 - 4.0)  # bucket 9 against bucket 2


@pytest.mark.parametrize("bucket", ["hour", "day", "week"])
def test_kpis_dates_follow_the_bucket(bucket):
    stages = [SB, SB, SIM, BOIL, CRI, CRI]
    k = kpis(make_analysis(stages, [5, 5, 40, 50, 70, 90], bucket=bucket, start="2024-01-01"))
    first = pd.Timestamp("2024-01-01")
    assert k["date"] == first + 5 * STEP[bucket]
    assert k["stage_since"] == first + 4 * STEP[bucket]  # crisis since the fifth bucket
    assert k["left_slow_boil"] == first + 2 * STEP[bucket]  # above slow boil since the third
    assert k["peak_date"] == first + 5 * STEP[bucket] and k["peak_index"] == 90
    assert k["days_since_left_slow_boil"] == int(3 * STEP[bucket] / pd.Timedelta(days=1))


def test_kpis_left_slow_boil_is_none_when_the_story_is_back_to_a_slow_boil():
    k = kpis(make_analysis([SB, SIM, SIM, SB], [5, 40, 40, 5]))
    assert k["left_slow_boil"] is None  # the page says "still a slow boil"
    assert k["days_since_left_slow_boil"] == 2  # the report's "since it last left": day 1 to day 3


def test_kpis_skip_buckets_without_an_index():
    """A bucket where nothing is known has no index (NaN): it is never the peak, and the
    index now is the latest bucket that has one."""
    from factories import make_series

    from dashboard.contract import Selection
    from dashboard.model.analysis import Analysis
    from dashboard.model.escalation import DEFAULT_PARAMS, score

    table = score(make_series([40, 60, 50] + [50] * 20 + [300, 320] + [0] * 0))
    assert table["index"].iloc[:3].isna().all()  # no reference yet, nothing else known
    empty = pd.DataFrame()
    k = kpis(Analysis(Selection(), DEFAULT_PARAMS, table, pd.DataFrame(columns=["id"]), empty, empty, empty))
    assert k["peak_index"] == pytest.approx(table["index"].max()) and k["peak_date"] == table["date"].iloc[table["index"].idxmax()]
    assert k["index"] == pytest.approx(table["index"].iloc[-1])
