"""The known formats converted a piece of rows at a time (formats/acled.py) into a RowBuilder
that turns its rows into Arrow every FLUSH_ROWS rows: the same table and load report whatever
the sizes — on the real ACLED and GDELT files in ../shared and on a synthetic ACLED file with
rejections (a bad date, an unknown event type, bad fatalities, a cut-off record) in every piece."""

from __future__ import annotations

from pathlib import Path
from unittest.mock import patch

import pytest

from dashboard.loading import load_bytes
from dashboard.loading.formats.common import RowBuilder

EXTERNAL = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "external"
REAL = [
    EXTERNAL / "acled-2020-global-sample" / "acled.csv",
    EXTERNAL / "acled-2020-afghanistan-sample" / "ACLED.csv",
    EXTERNAL / "gdelt-v2-events-20180326" / "20180326044500.export.CSV",
]


def _synthetic_acled() -> bytes:
    head = "event_id_cnty,event_date,year,event_type,sub_event_type,actor1,actor2,admin1,location,country,notes,fatalities\n"
    rows = []
    for i in range(200):
        date = ["2021-03-04", "4 March 2021", "4-Mar-21", "2021-13-40"][i % 4]
        kind = "Riots" if i % 7 else "Parade"
        deaths = str(i % 5) if i % 11 else "-1"
        if i % 13 == 0:
            rows.append(f"X{i},{date},2021,{kind},Mob violence,A{i % 9},,,,,,\n")  # cut off
        else:
            rows.append(f"X{i},{date},2021,{kind},Mob violence,A{i % 9},B,R,L{i % 3},C,n,{deaths}\n")
    return (head + "".join(rows)).encode()


def _load(data: bytes, piece: int, flush: int):
    with patch("dashboard.loading.formats.acled._PIECE_ROWS", piece), patch.object(RowBuilder, "FLUSH_ROWS", flush):
        result = load_bytes(data, "events")
    return result.table, result.report


@pytest.mark.parametrize("data", [_synthetic_acled(), *[p for p in REAL]], ids=["synthetic ACLED", *[p.parent.name for p in REAL]])
def test_a_known_format_converted_in_pieces_is_converted_as_a_whole(data):
    if isinstance(data, Path):
        if not data.exists():
            pytest.skip(f"{data} is not here")
        data = data.read_bytes()
    whole_table, whole = _load(data, 10**9, 10**9)
    assert whole.loaded > 0
    # Tiny pieces on the small synthetic file; on the real files (thousands of rows) pieces
    # that still cut them into dozens (a batch a row there would take minutes).
    sizes = ((1, 1), (3, 7), (64, 5)) if whole.rows_read < 1000 else ((97, 211), (1000, 333))
    for piece, flush in sizes:
        table, report = _load(data, piece, flush)
        assert table.equals(whole_table), (piece, flush)
        assert (report.rows_read, report.loaded, report.rejected) == (whole.rows_read, whole.loaded, whole.rejected)
        assert report.rejections == whole.rejections
        assert report.notes == whole.notes
