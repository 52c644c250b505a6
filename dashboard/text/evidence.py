"""The evidence behind a peak: how many sources carried it, and whether it is one voice.

Per bucket the engine counts the distinct sources, the top source's share of the mentions,
and the share of text mentions that are copies of another text of the bucket (exact after
normalisation: case and punctuation ignored; dashboard/text/table.py). A **peak** — a
bucket with at least MIN_PEAK_VOLUME mentions whose attention is PEAK_LEVEL× expected or
more, or whose stage is boiling or crisis — is flagged when

- **one source**: its top source carried ONE_SOURCE_SHARE (60 %) or more of its mentions
  (only where the selection has more than one source in some bucket), or
- **copies**: COPY_SHARE (50 %) or more of its text mentions repeat another text of the bucket.

The flag is shown on the attention chart and said in the bucket's explanation. Pure.
"""

from __future__ import annotations

import pandas as pd

ONE_SOURCE_SHARE = 0.6
COPY_SHARE = 0.5
MIN_PEAK_VOLUME = 10
MIN_COPY_TEXTS = 10  # a copy share is judged on at least this many text mentions
PEAK_LEVEL = 2.0
PEAK_STAGES = ("boiling", "crisis")
EVIDENCE_COLUMNS = ["date", "sources", "top_source", "top_share", "texts", "distinct_texts", "copy_share", "peak", "flag"]


def flag_evidence(table: pd.DataFrame, evidence: pd.DataFrame) -> pd.DataFrame:
    """The evidence of each scored bucket (EVIDENCE_COLUMNS), peaks flagged.

    `table`: the scored buckets (date, volume, attention_level, stage); `evidence`: the
    engine's text_evidence. `flag` is "" or "one source", "copies", "one source, copies".
    """
    if table is None or len(table) == 0:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in EVIDENCE_COLUMNS})
    ev = evidence.drop(columns=[c for c in ("volume",) if c in evidence.columns])
    out = table[["date", "volume", "attention_level", "stage"]].merge(ev, on="date", how="left")
    out["sources"] = out["sources"].fillna(0).astype("int64")
    out["texts"] = out["texts"].fillna(0).astype("int64")
    out["distinct_texts"] = out["distinct_texts"].fillna(0).astype("int64")
    level = pd.to_numeric(out["attention_level"], errors="coerce")
    out["peak"] = (out["volume"] >= MIN_PEAK_VOLUME) & ((level >= PEAK_LEVEL) | out["stage"].isin(PEAK_STAGES))
    # A file whose mentions all come from one source (or say none) has every bucket on it: no news.
    several = int(evidence["sources"].max()) > 1 if len(evidence) else False
    one = (out["top_share"].fillna(0) >= ONE_SOURCE_SHARE) & several
    copies = (out["copy_share"].fillna(0) >= COPY_SHARE) & (out["texts"] >= MIN_COPY_TEXTS)
    flag = pd.Series([""] * len(out), index=out.index, dtype="object")
    flag[one] = "one source"
    flag[copies] = flag[copies].map(lambda f: f"{f}, copies" if f else "copies")
    out["flag"] = flag.where(out["peak"], "")
    return out[EVIDENCE_COLUMNS]


def compute_evidence(engine, sel, table: pd.DataFrame) -> pd.DataFrame | None:
    """flag_evidence of the selection's buckets, or None when the engine cannot say (no
    mentions, or an engine without the text queries)."""
    if not getattr(engine, "has_mentions", False) or len(table) == 0:
        return None
    if getattr(engine, "text_unsupported", ""):
        return None
    return flag_evidence(table, engine.text_evidence(sel))
