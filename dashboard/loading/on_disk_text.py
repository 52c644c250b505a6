"""The texts of a big Parquet mentions file, kept on disk beside its mentions (on_disk.py).

A mentions file with a `text` column (and a `url`) keeps its texts in the store file, in the
table the engine's text features read (dashboard/text/table.py: row, date, actor, source, url,
text, count, key), written by DuckDB SQL from the file: the texts never sit whole in Python or
Arrow. What it takes:

- the text rules (text_rules.py, column_sql.py) as a per-row SQL predicate: a text or url cell
  the rules could reject or change (a NUL byte, spaces around it, blank, a zero-width or
  Unicode space, a bidirectional control, not NFC) makes its row a suspect, decided by the full
  validator as every other suspect is; the other cells are loaded as they are. A cell blank to
  Arrow's `utf8_trim_whitespace` (which the side table's rule uses) is a suspect too, so the
  side table keeps exactly the rows text_rows keeps;
- `row`: each loaded row's position in the in-memory path's table (the file's order, rejected
  rows left out), kept in the store's mentions (the engine's `rowid`) and in its texts: the
  narrative filter joins the two by it;
- a text with no tone scored by VADER (score_missing_tone's rule), its texts read from DuckDB a
  batch at a time: only those rows' texts reach Python, never all of them.
"""

from __future__ import annotations

import pyarrow as pa

from dashboard.loading.raw import RECORD

TEXT_ONLY = ("text", "url")  # contract columns checked per row here (not per distinct value)
VADER_BATCH = 100_000  # texts without a tone read into Python and scored at a time

# Characters pyarrow's utf8_trim_whitespace removes that the text rules do not trim or flag
# (checked over every code point in tests/loading/test_on_disk_text.py).
_ARROW_BLANK = r"[\t-\r\x1c-\x20\x{85}\x{2028}\x{2029}]*"
# The rules' zero-width characters, Unicode spaces and bidirectional controls (text_rules._ODD).
_ODD = r"[\x{200B}-\x{200D}\x{2060}\x{FEFF}\x{A0}\x{1680}\x{2000}-\x{200A}\x{202F}\x{205F}\x{3000}\x{202A}-\x{202E}\x{2066}-\x{2069}]"


def text_suspect_sql(rc: str) -> str:
    """SQL, true when the text rules could reject or change the text cell rc (not null), or
    when it is blank: its row goes to the full validator."""
    # Spaces around it (what the rules trim): its first or last character, not a trim of every cell.
    spaced = " OR ".join(f"{end}({rc}, {c})" for end in ("starts_with", "ends_with") for c in ("' '", "chr(9)", "chr(10)", "chr(13)"))
    return (
        f"contains({rc}, chr(0)) OR {spaced} OR regexp_full_match({rc}, '{_ARROW_BLANK}') "
        f"OR (strlen({rc}) <> length({rc}) AND (regexp_matches({rc}, '{_ODD}') OR nfc_normalize({rc}) <> {rc}))"
    )


def score_missing_tones(con) -> int:
    """The view `loaded` from `screened`: the rows with a text and no tone get VADER's compound
    score, as score_missing_tone gives them in memory (the same rows, values and note). Their
    texts are read from DuckDB VADER_BATCH at a time, scored, and kept as (record, tone) in the
    table `vader`: only a batch of texts is ever in Python. Returns how many were scored."""
    from dashboard.tone.vader import vader_tone

    con.execute("CREATE TEMP TABLE vader (rec BIGINT, tone DOUBLE)")
    con.execute(f"CREATE TEMP TABLE unscored AS SELECT {RECORD} AS rec, text FROM screened "
                "WHERE tone IS NULL AND text IS NOT NULL AND strlen(text) > 0")
    after = 0
    while True:  # a batch at a time, by record
        batch = con.sql(f"SELECT rec, text FROM unscored WHERE rec > $after ORDER BY rec LIMIT {int(VADER_BATCH)}",
                        params={"after": after}).to_arrow_table()
        if not batch.num_rows:
            break
        after = batch.column("rec")[-1].as_py()
        scored = pa.table({"rec": batch.column("rec"), "tone": pa.array(vader_tone(batch.column("text").to_pylist()), pa.float64())})
        del batch
        con.register("scored", scored)
        try:
            con.execute("INSERT INTO vader SELECT rec, tone FROM scored")
        finally:
            con.unregister("scored")
    con.execute("DROP TABLE unscored")
    n = int(con.execute("SELECT count(*) FROM vader").fetchall()[0][0])
    if not n:
        con.execute("CREATE TEMP VIEW loaded AS SELECT * FROM screened")
        return 0
    con.execute(f"CREATE TEMP VIEW loaded AS SELECT s.* REPLACE (coalesce(s.tone, v.tone) AS tone) "
                f"FROM screened s LEFT JOIN vader v ON v.rec = s.{RECORD}")
    return n


def vader_note(n: int) -> str:
    """The load report's note on the tones VADER gave (score_missing_tone's words)."""
    return f"{n:,} mentions had text but no tone; tone was scored from the text with VADER (compound score, −1…+1)"


def keep_text(checked: pa.Table) -> pa.Table:
    """The validated suspects with `keep_text`: whether the side table holds the row (text_rows' rule)."""
    from dashboard.text.table import has_text

    return checked.append_column("keep_text", has_text(checked.column("text")))


def row_sql(con) -> str:
    """The view `numbered`: the loaded rows of the view `loaded` with `row`, their position in
    record order (the in-memory table's), from the few rejected records before each."""
    con.execute(f"CREATE TEMP TABLE rejected AS SELECT {RECORD} AS r, row_number() OVER (ORDER BY {RECORD}) AS k "
                f"FROM suspects WHERE {RECORD} NOT IN (SELECT {RECORD} FROM checked)")
    if not con.execute("SELECT count(*) FROM rejected").fetchall()[0][0]:
        return f"CREATE TEMP VIEW numbered AS SELECT *, {RECORD} - 1 AS row FROM loaded"
    return (f"CREATE TEMP VIEW numbered AS SELECT l.*, l.{RECORD} - 1 - coalesce(j.k, 0) AS row "
            f"FROM loaded l ASOF LEFT JOIN rejected j ON l.{RECORD} > j.r")


def write_texts(con, code) -> None:
    """The store's `texts` table from the view `numbered`, by date and row (code: the SQL
    of a name's integer code, as the mentions are coded)."""
    from dashboard.text.table import NORMALISED_SQL

    con.execute(
        f"""CREATE TABLE texts AS SELECT row, date, {code('actor', 'actor')} AS actor, {code('source', 'source')} AS source,
                   url, text, count, hash({NORMALISED_SQL}) AS key
            FROM numbered WHERE keep_text ORDER BY date, row"""
    )
