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
    # 2: uploads kept so that a link naming one reopens it (store/uploads.py). A file's bytes
    # are kept once, under their SHA-256, in chunks (one BLOB stays far below SQLite's 1 GB
    # cap); an upload names its files and the options they are read with.
    """
    CREATE TABLE upload_files (
        digest TEXT PRIMARY KEY,        -- SHA-256 of the bytes, hex
        size INTEGER NOT NULL
    );
    CREATE TABLE upload_chunks (
        digest TEXT NOT NULL REFERENCES upload_files (digest) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        data BLOB NOT NULL,
        PRIMARY KEY (digest, seq)
    );
    CREATE TABLE uploads (
        id TEXT PRIMARY KEY,            -- first 16 hex of the SHA-256 of `manifest`
        manifest TEXT NOT NULL,         -- JSON: the files' digests and the import options
        events TEXT REFERENCES upload_files (digest),
        mentions TEXT REFERENCES upload_files (digest),
        dictionary TEXT REFERENCES upload_files (digest),
        events_name TEXT,
        mentions_name TEXT,
        size INTEGER NOT NULL,          -- bytes of its distinct files
        created TEXT NOT NULL,          -- ISO 8601, UTC
        last_used TEXT NOT NULL         -- ISO 8601, UTC: kept MAX_UPLOAD_DAYS after this
    );
    CREATE INDEX uploads_by_last_used ON uploads (last_used);
    """,
    # 3: people's tone labels (store/labels.py): one label per distinct text of a dataset,
    # taught in the labelling view, whose Fit learns a tone model from them (and exports them
    # as a labels file for `boilingpoint tone fit`).
    """
    CREATE TABLE tone_labels (
        dataset TEXT NOT NULL,          -- the dataset's content key (Dataset.key)
        key TEXT NOT NULL,              -- SHA-256 of the text, hex
        text TEXT NOT NULL,
        label TEXT NOT NULL CHECK (label IN ('negative', 'neutral', 'positive')),
        updated TEXT NOT NULL,          -- ISO 8601, UTC
        PRIMARY KEY (dataset, key)
    );
    """,
    # 4: monitors (dashboard/monitor): their definitions, the files each watches (so that an
    # unchanged file is never read again, also after a restart), one alert per episode, and
    # the outbox of deliveries (retried with back-off until delivered).
    """
    CREATE TABLE monitors (
        name TEXT PRIMARY KEY,
        spec TEXT NOT NULL,             -- the YAML as written
        definition TEXT NOT NULL,       -- the checked definition, JSON
        last_bucket TEXT,               -- ISO 8601: the latest bucket the watcher scored
        updated TEXT NOT NULL
    );
    CREATE TABLE monitor_files (
        monitor TEXT NOT NULL,
        path TEXT NOT NULL,
        kind TEXT NOT NULL,             -- events or mentions
        size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL,
        digest TEXT,                    -- SHA-256 of the bytes last loaded
        state TEXT NOT NULL,            -- settling, loaded, unusable, gone
        rows_read INTEGER, loaded INTEGER, rejected INTEGER,
        message TEXT,
        checked TEXT NOT NULL,
        PRIMARY KEY (monitor, path)
    );
    CREATE TABLE alerts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        monitor TEXT NOT NULL,
        episode_key TEXT NOT NULL,      -- rule and onset bucket (docs/monitors.md)
        rule TEXT NOT NULL,
        stage TEXT NOT NULL,
        explanation TEXT NOT NULL,
        window_start TEXT NOT NULL,     -- the episode's first bucket, ISO 8601 UTC
        window_end TEXT NOT NULL,       -- its latest bucket seen so far
        link TEXT NOT NULL,
        created TEXT NOT NULL,
        acknowledged TEXT,
        snoozed_until TEXT,
        UNIQUE (monitor, episode_key)
    );
    CREATE INDEX alerts_by_created ON alerts (created);
    CREATE TABLE deliveries (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        alert INTEGER NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
        channel TEXT NOT NULL,          -- webhook, email, log
        target TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        next_try TEXT NOT NULL,
        delivered_at TEXT,
        created TEXT NOT NULL,
        UNIQUE (alert, channel, target)
    );
    CREATE INDEX deliveries_pending ON deliveries (delivered_at, next_try);
    """,
    # 5: narratives of a dataset (store/narratives.py): a name and the keywords that define
    # it, found (NMF's top terms) or written by a user; renamed, merged and deleted in place.
    """
    CREATE TABLE narratives (
        dataset TEXT NOT NULL,          -- the dataset's content key (Dataset.key)
        name TEXT NOT NULL,
        keywords TEXT NOT NULL,         -- JSON list of keywords and phrases, lower case
        origin TEXT NOT NULL CHECK (origin IN ('found', 'defined', 'merged')),
        updated TEXT NOT NULL,          -- ISO 8601, UTC
        PRIMARY KEY (dataset, name)
    );
    """,
)
