"""The local store: one SQLite database in the user's data folder, for everything the
dashboard keeps between sessions — notes and uploads now; saved views, monitors and alerts
as they come.

Pure (no Streamlit). The folder is BOILINGPOINT_HOME, else $XDG_DATA_HOME/boilingpoint, else
~/.local/share/boilingpoint — never the repository or the working directory. The database
runs in WAL mode (readers never wait for the one writer) and carries its schema version;
`migrations.py` lists the schema's ordered SQL steps, applied once each on open.
"""

from __future__ import annotations

from dashboard.store.db import DB_NAME, Store, data_home, open_store
from dashboard.store.notes import (
    Note,
    NoteError,
    add_note,
    delete_note,
    export_notes_csv,
    import_notes_csv,
    list_notes,
    notes_frame,
)
from dashboard.store.uploads import (
    KeptUpload,
    UploadError,
    UploadInfo,
    UploadLimits,
    UploadOptions,
    keep_upload,
    open_upload,
    parse_ref,
    purge_uploads,
    upload_id,
    upload_info,
)

__all__ = [
    "DB_NAME", "KeptUpload", "Note", "NoteError", "Store", "UploadError", "UploadInfo", "UploadLimits", "UploadOptions",
    "add_note", "data_home", "delete_note", "export_notes_csv", "import_notes_csv", "keep_upload", "list_notes",
    "notes_frame", "open_store", "open_upload", "parse_ref", "purge_uploads", "upload_id", "upload_info",
]
