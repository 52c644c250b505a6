"""The engine's side table of mention texts: what was said, kept lean and never sent whole.

A mentions file that has a `text` column keeps it here, one row per mention row with a
non-empty text: its row number, date, actor and source (the engine's integer codes), url,
text, count, and `key`, a 64-bit hash of the text normalised (lower case, every run of
characters that are not letters or digits made one space) — so syndicated copies of a
headline, which differ only in case and punctuation, share one key and are counted in the
engine, not in Python. The table is separate from `mentions`, which the escalation queries
scan: those stay as fast and as small as before.

Only aggregates leave it: `text_groups` returns at most `limit` distinct texts of a window,
each once with its copies; `text_evidence` one row per bucket. Values reach SQL only as bound
parameters.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections import OrderedDict
from dataclasses import replace

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dashboard.contract import Selection
from dashboard.query.codes import date_sorted
from dashboard.text.narratives import NO_TEXT, selection_pattern, table_clause

__all__ = ["NORMALISED_SQL", "TEXT_COLUMNS", "TextQueries", "create_texts", "has_text", "store_mentions_view", "text_rows"]

# How many sets of narratives keep their matched rows in the engine (each a table of row
# numbers: 8 bytes per matching text row).
NARRATIVE_TABLES = 16

# The columns the engine's `texts` table holds, in order.
TEXT_BATCH = 1_000_000  # text rows put in the compressed table at a time (create_texts)
TEXT_COLUMNS = ("row", "date", "actor", "source", "url", "text", "count", "key")

# A text as it is compared for exact copies: lower case, runs of non-alphanumerics as one space.
NORMALISED_SQL = "trim(regexp_replace(lower(text), '[^[:alnum:]]+', ' ', 'g'))"


def text_rows(mentions: pa.Table | None) -> pa.Table | None:
    """The mention rows that have a text (date, actor, source, url, text, count, row), or None.

    `row` is the mention row's position in the loaded table. None when the table has no
    text column or no row with a text: the engine then has no `texts` rows and says so.
    """
    if mentions is None or "text" not in mentions.column_names or mentions.num_rows == 0:
        return None
    text = mentions.column("text")
    if pa.types.is_dictionary(text.type):
        text = text.cast(text.type.value_type)
    text = text.cast(pa.string())
    keep = has_text(text)
    if not pc.any(keep).as_py():
        return None
    n = mentions.num_rows

    def column(name: str, kind: pa.DataType) -> pa.ChunkedArray | pa.Array:
        if name not in mentions.column_names:
            return pa.nulls(n, kind)
        col = mentions.column(name)
        if pa.types.is_dictionary(col.type):
            return col  # the engine codes it from its dictionary
        return col.cast(kind)

    date = mentions.column("date")
    if pa.types.is_timestamp(date.type) and date.type.tz is not None:
        date = date.cast(pa.timestamp(date.type.unit))
    count = column("count", pa.int64())
    table = pa.table({
        "row": pa.array(np.arange(n, dtype=np.int64)),
        "date": date.cast(pa.timestamp("us")),
        "actor": column("actor", pa.string()),
        "source": column("source", pa.string()),
        "url": column("url", pa.string()),
        "text": text,
        "count": pc.fill_null(count, 1) if count.null_count else count,
    })
    return table if pc.all(keep).as_py() else table.filter(keep)  # every row kept: no copy of the texts


def has_text(text: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    """Per text cell: whether the side table holds its row (something besides white space)."""
    return pc.greater(pc.fill_null(pc.utf8_length(pc.utf8_trim_whitespace(text)), 0), 0)


def create_texts(con: duckdb.DuckDBPyConnection, coded: pa.Table | None) -> int:
    """Create the engine's `texts` table from rows whose actor and source are the engine's codes.

    `coded` has the columns of text_rows, actor and source as int32 codes (or None: the table
    is created empty). Rows are stored in date order (zone maps skip the other dates), in an
    in-memory database of their own that DuckDB compresses (`ATTACH ':memory:' (COMPRESS)`, then a
    checkpoint: dictionary and FSST for the texts and urls, bit-packing for the numbers), which
    `texts` names as a view. They go in TEXT_BATCH rows at a time, each batch checkpointed (so
    compressed) before the next: the uncompressed copy DuckDB holds is one batch, not every
    text at once (10 million headlines: gigabytes). Returns the number of rows.

    An engine on a store file (dashboard/loading/on_disk.py, attached as `store`) that holds
    texts reads them there: `texts` is a view of the file's table, nothing is copied.
    """
    if store_has_texts(con):
        con.execute("CREATE VIEW texts AS SELECT * FROM store.texts")
        return int(con.execute("SELECT count(*) FROM texts").fetchall()[0][0])
    con.execute("ATTACH ':memory:' AS textdb (COMPRESS)")
    con.execute(
        "CREATE TABLE textdb.texts (row BIGINT, date TIMESTAMP, actor INTEGER, source INTEGER, url VARCHAR, "
        "text VARCHAR, count BIGINT, key UBIGINT)"
    )
    con.execute("CREATE VIEW texts AS SELECT * FROM textdb.texts")
    if coded is None or coded.num_rows == 0:
        return 0
    # By date, then by row (text_rows' rows are in row order): one sort of indices, no copy.
    order = None if date_sorted(coded) else pc.sort_indices(coded, [("date", "ascending"), ("row", "ascending")])
    for start in range(0, coded.num_rows, TEXT_BATCH):
        part = coded.slice(start, TEXT_BATCH) if order is None else coded.take(order.slice(start, TEXT_BATCH))
        con.register("texts_arrow", part)
        try:
            con.execute(
                f"""INSERT INTO textdb.texts
                    SELECT row, date, actor, source, url, text, count, hash({NORMALISED_SQL}) AS key FROM texts_arrow"""
            )
        finally:
            con.unregister("texts_arrow")
        del part
        con.execute("CHECKPOINT textdb")  # an in-memory database is compressed when it is checkpointed
    return int(con.execute("SELECT count(*) FROM texts").fetchall()[0][0])


def store_has_texts(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the connection has a store file attached (as `store`) with a `texts` table."""
    return bool(con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = 'store' AND table_name = 'texts'")
                .fetchall()[0][0])


def store_mentions_view(con: duckdb.DuckDBPyConnection) -> str:
    """The SQL of the engine's `mentions` view of a store file (attached as `store`): with the
    rows' positions as `rowid` when the file holds texts (the narrative filter joins by them)."""
    row = ", row AS rowid" if store_has_texts(con) else ""
    return f"CREATE VIEW mentions AS SELECT date, actor, source, tone, count{row} FROM store.mentions"


def text_groups(cur: duckdb.DuckDBPyConnection, where: str, params: list, lo: dt.datetime, hi: dt.datetime,
                limit: int, order: str = "copies") -> pd.DataFrame:
    """The distinct texts of [lo, hi) among the rows matching `where` (the engine's filter).

    One row per normalised text: `key`, `text` (its earliest wording), `source` (the source
    of that earliest copy, or None), `sources` (distinct sources carrying it), `copies` (the
    mentions it stands for: counts summed over distinct (date, source, url) — a text naming
    two actors is one copy, not two), `first` (its earliest date). `order`: "copies" (most
    copied first) or "sample" (by key: a deterministic, unbiased sample of distinct texts).
    """
    if order not in ("copies", "sample"):
        raise ValueError(f"order must be copies or sample, not {order!r}")
    joiner = " AND " if where else " WHERE "
    by = "copies DESC, sources DESC, first, key" if order == "copies" else "key"
    sql = f"""
        WITH w AS (
            SELECT key, date, source, url, any_value(text) AS text, max(count) AS count
            FROM texts{where}{joiner}date >= ? AND date < ?
            GROUP BY key, date, source, url
        )
        SELECT w.key, arg_min(w.text, (w.date, w.source)) AS text,
               arg_min(s.name, (w.date, w.source)) AS source,
               CAST(count(DISTINCT w.source) AS BIGINT) AS sources,
               CAST(sum(w.count) AS BIGINT) AS copies,
               min(w.date) AS first
        FROM w LEFT JOIN sources s ON s.id = w.source
        GROUP BY w.key ORDER BY {by} LIMIT {int(limit)}
    """
    return cur.execute(sql, params + [lo, hi]).df()


def text_total(cur: duckdb.DuckDBPyConnection, where: str, params: list, lo: dt.datetime, hi: dt.datetime) -> tuple[int, int]:
    """(text mentions, distinct normalised texts) of [lo, hi) among the matching rows; a text
    is one mention per date, source and url, whatever number of actors it names."""
    joiner = " AND " if where else " WHERE "
    row = cur.execute(
        f"SELECT count(DISTINCT (key, date, source, url)), count(DISTINCT key) FROM texts{where}{joiner}date >= ? AND date < ?",
        params + [lo, hi],
    ).fetchall()[0]
    return int(row[0]), int(row[1])


def text_evidence(cur: duckdb.DuckDBPyConnection, m_where: str, m_params: list, t_where: str, t_params: list,
                  trunc: str) -> pd.DataFrame:
    """Per bucket: who carried the attention, and how much of it was copies.

    Columns: date (bucket start), volume (mentions), sources (distinct sources), top_source,
    top_share (share of the bucket's mentions from its top source; NaN when no mention has a
    source), texts (text mentions), distinct_texts (distinct normalised texts), copy_share
    (1 − distinct/texts: the share of text mentions that repeat another of the bucket; NaN
    without texts). A text is one mention per date, source and url, whatever actors it names.
    """
    sql = f"""
        WITH bs AS (
            SELECT date_trunc('{trunc}', date) AS date, source, sum(count) AS n
            FROM mentions{m_where} GROUP BY ALL
        ),
        b AS (
            SELECT date, sum(n) AS volume, CAST(count(source) AS BIGINT) AS sources,
                   arg_max(source, (n, -source)) FILTER (WHERE source IS NOT NULL) AS top,
                   max(n) FILTER (WHERE source IS NOT NULL) AS top_n,
                   sum(n) FILTER (WHERE source IS NOT NULL) AS sourced
            FROM bs GROUP BY date
        ),
        t AS (
            SELECT date_trunc('{trunc}', date) AS date,
                   CAST(count(DISTINCT (key, date, source, url)) AS BIGINT) AS texts,
                   CAST(count(DISTINCT key) AS BIGINT) AS distinct_texts
            FROM texts{t_where} GROUP BY ALL
        )
        SELECT b.date, CAST(b.volume AS BIGINT) AS volume, b.sources, s.name AS top_source,
               CAST(b.top_n AS DOUBLE) / nullif(b.volume, 0) AS top_share,
               CAST(coalesce(t.texts, 0) AS BIGINT) AS texts,
               CAST(coalesce(t.distinct_texts, 0) AS BIGINT) AS distinct_texts,
               1.0 - CAST(t.distinct_texts AS DOUBLE) / nullif(t.texts, 0) AS copy_share
        FROM b LEFT JOIN t USING (date) LEFT JOIN sources s ON s.id = b.top
        ORDER BY b.date
    """
    return cur.execute(sql, m_params + t_params).df()


class TextQueries:
    """The text queries of the DuckDB engine (dashboard/query/duckdb_engine.py inherits them):
    they read its `texts` table with its own filter (`_where`) and cursors (`_cursor`)."""

    _con: duckdb.DuckDBPyConnection

    def _where(self, sel: Selection, table: str) -> tuple[str, list]:  # the engine's
        raise NotImplementedError

    def _cursor(self) -> duckdb.DuckDBPyConnection:  # the engine's
        raise NotImplementedError

    def create_texts(self, coded: pa.Table | None) -> int:
        self._narrative_rows: OrderedDict[str, str] = OrderedDict()
        self._narrative_lock = threading.Lock()
        return create_texts(self._con, coded)

    def narrative_where(self, sel: Selection, table: str) -> tuple[str, list]:
        """The selection's narrative filter on `table` ("mentions", "texts" or "events"), as
        SQL and its bound parameters. ValueError when the engine holds no text.

        The text rows a set of narratives matches are found once, by one regular expression
        over the `texts` table, and kept in a small table of row numbers (the last
        NARRATIVE_TABLES sets): an analysis asks the engine a dozen queries of one selection,
        and each then joins integers instead of matching every text again."""
        if not getattr(self, "has_text", False):
            raise ValueError(NO_TEXT)
        if table == "events":
            return table_clause(sel.narratives, table)
        rows = self._matched_rows(sel.narratives)
        if table == "mentions":
            return f"rowid IN (SELECT row FROM {rows})", []
        if table == "texts":
            return f"row IN (SELECT row FROM {rows})", []
        raise ValueError(f"no narrative filter for the table {table!r}")

    def _matched_rows(self, narratives) -> str:
        """The name of the table holding the text rows these narratives match (made once)."""
        pattern = selection_pattern(narratives)
        # The name is a digest of the pattern: never user text in SQL.
        name = "narrative_rows_" + hashlib.sha256(pattern.encode("utf-8", "surrogatepass")).hexdigest()[:20]
        with self._narrative_lock:
            if name in self._narrative_rows:
                self._narrative_rows.move_to_end(name)
                return name
            match, params = table_clause(narratives, "texts")
            cur = self._cursor()
            try:
                cur.execute(f"CREATE TABLE IF NOT EXISTS {name} AS SELECT row FROM texts WHERE {match} ORDER BY row", params)
                self._narrative_rows[name] = pattern
                while len(self._narrative_rows) > NARRATIVE_TABLES:
                    old, _ = self._narrative_rows.popitem(last=False)
                    cur.execute(f"DROP TABLE IF EXISTS {old}")
            finally:
                cur.close()
        return name

    def text_groups(self, sel: Selection, lo: dt.datetime, hi: dt.datetime, limit: int = 2_000,
                    order: str = "copies") -> pd.DataFrame:
        """The distinct texts of the selection's mentions in [lo, hi), at most `limit`
        (text_groups: key, text, source, sources, copies, first)."""
        where, params = self._where(replace(sel, start=None, end=None), "texts")
        cur = self._cursor()
        try:
            return text_groups(cur, where, params, lo, hi, limit, order)
        finally:
            cur.close()

    def text_total(self, sel: Selection, lo: dt.datetime, hi: dt.datetime) -> tuple[int, int]:
        """(text mentions, distinct texts) of the selection in [lo, hi)."""
        where, params = self._where(replace(sel, start=None, end=None), "texts")
        cur = self._cursor()
        try:
            return text_total(cur, where, params, lo, hi)
        finally:
            cur.close()

    def text_evidence(self, sel: Selection) -> pd.DataFrame:
        """Per bucket of the selection: distinct sources, the top source's share of the
        mentions, and the share of text mentions that are copies (text_evidence)."""
        where, params = self._where(sel, "mentions")
        t_where, t_params = self._where(sel, "texts")
        cur = self._cursor()
        try:
            return text_evidence(cur, where, params, t_where, t_params, sel.bucket)
        finally:
            cur.close()
