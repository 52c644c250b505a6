"""The store's schema as ordered SQL steps. Step k brings the database to version k; a
database at version n gets steps n+1.. on open, each in one transaction with its version.

Never edit a step that has shipped: add the next one.
"""

from __future__ import annotations

MIGRATIONS: tuple[str, ...] = (
    # 1: notes pinned to a date of a dataset, optionally to an actor.
    """
    CREATE TABLE notes (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        dataset TEXT NOT NULL,          -- the dataset's content key (Dataset.key)
        date TEXT NOT NULL,             -- ISO 8601, UTC, to the minute
        actor TEXT,                     -- NULL: the note is about the whole story
        text TEXT NOT NULL,
        author TEXT,
        created TEXT NOT NULL           -- ISO 8601, UTC
    );
    CREATE INDEX notes_by_dataset_date ON notes (dataset, date);
    """,
)
