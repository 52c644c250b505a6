"""Text-only mentions (headlines, posts): the actors come from an actor dictionary.

When a mentions file has a text column but no actor column, each text is searched for the
dictionary's aliases (case-insensitive, whole words, longest alias first; see
dashboard/loading/actors.py). A text naming several actors becomes one mention row per actor, each
counting as a mention of that actor. A text naming none is rejected (constraint-error, "names
none of the N actors of the dictionary") rather than filed under a made-up actor: the
report counts and lists them, and the timeline of an actor is never inflated by texts that
are not about anyone in the dictionary. Tone is scored afterwards from the text with VADER
(validate.score_missing_tone) where the file has none.
"""

from __future__ import annotations

import pyarrow as pa

from dashboard.loading.actors import ActorDictionary, find_actors
from dashboard.loading.formats.common import ACTOR_SEPARATOR, PIECE_ROWS, Converted, consume_pieces, piece_cells, plural
from dashboard.loading.load_report import Rejection
from dashboard.loading.raw import LINE, RECORD, RawTable, raw_column

_PIECE_ROWS = PIECE_ROWS  # rows searched at a time


def find_text_actors(converted: Converted, dictionary: ActorDictionary, text_label: str = "text") -> Converted:
    """Add an actor column holding the actors each text names; reject texts naming none."""
    raw = converted.raw
    position = raw.labels.index(text_label)
    shown = converted.sources.get(text_label, text_label)
    actors: list[pa.Array] = []
    kept: list[pa.Table] = []
    rejections = list(raw.rejections)
    empty = unmatched = 0
    # A piece of the rows at a time (its texts as Python strings); the raw table is consumed as
    # it goes, each piece's found rows kept as they are (or copied out of it when some are not).
    for _, _, piece in consume_pieces(raw, _PIECE_ROWS):
        texts = piece_cells(piece, position)
        records = piece.column(RECORD).to_pylist()
        lines = piece.column(LINE).to_pylist()
        found_here: list[str] = []
        keep: list[bool] = []
        for row, text in enumerate(texts):
            if not (text or "").strip():
                empty += 1
                rejections.append(Rejection(records[row], lines[row], shown, "", "constraint-error",
                                            "the text is empty, so no actor can be found in it"))
                keep.append(False)
                continue
            found = find_actors(text, dictionary)
            if not found:
                unmatched += 1
                rejections.append(Rejection(records[row], lines[row], shown, (text or "")[:200], "constraint-error",
                                            f"the text names none of the {len(dictionary):,} actors of the dictionary"))
                keep.append(False)
                continue
            found_here.append(ACTOR_SEPARATOR.join(found))
            keep.append(True)
        kept.append(piece if all(keep) else piece.filter(pa.array(keep, type=pa.bool_())))
        actors.append(pa.array(found_here, type=pa.string()))
        del piece, texts
    width = len(raw.labels)
    table = pa.concat_tables(kept) if kept else raw.table
    table = table.append_column(raw_column(width), pa.chunked_array(actors, type=pa.string()))
    labels = list(raw.labels) + ["actor"]
    notes = list(raw.notes)
    notes.append(
        f"actors found in {shown!r} with the actor dictionary ({len(dictionary):,} actors; whole words, any case)"
    )
    if unmatched:
        notes.append(f"{plural(unmatched, 'text')} named no actor of the dictionary: rejected (listed below)")
    if empty:
        notes.append(f"{plural(empty, 'row')} had an empty text: rejected")
    found_raw = RawTable(labels, table, raw.rows_read, raw.file_format, rejections, notes, unlisted=raw.unlisted)
    sources = dict(converted.sources)
    sources["actor"] = shown
    return Converted(found_raw, sources, explode_actors=True, what="texts")
