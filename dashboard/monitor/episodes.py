"""When a monitor's rule holds, bucket by bucket, and how those buckets make episodes.

A rule holds at a bucket:
- `stage:<s>`: the bucket's stage is `s` or higher;
- `spike`: the model raised a spike alert for the bucket (signals.find_alerts);
- `drift`: it raised a drift alert (attention or tone, CUSUM);
- `change_point`: a change point (PELT) is dated at the bucket.

An episode is a run of buckets where the rule holds, gaps shorter than `cooldown` buckets
bridged: the story has to stay below the rule for `cooldown` buckets in a row (by default
the model's own `episode_end_buckets`, 7) before a new episode can begin. Its key is the
rule and its first bucket, `stage:boiling@2020-07-07T00:00`: that bucket does not move as
later data arrive (the model scores each bucket from the buckets before it), so a watcher
that sees the same episode again — next cycle, after a restart — finds the key it already
alerted on and stays quiet.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.contract import STAGES


@dataclass(frozen=True)
class Episode:
    rule: str
    start: pd.Timestamp  # the first bucket where the rule held
    end: pd.Timestamp  # the latest bucket where it held
    first: int  # positions in the table
    last: int

    @property
    def key(self) -> str:
        return f"{self.rule}@{self.start:%Y-%m-%dT%H:%M}"


def rule_hits(table: pd.DataFrame, rule: str) -> np.ndarray:
    """Whether `rule` holds at each bucket of a scored (and annotated) table."""
    n = len(table)
    if n == 0:
        return np.zeros(0, dtype=bool)
    if rule.startswith("stage:"):
        level = STAGES.index(rule.split(":", 1)[1])
        return table["stage"].map(STAGES.index).to_numpy() >= level
    alerts = table["alerts"].fillna("").astype(str) if "alerts" in table.columns else pd.Series([""] * n)
    if rule == "spike":
        return alerts.map(lambda text: "spike" in text.split("; ")).to_numpy(dtype=bool)
    if rule == "drift":
        return alerts.map(lambda text: any(k.startswith("drift") for k in text.split("; "))).to_numpy(dtype=bool)
    if rule == "change_point":
        cps = table["change_point"].fillna("").astype(str) if "change_point" in table.columns else pd.Series([""] * n)
        return (cps != "").to_numpy(dtype=bool)
    raise ValueError(f"unknown rule {rule!r}")


def find_episodes(dates: pd.Series, hits: np.ndarray, rule: str, cooldown: int) -> list[Episode]:
    """The episodes of a rule: runs of hits, gaps of fewer than `cooldown` buckets bridged."""
    if cooldown < 1:
        raise ValueError("cooldown must be at least 1 bucket")
    out: list[Episode] = []
    first = last = -1
    positions = np.flatnonzero(np.asarray(hits, dtype=bool)).tolist()
    values = list(pd.to_datetime(dates))
    for i in positions:
        if first >= 0 and i - last - 1 < cooldown:
            last = i
            continue
        if first >= 0:
            out.append(Episode(rule, values[first], values[last], first, last))
        first = last = i
    if first >= 0:
        out.append(Episode(rule, values[first], values[last], first, last))
    return out


def is_open(episode: Episode, n_buckets: int, cooldown: int) -> bool:
    """Whether the episode may still go on: fewer than `cooldown` buckets since it last held."""
    return n_buckets - 1 - episode.last < cooldown
