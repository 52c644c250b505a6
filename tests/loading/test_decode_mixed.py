"""decode_text on a file that is UTF-8 but for some Windows-1252 lines: each line that is not
UTF-8 is read again as cp1252, every other line kept as it is — whatever its line ends (LF, CR,
CRLF, mixed), and in time linear in the file (the end of each such line was once looked for by
searching the whole rest of the file for a CR)."""

from __future__ import annotations

from unittest.mock import patch

from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.loading.decode import decode_text
from dashboard.loading.load_report import LoadError

# A line: UTF-8 text, or text with cp1252-only characters (é, €, ’ as single bytes)
_TEXT = st.text(alphabet=st.sampled_from("ab,1 Zé€’\"\t"), min_size=1, max_size=12)  # (an empty line after a CR would make it a CRLF)
_ENDS = st.sampled_from(["\n", "\r", "\r\n"])


@st.composite
def mixed_files(draw):
    lines = draw(st.lists(st.tuples(_TEXT, st.booleans(), _ENDS), min_size=1, max_size=30))
    last_end = draw(st.booleans())
    data, expected, legacy = b"", "", []
    for i, (text, cp1252, end) in enumerate(lines):
        end = end if (i < len(lines) - 1 or last_end) else ""
        raw = text.encode("cp1252" if cp1252 else "utf-8")
        # A line counts as cp1252 only when its bytes are not UTF-8 (pure ASCII is both).
        # cp1252 bytes that happen to be valid UTF-8 are read as UTF-8: such a line is never altered.
        try:
            read = raw.decode("utf-8")
            legacy_line = False
        except UnicodeDecodeError:
            read, legacy_line = text, True
        data += raw + end.encode()
        expected += read + end
        if legacy_line:
            legacy.append(i + 1)
    return data, expected, legacy


@settings(max_examples=300, deadline=None)
@given(mixed_files(), st.sampled_from([1, 2, 3, 7, 4 * 1024 * 1024]))
def test_each_line_decoded_as_itself_whatever_its_line_ends(case, piece):
    """Whatever the size of the pieces the file is decoded in (they end after a LF)."""
    data, expected, legacy = case
    with patch("dashboard.loading.decode._PIECE_BYTES", piece):
        text, encoding, notes = decode_text(data)
    assert text == expected
    if legacy:
        assert notes and f"{len(legacy):,} line{'s' if len(legacy) > 1 else ''} (" in notes[-1]
        shown = ", ".join(f"{n:,}" for n in legacy[:10])
        assert f"({shown}" in notes[-1]
        line_ends = data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")
        lines = line_ends + (0 if data.endswith((b"\n", b"\r")) else 1)
        assert encoding == ("cp1252" if len(legacy) == lines else "utf-8 and cp1252")
    else:
        assert encoding == "utf-8" and notes == []


def test_a_line_neither_utf8_nor_cp1252_is_named_in_any_piece():
    """The error names the line's number however the file was cut (0x81 is no cp1252 byte)."""
    data = "".join(f"A{i},1\n" for i in range(40)).encode() + b"\xe9,1\r\nB,\x81\n"
    for piece in (1, 5, 4 * 1024 * 1024):
        with patch("dashboard.loading.decode._PIECE_BYTES", piece):
            try:
                decode_text(data)
            except LoadError as exc:
                assert "at line 42," in exc.message and "its byte 3" in exc.message, exc.message
            else:
                raise AssertionError("no encoding error")


def test_many_cp1252_lines_without_carriage_returns_decode_in_one_pass():
    """300,000 lines, one in ten cp1252, LF ends: the lines and the note exact (the time, once
    quadratic in the file, is measured in BENCHMARKS.md, not here)."""
    lines = [("Société" if i % 10 == 0 else f"A{i}") + ",1" for i in range(300_000)]
    data = "\n".join(lines).encode("cp1252")
    text, encoding, notes = decode_text(data)
    assert text == "\n".join(lines)
    assert encoding == "utf-8 and cp1252"
    assert "30,000 lines (1, 11, 21" in notes[-1]


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.sampled_from("ab\t\n\rSé€😀"), max_size=300), piece=st.integers(1, 9),
       buffer=st.integers(1, 64), reads=st.integers(1, 50))
def test_text_as_utf8_streams_the_texts_exact_bytes(text, piece, buffer, reads):
    # The headerless (GDELT) parse reads the text through this stream instead of its whole encoding.
    import io

    from dashboard.loading.delimited import TextAsUtf8

    stream = TextAsUtf8(text)
    stream.PIECE = piece
    reader = io.BufferedReader(stream, buffer_size=buffer)
    assert b"".join(iter(lambda: reader.read(reads), b"")) == text.encode("utf-8")
