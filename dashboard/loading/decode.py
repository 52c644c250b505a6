"""Bytes to text: decide what a file is from its content, never from its name.

Compressed files (gzip, a zip with one member) are opened within the uncompressed-size
cap; binary files and archives we cannot read get one clear file-level message.
"""

from __future__ import annotations

import gzip
import io
import zipfile
from dataclasses import dataclass, field

from dashboard.loading.load_report import LoadError, LoadLimits

PARQUET_MAGIC = b"PAR1"
_BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x7fELF", "an ELF executable"),
    (b"MZ", "a Windows executable"),
    (b"\xcf\xfa\xed\xfe", "a Mach-O executable"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"SQLite format 3", "an SQLite database"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ", "an xz archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"\x28\xb5\x2f\xfd", "a zstd archive"),
    (b"ARROW1", "an Arrow IPC file"),
)


@dataclass
class Decoded:
    """A file's bytes after decompression: either parquet bytes or text."""

    data: bytes
    notes: list[str] = field(default_factory=list)
    container: str = ""  # "gzip", "zip" or ""


def unwrap(data: bytes, limits: LoadLimits) -> Decoded:
    """Check size, open gzip/zip (one level, capped), reject known binary formats."""
    if len(data) > limits.max_bytes:
        raise LoadError(
            "size-error",
            f"the file is {len(data):,} bytes; the limit is {limits.max_bytes:,} bytes",
        )
    if not data.strip():
        raise LoadError("format-error", "the file is empty")
    notes: list[str] = []
    container = ""
    if data[:2] == b"\x1f\x8b":
        data = _gunzip(data, limits)
        container = "gzip"
        notes.append("the file was gzip-compressed; read its uncompressed content")
    elif data[:4] == b"PK\x03\x04" or data[:4] == b"PK\x05\x06":
        data, member = _unzip(data, limits)
        container = "zip"
        notes.append(f"the file was a zip archive; read its one member {member!r}")
    if container and (data[:2] == b"\x1f\x8b" or data[:4] == b"PK\x03\x04"):
        raise LoadError("format-error", f"the {container} file holds another archive; unpack it first")
    if container and not data.strip():
        raise LoadError("format-error", f"the {container} archive holds an empty file")
    for signature, what in _BINARY_SIGNATURES:
        if data.startswith(signature):
            raise LoadError("format-error", f"the file is {what}, not a table")
    return Decoded(data=data, notes=notes, container=container)


def _gunzip(data: bytes, limits: LoadLimits) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as fh:
            out = fh.read(limits.max_uncompressed_bytes + 1)
    except (OSError, EOFError) as exc:
        raise LoadError("format-error", f"the gzip data is damaged ({exc})") from None
    if len(out) > limits.max_uncompressed_bytes:
        raise LoadError(
            "size-error",
            f"the gzip file expands past {limits.max_uncompressed_bytes:,} bytes",
        )
    return out


def _unzip(data: bytes, limits: LoadLimits) -> tuple[bytes, str]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise LoadError("format-error", f"the zip archive is damaged ({exc})") from None
    members = [m for m in archive.infolist() if not m.is_dir()]
    if len(members) != 1:
        names = ", ".join(repr(m.filename) for m in members[:5]) or "none"
        raise LoadError(
            "format-error",
            f"the zip archive holds {len(members)} files ({names}); it must hold exactly one",
        )
    member = members[0]
    if member.file_size > limits.max_uncompressed_bytes:
        raise LoadError(
            "size-error",
            f"the zip member expands to {member.file_size:,} bytes; "
            f"the limit is {limits.max_uncompressed_bytes:,}",
        )
    try:
        with archive.open(member) as fh:
            out = fh.read(limits.max_uncompressed_bytes + 1)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
        raise LoadError("format-error", f"the zip member cannot be read ({exc})") from None
    if len(out) > limits.max_uncompressed_bytes:
        raise LoadError("size-error", f"the zip member expands past {limits.max_uncompressed_bytes:,} bytes")
    return out, member.filename


def is_parquet(data: bytes) -> bool:
    return data[:4] == PARQUET_MAGIC


def decode_text(data: bytes, encoding: str = "auto") -> tuple[str, str, list[str]]:
    """Decode bytes to text; return (text, encoding used, notes).

    "auto" accepts UTF-8 (BOM removed), UTF-16 with a BOM, and otherwise Windows-1252 —
    saying so, with the first line and byte that were not UTF-8. NUL bytes outside UTF-16
    are left in place for the row checks to report.
    """
    notes: list[str] = []
    if encoding != "auto":
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise LoadError("encoding-error", f"the file cannot be decoded as {encoding}: {exc}") from None
        return text.removeprefix("\ufeff"), encoding, notes
    if data.startswith(b"\xef\xbb\xbf"):
        notes.append("a UTF-8 byte-order mark was removed")
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise LoadError("encoding-error", f"the file starts like UTF-16 but is not: {exc}") from None
        notes.append("decoded as UTF-16 (byte-order mark)")
        return text.removeprefix("\ufeff"), "utf-16", notes
    try:
        return data.decode("utf-8"), "utf-8", notes
    except UnicodeDecodeError as exc:
        # Lines end at CR, LF or CRLF, as the parser counts them.
        head = data[: exc.start]
        line = head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n") + 1
        where = f"not UTF-8 at line {line}, byte {exc.start + 1:,}"
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise LoadError(
            "encoding-error",
            f"the file is {where}, and not Windows-1252 either; save it as UTF-8",
        ) from None
    notes.append(f"the file is {where}: decoded as Windows-1252 (cp1252)")
    return text, "cp1252", notes
