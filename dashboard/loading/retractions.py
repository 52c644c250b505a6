"""The retraction graph of an events file, checked: each `retracts` names the event it takes back.

Refused, each row with its reason (so that no chart or report says "retraction -2.0 hours
after the claim"):
- a self-retraction (an event whose `retracts` is its own id);
- a retraction dated before the event it retracts;
- retractions that form a cycle (a retracts b, b retracts a — possible only with equal dates).
A `retracts` naming an id that is not in the file is kept, and a note says so (the claim may be
in another file).

The checks run in DuckDB, over the `final` table, with its memory cap: Python holds a few
counts, never a row a retraction. A self-retraction or a retraction dated before its claim is
refused first, and such a row is no edge of the graph. The rest is a functional graph (each
row retracts at most one other), whose cycles are found by pointer doubling: each row's
successor 2^k steps on (and the least record on the way) from its 2^(k-1)th, so that a chain of
millions of retractions takes some twenty joins, not millions of steps. A cycle's reason lists
its ids from the refused row round to it again (`'a' → 'b' → 'a'`) when it has at most
`LISTED_CYCLE` events; a longer one's lists the first five and its length
(`'a' → 'b' → 'c' → 'd' → 'e' → … (a cycle of 12 events)`).
"""

from __future__ import annotations

from duckdb.sqltypes import VARCHAR

LISTED_CYCLE = 10  # a cycle of at most so many events is listed whole in each of its reasons
_SHOWN = 5  # a longer one's first ids shown

# Python's repr of a str, for the ids most files have (printable ASCII without a quote or a
# backslash: 'id'); any other id goes through repr itself (a function of the connection)
_PLAIN_ID = "[ -&(-\\[\\]-~]*"
_REPR = "_retractions_repr"


def refuse_retractions(con) -> int:
    """Refuse the `final` table's bad retractions: their problems (record, line, col, value,
    code, reason — the columns of validate.py's problems table) written into the temporary
    table `retraction_problems`, their rows deleted from `final`. Returns how many."""
    con.execute(
        """CREATE OR REPLACE TEMP TABLE retraction_problems AS
        SELECT r._record AS record, r._line AS line, 'retracts' AS col, r.retracts AS value,
            'constraint-error' AS code,
            CASE WHEN r.retracts = r.id THEN 'an event cannot retract itself'
            ELSE 'the retraction is dated ' || strftime(r.date, '%Y-%m-%d %H:%M:%S')
                || ', before the event it retracts (row ' || c._record || ', '
                || strftime(c.date, '%Y-%m-%d %H:%M:%S') || ')' END AS reason
        FROM final r LEFT JOIN final c ON c.id = r.retracts
        WHERE r.retracts IS NOT NULL AND (r.retracts = r.id OR coalesce(r.date < c.date, false))"""
    )
    # The edges: the other retracting rows; of them, those whose claim is an edge too
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _retraction_edges AS
        SELECT _record AS x, _line AS line, id, retracts FROM final
        WHERE retracts IS NOT NULL AND _record NOT IN (SELECT record FROM retraction_problems)"""
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _retraction_next AS
        SELECT a.x, b.x AS s FROM _retraction_edges a JOIN _retraction_edges b ON b.id = a.retracts"""
    )
    try:
        _refuse_cycles(con)
    finally:
        con.execute("DROP TABLE IF EXISTS _retraction_edges")
        con.execute("DROP TABLE IF EXISTS _retraction_next")
        con.execute("DROP TABLE IF EXISTS _retraction_steps")
        con.execute("DROP TABLE IF EXISTS _retraction_cycles")
        con.execute("DROP TABLE IF EXISTS _retraction_walk")
    refused = int(con.execute("SELECT count(*) FROM retraction_problems").fetchall()[0][0])
    if refused:
        con.execute("DELETE FROM final WHERE _record IN (SELECT record FROM retraction_problems)")
    return refused


def _refuse_cycles(con) -> None:
    """The rows of `_retraction_next` (x, s: the record of x's claim, itself an edge) on a
    cycle, their problems added to `retraction_problems`."""
    size = int(con.execute("SELECT count(*) FROM _retraction_next").fetchall()[0][0])
    if not size:
        return
    # Steps: each x whose walk goes on 2^k steps, where it is then (s) and the least record on the
    # way (m, the first 2^k). After k steps with 2^k ≥ the number of rows whose walk never ends (as
    # when the table stops shrinking: every row's walk goes on), every walk left is on its cycle.
    con.execute("CREATE OR REPLACE TEMP TABLE _retraction_steps AS SELECT x, s, x AS m FROM _retraction_next")
    steps, limit = 1, size
    while steps < limit:
        con.execute(
            """CREATE OR REPLACE TEMP TABLE _retraction_steps AS
            SELECT a.x, b.s, least(a.m, b.m) AS m FROM _retraction_steps a JOIN _retraction_steps b ON b.x = a.s"""
        )
        steps *= 2
        left = int(con.execute("SELECT count(*) FROM _retraction_steps").fetchall()[0][0])
        if not left:
            return
        if left == size:  # closed: every walk goes on, through these rows only
            limit = min(limit, left)
        size = left
    # On a cycle: the rows where a walk sits after those steps; m is then the cycle's least record
    con.create_function(_REPR, repr, [VARCHAR], VARCHAR)
    try:
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE _retraction_cycles AS
            SELECT st.x, n.s, e.line, e.retracts,
                CASE WHEN regexp_full_match(e.id, '{_PLAIN_ID}') THEN '''' || e.id || '''' ELSE {_REPR}(e.id) END AS shown,
                count(*) OVER (PARTITION BY st.m) AS size
            FROM _retraction_steps st JOIN _retraction_next n ON n.x = st.x JOIN _retraction_edges e ON e.x = st.x
            WHERE st.x IN (SELECT s FROM _retraction_steps)"""
        )
    finally:
        con.remove_function(_REPR)
    # Each cycle row's ids, from it round the cycle: LISTED_CYCLE - 1 joins at most, whatever its size
    longest = con.execute("SELECT max(size) FROM _retraction_cycles").fetchall()[0][0]
    if longest is None:
        return
    con.execute("CREATE OR REPLACE TEMP TABLE _retraction_walk AS SELECT x, s AS at, shown AS path FROM _retraction_cycles")
    for step in range(1, min(longest, LISTED_CYCLE)):
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE _retraction_walk AS
            SELECT w.x, c.s AS at, w.path || CASE WHEN {step} < o.size AND (o.size <= {LISTED_CYCLE} OR {step} < {_SHOWN})
                THEN ' → ' || c.shown ELSE '' END AS path
            FROM _retraction_walk w JOIN _retraction_cycles c ON c.x = w.at JOIN _retraction_cycles o ON o.x = w.x"""
        )
    con.execute(
        f"""INSERT INTO retraction_problems
        SELECT c.x, c.line, 'retracts', c.retracts, 'constraint-error',
            'the retractions form a cycle (' || w.path || CASE WHEN c.size <= {LISTED_CYCLE} THEN ' → ' || c.shown
                ELSE ' → … (a cycle of ' || format('{{:,}}', c.size) || ' events)' END
            || '): none of them can be the original claim'
        FROM _retraction_cycles c JOIN _retraction_walk w ON w.x = c.x"""
    )


def refused_note(refused: int) -> str:
    """The note on the retractions refuse_retractions refused."""
    return (f"{refused:,} {'retraction was' if refused == 1 else 'retractions were'} refused "
            "(self-retraction, dated before its claim, or a cycle): listed below")


def dangling_note(con) -> str | None:
    """The note on the `final` table's retracts that name no id of it: the first five in the
    file's order (else any five); None when there are none."""
    dangling = con.execute(
        "SELECT retracts FROM final WHERE retracts IS NOT NULL AND retracts NOT IN (SELECT id FROM final) "
        "ORDER BY _record LIMIT 5"
    ).fetchall()
    if not dangling:
        return None
    return "retracts points at ids not in the file: " + ", ".join(repr(d[0]) for d in dangling)
