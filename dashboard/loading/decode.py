"""Bytes to text: decide what a file is from its content, never from its name.

Compressed files (gzip, a zip with one member) are opened within the uncompressed-size
cap; binary files and archives we cannot read get one clear file-level message.
"""

from __future__ import annotations

import gzip
import io
import re
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
    if not data or data.isspace():  # (isspace stops at the first other byte; strip would copy the file)
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
    if container and (not data or data.isspace()):  # (not data.strip(): that copies the whole content)
        raise LoadError("format-error", f"the {container} archive holds an empty file")
    for signature, what in _BINARY_SIGNATURES:
        if data.startswith(signature):
            raise LoadError("format-error", f"the file is {what}, not a table")
    return Decoded(data=data, notes=notes, container=container)


def _gunzip(data: bytes, limits: LoadLimits) -> bytes:
    """The uncompressed content of a gzip file (every member), refused past the uncompressed
    cap as soon as it is reached.

    Arrow inflates straight into the one bytes object returned (Python's GzipFile and zlib
    gather blocks and join them at the end, which held the content twice: 236 MB of text
    peaked near 500 MB). What Arrow refuses (zero padding after the last member, damage) is
    read again by _gunzip_python, whose messages say what is wrong."""
    import pyarrow as pa

    cap = limits.max_uncompressed_bytes
    try:
        out = pa.CompressedInputStream(pa.BufferReader(data), "gzip").read(cap + 1)
    except (OSError, pa.ArrowException):
        return _gunzip_python(data, limits)
    if len(out) > cap:
        raise LoadError("size-error", f"the gzip file expands past {cap:,} bytes")
    return out


def _gunzip_python(data: bytes, limits: LoadLimits) -> bytes:
    """_gunzip with Python's zlib: every member, zero padding after them allowed (as GzipFile)."""
    import zlib

    cap = limits.max_uncompressed_bytes
    parts: list[bytes] = []
    size = 0
    rest = data
    try:
        while True:
            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            part = inflater.decompress(rest, cap + 1 - size)
            size += len(part)
            parts.append(part)
            if size > cap:
                raise LoadError("size-error", f"the gzip file expands past {cap:,} bytes")
            if not inflater.eof:  # (output stopped by the cap was refused above: the input ended early)
                raise EOFError("Compressed file ended before the end-of-stream marker was reached")
            rest = inflater.unused_data.lstrip(b"\x00")  # members may follow; zero padding is allowed
            if not rest:
                break
            if rest[:2] != b"\x1f\x8b":
                raise OSError(f"Not a gzipped file ({rest[:2]!r})")
    except zlib.error as exc:
        raise LoadError("format-error", f"the gzip data is damaged ({exc})") from None
    except (OSError, EOFError) as exc:
        raise LoadError("format-error", f"the gzip data is damaged ({exc})") from None
    return parts[0] if len(parts) == 1 else b"".join(parts)


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


def head_bytes(data: bytes, limits: LoadLimits, size: int = 256 * 1024) -> bytes:
    """The first `size` bytes of a file's content, decompressing only as far as that.

    For a quick look at the header (the upload step's column mapping): a decompression bomb
    costs `size` bytes here, not its expanded size. Raises LoadError as unwrap does.
    """
    if len(data) > limits.max_bytes:
        raise LoadError("size-error", f"the file is {len(data):,} bytes; the limit is {limits.max_bytes:,} bytes")
    if data[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as fh:
                return fh.read(size)
        except (OSError, EOFError) as exc:
            raise LoadError("format-error", f"the gzip data is damaged ({exc})") from None
    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            members = [m for m in archive.infolist() if not m.is_dir()]
            if len(members) != 1:
                return b""
            with archive.open(members[0]) as fh:
                return fh.read(size)
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError):
            return b""
    return data[:size]


_ESCAPED = re.compile("[\udc80-\udcff]")


def decode_text(data: bytes, encoding: str = "auto") -> tuple[str, str, list[str]]:
    """Decode bytes to text; return (text, encoding used, notes).

    "auto" accepts UTF-8 (BOM removed) and UTF-16 with a BOM. A file that is not all UTF-8
    is decided line by line: a line that is valid UTF-8 is read as UTF-8, never altered; a
    line that is not is read as Windows-1252 — and the note names those lines. A line that is
    neither is an encoding error. NUL bytes outside UTF-16 are left in place for the row
    checks to report.
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
        first_byte = exc.start
    # A piece of the file at a time (pieces end after a LF: no line, no CRLF and no UTF-8
    # character is split), so that the whole file is never held as text with surrogates too
    # (two bytes a character). A piece that is UTF-8 is decoded as it is; in one that is not,
    # invalid bytes become lone surrogates (U+DC80-U+DCFF) and only the lines holding one are
    # read again, from their bytes, as cp1252.
    parts: list[str] = []
    legacy: list[int] = []
    line = 1
    lo = 0
    while lo < len(data):
        cut = data.find(b"\n", lo + _PIECE_BYTES)
        hi = len(data) if cut < 0 else cut + 1
        piece = data[lo:hi]
        try:
            parts.append(piece.decode("utf-8"))
            line += _line_ends(piece, 0, len(piece))
        except UnicodeDecodeError:
            line = _mixed_piece(piece.decode("utf-8", errors="surrogateescape"), line, first_byte, parts, legacy)
        lo = hi
    shown = ", ".join(f"{n:,}" for n in legacy[:10]) + (f" and {len(legacy) - 10:,} more" if len(legacy) > 10 else "")
    notes.append(
        f"the file is not UTF-8 at line {legacy[0]:,}, byte {first_byte + 1:,}: "
        f"{len(legacy):,} line{'s' if len(legacy) > 1 else ''} ({shown}) decoded as Windows-1252 (cp1252), "
        "every other line as UTF-8"
    )
    lines = _line_ends(data, 0, len(data)) + (0 if data.endswith((b"\n", b"\r")) else 1)
    return "".join(parts), "utf-8 and cp1252" if len(legacy) < lines else "cp1252", notes


_PIECE_BYTES = 4 * 1024 * 1024  # decode_text's pieces of a file that is not all UTF-8


def _mixed_piece(text: str, line: int, first_byte: int, parts: list[str], legacy: list[int]) -> int:
    """decode_text's reading of one piece holding lone surrogates: its text appended to parts,
    the numbers of its lines read as cp1252 to legacy; returns the line number after it."""
    pos = 0
    for match in _ESCAPED.finditer(text):
        if match.start() < pos:
            continue  # on a line already read as cp1252
        start = max(text.rfind("\n", pos, match.start()), text.rfind("\r", pos, match.start())) + 1
        # The line's end: its LF, or a CR before it (looked for up to the LF only: searching the
        # whole rest for a CR on every such line took time quadratic in the file).
        newline = text.find("\n", match.end())
        limit = newline if newline >= 0 else len(text)
        cr = text.find("\r", match.end(), limit)
        end = cr if cr >= 0 else limit
        line += _line_ends(text, pos, start)
        parts.append(text[pos:start])
        try:
            parts.append(text[start:end].encode("utf-8", errors="surrogateescape").decode("cp1252"))
        except UnicodeDecodeError as bad:
            raise LoadError(
                "encoding-error",
                f"the file is not UTF-8 at line {line:,}, byte {first_byte + 1:,}, and that line is not "
                f"Windows-1252 either (its byte {bad.start + 1:,}); save the file as UTF-8",
            ) from None
        legacy.append(line)
        pos = end
    parts.append(text[pos:])
    return line + _line_ends(text, pos, len(text))


def _line_ends(text, start: int, end: int) -> int:
    """Line ends (CR, LF or CRLF, as the parser counts them) in text[start:end] (str or bytes)."""
    if isinstance(text, bytes):
        return text.count(b"\n", start, end) + text.count(b"\r", start, end) - text.count(b"\r\n", start, end)
    return text.count("\n", start, end) + text.count("\r", start, end) - text.count("\r\n", start, end)
