"""The retraction graph checked in DuckDB (retractions.py): the same refusals and reasons as a
walk of the graph in Python (the check as it was, kept here as the reference), with a number of
SQL statements that does not grow with a chain's length (issue 14)."""

from __future__ import annotations

import datetime as dt
import random

import duckdb
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.loading.retractions import LISTED_CYCLE, refuse_retractions

DAY = dt.datetime(2024, 1, 1)


def _final(rows: list[tuple]) -> duckdb.DuckDBPyConnection:
    """A connection with a `final` table of (record, id, retracts, date) rows (line = record + 1)."""
    con = duckdb.connect(":memory:")
    table = pa.table({"_record": pa.array([r[0] for r in rows], pa.int64()),
                      "_line": pa.array([r[0] + 1 for r in rows], pa.int64()),
                      "id": pa.array([r[1] for r in rows], pa.string()), "retracts": pa.array([r[2] for r in rows], pa.string()),
                      "date": pa.array([r[3] for r in rows], pa.timestamp("us"))})
    con.register("rows", table)
    con.execute("CREATE TEMP TABLE final AS SELECT * FROM rows")
    con.unregister("rows")
    return con


def reference(rows: list[tuple]) -> list[tuple]:
    """The check as a Python walk (retractions.py before issue 14's bound), over (record, id, retracts, date)."""
    by_id = {i: (r, d) for r, i, _, d in rows}
    problems: dict[int, tuple] = {}
    edges: dict[str, str] = {}
    where: dict[str, tuple] = {}
    for record, id_, retracts, date in rows:
        if retracts is None:
            continue
        line = record + 1
        claim_record, claim_date = by_id.get(retracts, (None, None))
        if retracts == id_:
            problems[record] = (record, line, "retracts", retracts, "constraint-error", "an event cannot retract itself")
        elif claim_date is not None and date < claim_date:
            problems[record] = (record, line, "retracts", retracts, "constraint-error",
                                f"the retraction is dated {date:%Y-%m-%d %H:%M:%S}, before the event it retracts "
                                f"(row {claim_record}, {claim_date:%Y-%m-%d %H:%M:%S})")
        else:
            edges[id_] = retracts
            where[id_] = (record, line)
    for start in list(edges):
        path, node = [start], edges.get(start)
        while node is not None and node in edges and node not in path and len(path) <= len(edges):
            path.append(node)
            node = edges[node]
        if node == start:
            if len(path) <= LISTED_CYCLE:
                cycle = " → ".join(repr(n) for n in [*path, start])
            else:  # a long cycle, as retractions.py abbreviates it
                cycle = " → ".join(repr(n) for n in path[:5]) + f" → … (a cycle of {len(path):,} events)"
            record, line = where[start]
            problems[record] = (record, line, "retracts", edges[start], "constraint-error",
                                f"the retractions form a cycle ({cycle}): none of them can be the original claim")
    return sorted(problems.values())


def check_retractions(con) -> list[tuple]:
    """refuse_retractions, then its problems in the order of their records."""
    if not refuse_retractions(con):
        return []
    return con.execute("SELECT * FROM retraction_problems ORDER BY record").fetchall()


def _check(rows: list[tuple]) -> list[tuple]:
    """check_retractions over the rows, asserting that exactly the refused rows left `final`."""
    con = _final(rows)
    got = check_retractions(con)
    left = {r[0] for r in con.execute("SELECT _record FROM final").fetchall()}
    assert left == {r[0] for r in rows} - {p[0] for p in got}
    return got


def _cycle_reason(ids: list[str]) -> str:
    return f"the retractions form a cycle ({' → '.join(repr(i) for i in [*ids, ids[0]])}): none of them can be the original claim"


def test_a_two_cycle_a_self_retraction_and_a_retraction_before_its_claim():
    rows = [(1, "a", "b", DAY), (2, "b", "a", DAY), (3, "c", "c", DAY), (4, "d", None, DAY + dt.timedelta(days=2)),
            (5, "e", "d", DAY + dt.timedelta(hours=1)), (6, "f", "d", DAY + dt.timedelta(days=3))]
    assert _check(rows) == [
        (1, 2, "retracts", "b", "constraint-error", _cycle_reason(["a", "b"])),
        (2, 3, "retracts", "a", "constraint-error", _cycle_reason(["b", "a"])),
        (3, 4, "retracts", "c", "constraint-error", "an event cannot retract itself"),
        (5, 6, "retracts", "d", "constraint-error", "the retraction is dated 2024-01-01 01:00:00, before the event "
                                                    "it retracts (row 4, 2024-01-03 00:00:00)"),
    ] == reference(rows)


class _Counting:
    """A connection that counts the statements run through it."""

    def __init__(self, con):
        self.con, self.statements = con, 0

    def execute(self, *args):
        self.statements += 1
        return self.con.execute(*args)

    def __getattr__(self, name):
        return getattr(self.con, name)


def test_a_long_equal_date_chain_ending_in_a_cycle_takes_few_statements():
    # 200,000 rows, each retracting the next, all on one day; the last three a cycle. A walk of
    # the chain one step a statement would take 200,000 statements; pointer doubling ~18.
    n = 200_000
    rows = [(i, f"e{i}", f"e{i + 1}", DAY) for i in range(1, n - 2)]
    rows += [(n - 2, f"e{n - 2}", f"e{n - 1}", DAY), (n - 1, f"e{n - 1}", f"e{n}", DAY), (n, f"e{n}", f"e{n - 2}", DAY)]
    con = _Counting(_final(rows))
    assert refuse_retractions(con) == 3
    assert con.statements < 60
    got = con.execute("SELECT * FROM retraction_problems ORDER BY record").fetchall()
    assert [p[0] for p in got] == [n - 2, n - 1, n]
    assert got[0][5] == _cycle_reason([f"e{n - 2}", f"e{n - 1}", f"e{n}"])
    assert con.execute("SELECT count(*) FROM final").fetchall()[0][0] == n - 3  # the chain kept: its tail is no cycle


def test_several_disjoint_cycles_and_a_long_one_abbreviated():
    rows, record = [], 0
    for size in (2, 3, LISTED_CYCLE, LISTED_CYCLE + 1, 40):
        ids = [f"c{size}_{k}" for k in range(size)]
        for k in range(size):
            record += 1
            rows.append((record, ids[k], ids[(k + 1) % size], DAY))
    got = _check(rows)
    assert got == reference(rows)
    assert len(got) == len(rows)  # every row of every cycle
    long = [p for p in got if p[3].startswith("c40_")]
    assert long[0][5] == ("the retractions form a cycle ('c40_0' → 'c40_1' → 'c40_2' → 'c40_3' → 'c40_4' → … "
                          "(a cycle of 40 events)): none of them can be the original claim")
    listed = [p for p in got if p[3].startswith(f"c{LISTED_CYCLE}_")]
    assert listed[0][5] == _cycle_reason([f"c{LISTED_CYCLE}_{k}" for k in range(LISTED_CYCLE)])


def test_tails_into_a_cycle_are_not_refused():
    rows = [(1, "a", "b", DAY), (2, "b", "c", DAY), (3, "c", "a", DAY)]  # the cycle
    rows += [(4, "t1", "a", DAY), (5, "t2", "t1", DAY), (6, "t3", "t2", DAY + dt.timedelta(days=1)), (7, "u", "c", DAY)]
    got = _check(rows)
    assert [p[0] for p in got] == [1, 2, 3] and got == reference(rows)


def test_self_retractions_and_cycles_mixed():
    # b retracts itself: refused as such, so no edge, and a → b is then no cycle; c ⇄ d is one;
    # e retracts a row refused for its date, which is then no edge either.
    rows = [(1, "a", "b", DAY), (2, "b", "b", DAY), (3, "c", "d", DAY), (4, "d", "c", DAY), (5, "x", None, DAY),
            (6, "y", "x", DAY - dt.timedelta(days=1)), (7, "e", "y", DAY), (8, "y2", "e", DAY)]
    got = _check(rows)
    assert [(p[0], p[5].split(" (")[0]) for p in got] == [
        (2, "an event cannot retract itself"), (3, "the retractions form a cycle"), (4, "the retractions form a cycle"),
        (6, "the retraction is dated 2023-12-31 00:00:00, before the event it retracts")]
    assert got == reference(rows)


def test_retractions_across_the_whole_id_space():
    # Every row retracts another (a random permutation of 3,000 ids, one day): every row is on a cycle.
    rng = random.Random(14)
    ids = [f"id{i:04x}" for i in range(3000)]
    order = ids[:]
    rng.shuffle(order)
    successor = dict(zip(order, order[1:] + order[:1]))
    perm = list(range(3000))
    rng.shuffle(perm)
    cycles: dict[str, str] = {}  # several cycles: cut the big one into pieces of random sizes
    at = 0
    while at < len(order):
        size = rng.choice([2, 3, 7, 50, 400])
        piece = order[at:at + size]
        cycles.update(zip(piece, piece[1:] + piece[:1]))
        at += size
    assert len(successor) == len(cycles)
    rows = [(r + 1, ids[p], cycles[ids[p]], DAY) for r, p in enumerate(perm)]
    got = _check(rows)
    assert len(got) == len(rows) and got == reference(rows)


def test_ids_shown_as_python_shows_them():
    odd = ["it's", 'say "hi"', "back\\slash", "tab\there", "Société", "zero\u200bwidth"]
    rows = [(k + 1, odd[k], odd[(k + 1) % len(odd)], DAY) for k in range(len(odd))]
    assert _check(rows) == reference(rows)


def test_nothing_to_refuse_leaves_an_empty_table():
    con = _final([(1, "a", None, DAY), (2, "b", "a", DAY), (3, "c", "gone", DAY)])
    assert refuse_retractions(con) == 0
    assert con.execute("SELECT count(*) FROM retraction_problems").fetchall()[0][0] == 0
    assert con.execute("SELECT count(*) FROM final").fetchall()[0][0] == 3
    assert check_retractions(con) == []


_IDS = ["a", "b", "c", "d", "e", "f", "g", "h", "it's", "é", "x\\y"]


@st.composite
def _graphs(draw):
    """Random retraction graphs: up to 14 rows, ids from a small pool (some retracting ids not in
    the file or their own), on one of three days."""
    ids = draw(st.lists(st.sampled_from(_IDS + [f"n{k}" for k in range(6)]), min_size=1, max_size=14, unique=True))
    records = draw(st.permutations(range(1, len(ids) + 1)))
    rows = []
    for record, id_ in zip(records, ids):
        retracts = draw(st.one_of(st.none(), st.sampled_from(ids), st.sampled_from(["gone", "a"])))
        rows.append((record, id_, retracts, DAY + dt.timedelta(days=draw(st.integers(0, 2)))))
    if draw(st.booleans()):  # most graphs on one day: cycles are possible only there
        rows = [(r, i, t, DAY) for r, i, t, _ in rows]
    return rows


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_graphs())
def test_the_sql_check_equals_the_python_walk_on_random_graphs(rows):
    assert _check(rows) == reference(rows)


@pytest.mark.parametrize("size", [LISTED_CYCLE + 1, 1000])
def test_a_long_random_functional_graph_equals_the_walk(size):
    rng = random.Random(size)
    rows = [(i + 1, f"v{i}", f"v{rng.randrange(size + 5)}" if rng.random() < 0.95 else None, DAY) for i in range(size)]
    assert _check(rows) == reference(rows)
