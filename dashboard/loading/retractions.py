"""The retraction graph of an events file, checked: each `retracts` names the event it takes back.

Refused, each row with its reason (so that no chart or report says "retraction -2.0 hours
after the claim"):
- a self-retraction (an event whose `retracts` is its own id);
- a retraction dated before the event it retracts;
- retractions that form a cycle (a retracts b, b retracts a — possible only with equal dates).
A `retracts` naming an id that is not in the file is kept, and a note says so (the claim may be
in another file).
"""

from __future__ import annotations


def check_retractions(con) -> list[tuple]:
    """Problems (record, line, column, value, code, reason) for the `final` table's retractions;
    the rows are removed from `final`."""
    rows = con.execute(
        "SELECT r._record, r._line, r.id, r.retracts, r.date, c._record, c.date FROM final r "
        "LEFT JOIN final c ON c.id = r.retracts WHERE r.retracts IS NOT NULL"
    ).fetchall()
    if not rows:
        return []
    problems: dict[int, tuple] = {}
    edges: dict[str, str] = {}
    where: dict[str, tuple] = {}
    for record, line, id_, retracts, date, claim_record, claim_date in rows:
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
            cycle = " → ".join(repr(n) for n in [*path, start])
            record, line = where[start]
            problems[record] = (record, line, "retracts", edges[start], "constraint-error",
                                f"the retractions form a cycle ({cycle}): none of them can be the original claim")
    if problems:
        con.execute("CREATE TEMP TABLE _refused (r BIGINT)")
        con.executemany("INSERT INTO _refused VALUES (?)", [[r] for r in problems])
        con.execute("DELETE FROM final WHERE _record IN (SELECT r FROM _refused)")
    return sorted(problems.values())


def refused_note(refused: int) -> str:
    """The note on the retractions check_retractions refused."""
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
