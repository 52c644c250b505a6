"""The validation suite's only door into the `dashboard` package.

Every import of `dashboard` in benchmarks/validity/ is in this module, so that when the
package moves (dashboard/analysis.py -> dashboard/model/analysis.py, engine.py ->
query/duckdb_engine.py, Selection -> contract.py, actors.py -> loading/actors.py) or the
model changes its output, this one file changes and the cases and metrics do not.

What the cases get from here, in the instrument's own vocabulary:

- `load(source, kind, **options)`: a file (or bytes) through the importer, as a pandas
  frame of the loaded rows and the load report's summary;
- `open_data(events, mentions, **options)`: a dataset (files, bytes or pandas frames) in
  the query engine;
- `score(data, actors=..., start=..., end=..., params=...)`: the model's table, one row per
  day, with two columns added: `level` (0 slow boil ... 3 crisis, see STAGE_LEVEL) and
  `attention_known` (whether the model scored attention on that day or said it is unknown);
- `analyse_tables(events, mentions, selection, params)`: the two in one call;
- `demo_paths()`: the bundled TikTok demo's files.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from dashboard.contract import Selection
from dashboard.dataset import build_dataset
from dashboard.demo import DATASETS
from dashboard.loading import load_bytes, load_path
from dashboard.loading.options import ImportOptions
from dashboard.model.analysis import analyse
from dashboard.model.escalation import DEFAULT_PARAMS, with_params

# The stage ladder the targets are written against. A model whose stages have other names
# (a "chronic" stage, say) is mapped here onto these four levels; an unknown name is an error
# rather than a silent slow boil.
STAGE_LEVEL = {"slow boil": 0, "simmering": 1, "boiling": 2, "crisis": 3}
LEVEL_NAME = {level: name for name, level in STAGE_LEVEL.items()}

Source = Path | bytes | pd.DataFrame | None


@dataclass
class Data:
    """A dataset in the query engine, and what its import said."""

    dataset: Any  # dashboard.dataset.Dataset
    reports: dict[str, str]  # kind -> the load report's one-line summary
    notes: dict[str, list[str]]  # kind -> the load report's notes


def stage_name(level: int) -> str:
    return LEVEL_NAME[int(level)]


def import_options(*, wide: bool = False, mapping: dict[str, str] | None = None,
                   date_format: str | None = None, actors: Path | None = None) -> ImportOptions:
    """The importer's options for a mentions file (a mapping and date layout apply to mentions)."""
    return ImportOptions(
        mappings={"mentions": mapping} if mapping else {},
        date_formats={"mentions": date_format} if date_format else {},
        actors=Path(actors) if actors else None,
        wide=wide,
    )


def _as_input(source: Source) -> Path | bytes | None:
    """Frames go to the importer as canonical CSV, so they take the same road as a file."""
    if source is None or isinstance(source, (Path, bytes)):
        return source
    frame = source.copy()
    for col in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[col]):
            frame[col] = frame[col].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    buf = io.StringIO()
    frame.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue().encode("utf-8")


def load(source: Path | bytes, kind: str, **options) -> tuple[pd.DataFrame, str, list[str]]:
    """One file through the importer: (the loaded rows as pandas, the report's summary, its notes).

    `options` as import_options(); ValueError when the file cannot be used at all.
    """
    opts = import_options(**options)
    kwargs = opts.load_kwargs(kind, opts.dictionary()) if opts.given else {}
    result = load_path(source, kind, **kwargs) if isinstance(source, Path) else load_bytes(source, kind, **kwargs)
    if result.report.error is not None or result.table is None:
        raise ValueError(f"{kind}: {result.report.summary()}")
    return result.table.to_pandas(), result.report.summary(), list(result.report.notes)


def open_data(events: Source = None, mentions: Source = None, **options) -> Data:
    """Load whichever tables are given into one engine (import options as import_options())."""
    opts = import_options(**options)
    dataset = build_dataset(_as_input(events), _as_input(mentions), options=opts)
    for kind, report in dataset.reports.items():
        if report.error is not None or report.loaded == 0:
            raise ValueError(f"{kind}: {report.summary()}")
    return Data(dataset, {k: r.summary() for k, r in dataset.reports.items()},
                {k: list(r.notes) for k, r in dataset.reports.items()})


def score(data: Data, *, actors: tuple[str, ...] = (), start: dt.date | None = None,
          end: dt.date | None = None, params: dict[str, float] | None = None) -> pd.DataFrame:
    """The model's daily table for a selection, with `level` and `attention_known` added."""
    model = with_params(DEFAULT_PARAMS, **(params or {}))
    sel = Selection(actors=tuple(actors), start=start, end=end, bucket="day")
    table = analyse(data.dataset.engine, sel, model).table.copy()
    unknown = sorted(set(table["stage"]) - set(STAGE_LEVEL))
    if unknown:
        raise ValueError(f"the model names stages {unknown} that benchmarks/validity/api.py does not map to a level")
    table["level"] = table["stage"].map(STAGE_LEVEL).astype("int64")
    table["attention_known"] = _attention_known(table)
    table["date"] = pd.to_datetime(table["date"], utc=True).dt.tz_convert(None).astype("datetime64[us]")
    return table.reset_index(drop=True)


def _attention_known(table: pd.DataFrame) -> pd.Series:
    """Whether attention was scored on each day. A model that says so in a column of its own
    (`attention_known`) is taken at its word; the v1 model leaves the attention component
    empty (NaN) where it has no baseline, and scores it everywhere else."""
    if "attention_known" in table.columns:
        return table["attention_known"].fillna(False).astype(bool)
    return table["c_attention"].notna()


def analyse_tables(events: Source, mentions: Source, selection: dict | None = None,
                   params: dict[str, float] | None = None, **options) -> pd.DataFrame:
    """open_data + score in one call: `selection` holds score()'s actors/start/end."""
    return score(open_data(events, mentions, **options), params=params, **(selection or {}))


def demo_paths() -> tuple[Path, Path]:
    """The TikTok 2020 demo: (events, mentions) — real events, SIMULATED mentions."""
    demo = DATASETS["tiktok-2020"]
    return demo.events, demo.mentions


def tiktok_actor_dictionary() -> Path:
    """The demo's actor dictionary (data/tiktok-2020/actors.csv)."""
    return demo_paths()[0].parent / "actors.csv"
