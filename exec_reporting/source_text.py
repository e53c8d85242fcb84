"""What DuckDB's CSV reader reads of a source file: the file itself, or a normalized copy.

DuckDB reads a file whose records all end the same way (LF, CRLF or CR) quickly and right, so
such a file goes to it untouched. Some files need a copy first, written to a scratch folder:
- mixed line ends (CR, LF and CRLF in one file: a file edited on several systems), which
  DuckDB's reader refuses as a whole, and old Mac (CR-only) files, so that every copy ends its
  records with LF;
- blank lines between records, which DuckDB skips without counting them, so that the line
  numbers of the records after them would be wrong;
- text in another encoding than UTF-8 (a UTF-16 file, which its byte-order mark says; a
  Windows-1252 or Latin-1 export, which the source declares with `encoding:` or asks to be found
  with `encoding: auto`), so that DuckDB always reads UTF-8.
This is the one place where a file's bytes are changed before reading. A plain UTF-8 file (a
UTF-8 byte-order mark is fine) with one kind of line end and no blank line inside is read as it
is, without a copy.

Finding an encoding (`auto`) never guesses among every code page there is: a byte-order mark
says it; else valid UTF-8 is UTF-8; else charset-normalizer chooses among the encodings a
spreadsheet or a bank writes for the portfolio's locale (its Windows code page, Latin-1, and
UTF-16 when the bytes hold NULs as UTF-16 does), and a file that reads as none of them, or that
mixes UTF-8 with other bytes, is refused with the line to look at: text in the wrong encoding
would reach the reports as mojibake (docs/decisions.md #4).

Line numbers keep meaning the record number in the file as the person has it (docs/decisions.md
#3): a copy remembers which blank records it left out, and the loader maps its line numbers
back (`blank_lines`, `original_line`). Line ends inside a quoted value are the value's own and
are kept as they are.
"""

from __future__ import annotations

import bisect
import codecs
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

_CHUNK = 1 << 20
_LINE_ENDS = b"\r\n"
UTF8 = "utf-8"
AUTO = "auto"
# Byte-order marks, longest first (UTF-32's LE mark starts like UTF-16's).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, UTF8),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# The Windows ("ANSI") code page a spreadsheet uses to save text for a language: what Excel's
# "CSV" (not "CSV UTF-8") writes on a machine set up for that language.
_WINDOWS_CODE_PAGES = {
    **dict.fromkeys(("pl", "cs", "sk", "hu", "sl", "hr", "ro", "bs", "sq"), "cp1250"),
    **dict.fromkeys(("ru", "uk", "be", "bg", "mk", "sr"), "cp1251"),
    "el": "cp1253",
    **dict.fromkeys(("tr", "az"), "cp1254"),
    "he": "cp1255",
    **dict.fromkeys(("ar", "fa", "ur"), "cp1256"),
    **dict.fromkeys(("et", "lv", "lt"), "cp1257"),
    "vi": "cp1258",
    "th": "cp874",
    "ja": "cp932",
    "ko": "cp949",
    "zh": "cp936",
}
# Most of the world's Latin-script languages (en, de, fr, es, it, nl, pt, the Nordic ones...).
_DEFAULT_CODE_PAGE = "cp1252"
# A UTF-8 sequence of two to four bytes: found next to bytes that are not UTF-8, it means a file
# that mixes encodings (decoding it as one single-byte encoding would garble these characters).
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xef][\x80-\xbf]{2}"
    rb"|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)


# Code pages of Latin-script languages, and a run of three or more letters beyond ASCII: in
# those languages a word has an accent or two, not only accented letters.
_LATIN_SCRIPT = {"cp1250", "cp1252", "cp1254", "cp1257", "cp1258", "iso8859-1"}
_ACCENTED_WORD = re.compile(r"[^\W\d_a-zA-Z]{3,}")


class NotText(Exception):
    """The file's bytes are not text in the encoding it is read with (or the encoding cannot be
    told): the message says where, and what to do."""

    def __init__(self, line: int, message: str):
        self.line = line
        super().__init__(f"line {line}: {message}")


@dataclass(frozen=True)
class ReadableFile:
    """A source file as the reader gets it."""

    source: Path
    # What DuckDB reads: `source` itself, or its normalized copy.
    path: Path
    # What the copy changed, in words for the log; empty when the file is read as it is.
    changes: tuple[str, ...] = ()
    # Record numbers (header = 1) in `source` of the blank lines the copy leaves out.
    blank_lines: tuple[int, ...] = ()
    # The file holds a NUL byte (the loader then looks for the cells that hold one).
    has_nul: bool = False
    # The encoding the file was read in (`path` itself is always UTF-8).
    encoding: str = UTF8

    @property
    def normalized(self) -> bool:
        return self.path != self.source

    def original_line(self, line: int) -> int:
        """The record number in `source` of record `line` of `path`."""
        # The i-th blank record (0-based) sits just before line blank - i of the copy.
        shifts = [blank - i for i, blank in enumerate(self.blank_lines)]
        return line + bisect.bisect_right(shifts, line)


@dataclass(frozen=True)
class _Layout:
    """How a file's records end, from one pass over its bytes."""

    crlf: int
    lone_cr: int
    lone_lf: int
    # a blank line with a record after it (blank lines at the very end change no line number)
    blank_inside: bool
    has_nul: bool


def _layout(chunks: Iterable[bytes]) -> _Layout:
    cr = lf = crlf = 0
    blank_inside = blank_pending = has_nul = False
    tail = b""
    for chunk in chunks:
        # `tail` carries the end of the previous chunk, so that a pattern across the
        # boundary is found; pairs wholly inside `tail` were counted with that chunk.
        window = tail + chunk
        crlf += window.count(b"\r\n") - tail.count(b"\r\n")
        cr += chunk.count(b"\r")
        lf += chunk.count(b"\n")
        has_nul = has_nul or b"\x00" in chunk
        if not blank_inside:
            if blank_pending and chunk.strip(_LINE_ENDS):
                blank_inside = True
            last_blank = max(window.rfind(b"\n\n"), window.rfind(b"\n\r\n"))
            if last_blank >= 0:
                if window[last_blank:].strip(_LINE_ENDS):
                    blank_inside = True
                else:
                    blank_pending = True
        tail = window[-2:]
    return _Layout(
        crlf=crlf,
        lone_cr=cr - crlf,
        lone_lf=lf - crlf,
        blank_inside=blank_inside,
        has_nul=has_nul,
    )


def _file_chunks(path: Path) -> Iterable[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            yield chunk


def _memory_chunks(data: bytes) -> Iterable[bytes]:
    for start in range(0, len(data), _CHUNK):
        yield data[start : start + _CHUNK]


def canonical_encoding(name: str) -> str:
    """A codec's one name (utf8, UTF-8 and u8 are all utf-8)."""
    return codecs.lookup(name).name


def byte_order_mark(head: bytes) -> tuple[str, int] | None:
    """The encoding a byte-order mark at the start of `head` says, and the mark's length."""
    for mark, encoding in _BOMS:
        if head.startswith(mark):
            return encoding, len(mark)
    return None


def windows_code_page(locale: str | None) -> str:
    """The code page a spreadsheet saves "CSV" text in for the portfolio's locale (en_US,
    de_DE...)."""
    language = (locale or "").replace("-", "_").split("_")[0].lower()
    return _WINDOWS_CODE_PAGES.get(language, _DEFAULT_CODE_PAGE)


def _line_at(data: bytes, offset: int) -> int:
    """The line number of the byte at `offset` (LF, CRLF and CR each end a line)."""
    before = data[:offset]
    return before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n") + 1


def _first_bad_utf8(chunks: Iterable[bytes]) -> int | None:
    """The offset of the first byte that is not UTF-8 (None: the text is UTF-8)."""
    decoder = codecs.getincrementaldecoder(UTF8)()
    offset = 0
    for chunk in chunks:
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError as error:
            # the decoder may hold back up to 3 bytes of an unfinished sequence
            return max(0, offset + error.start - len(decoder.getstate()[0]))
        offset += len(chunk)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return max(0, offset - 3)
    return None


def _exact_bad_utf8(data: bytes, near: int) -> int:
    start = max(0, near - 4)
    try:
        data[start:].decode(UTF8)
    except UnicodeDecodeError as error:
        return start + error.start
    return near


def decode_text(data: bytes, encoding: str | None, locale: str | None = None) -> tuple[str, str]:
    """`data` as text, and the encoding it was read in. `encoding`: a codec name, `auto`, or
    None (UTF-8). A byte-order mark wins over either. Raises NotText naming the line of the first
    byte that does not fit, or saying why the encoding cannot be told."""
    marked = byte_order_mark(data[:4])
    if marked:
        name, length = marked
        return _decode(data, name, skip=length), name
    if encoding in (None, AUTO):
        bad = _first_bad_utf8(_memory_chunks(data))
        if bad is None:
            return data.decode(UTF8), UTF8
        if encoding is None:
            line = _line_at(data, _exact_bad_utf8(data, bad))
            raise NotText(line, "not UTF-8 text; save the file as UTF-8 or declare its encoding")
        name = detect_encoding(data, locale, _exact_bad_utf8(data, bad))
        return _decode(data, name), name
    return _decode(data, canonical_encoding(encoding)), canonical_encoding(encoding)


def _decode(data: bytes, encoding: str, skip: int = 0) -> str:
    """`data` after its first `skip` bytes (a byte-order mark), as text in `encoding`."""
    try:
        return codecs.decode(memoryview(data)[skip:], encoding)
    except UnicodeDecodeError as error:
        offset = skip + error.start
        raise NotText(
            _line_at(data, offset),
            f"byte 0x{data[offset]:02x} is not {encoding} text: declare the file's encoding "
            "with `encoding:` in reporting.yaml (or `encoding: auto`)",
        ) from None


def detect_encoding(data: bytes, locale: str | None, first_bad: int) -> str:
    """The encoding of text that is not UTF-8, among those a spreadsheet or a bank writes for
    `locale`; NotText when the bytes read as none of them, or mix UTF-8 with other bytes."""
    from charset_normalizer import from_bytes

    line = _line_at(data, first_bad)
    mixed = _UTF8_SEQUENCE.search(data)
    if mixed:
        raise NotText(
            line,
            f"byte 0x{data[first_bad]:02x} is not UTF-8, but line {_line_at(data, mixed.start())} "
            "is: the file mixes encodings. Fix that line, or save the file again in one encoding",
        )
    code_page = windows_code_page(locale)
    candidates = [code_page, "latin_1"]
    if data.count(b"\x00") * 4 > len(data):
        candidates += ["utf_16_le", "utf_16_be"]
    best = from_bytes(data, cp_isolation=candidates).best()
    if best is None:
        names = ", ".join(canonical_encoding(c) for c in candidates)
        raise NotText(
            line,
            f"not UTF-8, and not readable as text in {names} (byte 0x{data[first_bad]:02x}): "
            "declare the file's encoding with `encoding:` in reporting.yaml",
        )
    found = canonical_encoding(best.encoding)
    if found in _LATIN_SCRIPT:
        # Cyrillic or Greek bytes read in a Latin code page give words made of accented
        # letters only ("Êîôå" for "Кофе"), which too short a file does not give away otherwise
        foreign = _ACCENTED_WORD.search(str(best))
        if foreign:
            text = str(best)
            raise NotText(
                text.count("\n", 0, foreign.start()) + 1,
                f"not UTF-8, and read as {found} it gives {foreign.group()!r}, which looks like "
                "text of another script read in the wrong encoding: declare the file's "
                "encoding with `encoding:` in reporting.yaml",
            )
    return found


def readable_file(
    path: Path, scratch_dir: Path, encoding: str | None = None, locale: str | None = None
) -> ReadableFile:
    """The file DuckDB should read for `path`: `path` itself when it can be read as it is, else
    a normalized UTF-8 copy written under `scratch_dir` (a folder the caller removes after
    reading). `encoding`: None for UTF-8 (whose errors the CSV reader reports by line), a codec
    name, or `auto`; `locale` (reporting.yaml) narrows what `auto` considers. Raises OSError when
    the file cannot be read, NotText when it is not text in its encoding."""
    with path.open("rb") as handle:
        head = handle.read(4)
    marked = byte_order_mark(head)
    declared = encoding if encoding in (None, AUTO) else canonical_encoding(encoding)
    if marked:
        utf8 = marked[0] == UTF8
    elif declared == AUTO:
        utf8 = _first_bad_utf8(_file_chunks(path)) is None
    else:
        utf8 = declared in (None, UTF8)
    if utf8:
        return _normalized(path, scratch_dir, _layout(_file_chunks(path)), None, UTF8, [])
    text, used = decode_text(path.read_bytes(), declared, locale)
    data = text.encode(UTF8)
    changes = [f"read as {used} text (a UTF-8 copy)"]
    return _normalized(path, scratch_dir, _layout(_memory_chunks(data)), data, used, changes)


def _normalized(
    path: Path,
    scratch_dir: Path,
    layout: _Layout,
    data: bytes | None,
    encoding: str,
    changes: list[str],
) -> ReadableFile:
    """`path` as it is, or (line ends to change, blank lines inside, or transcoded `data`) its
    copy under `scratch_dir`."""
    kinds = sum(1 for count in (layout.crlf, layout.lone_cr, layout.lone_lf) if count)
    if kinds > 1:
        changes.append("line ends of more than one kind (CR, LF, CRLF): records now end in LF")
    elif layout.lone_cr:
        changes.append("old Mac line ends (CR): records now end in LF")
    if not changes and not layout.blank_inside:
        return ReadableFile(path, path, has_nul=layout.has_nul, encoding=encoding)
    text, blank_lines = normalize_records(path.read_bytes() if data is None else data)
    if blank_lines:
        changes.append(f"{len(blank_lines)} blank line(s) skipped")
    copy = scratch_dir / f"{len(list(scratch_dir.iterdir()))}-{path.name}"
    copy.write_bytes(text)
    return ReadableFile(
        path, copy, tuple(changes), tuple(blank_lines), layout.has_nul, encoding=encoding
    )


def normalize_records(data: bytes) -> tuple[bytes, list[int]]:
    """`data` with every record ending in LF and without blank records, and the record numbers
    (header = 1) of the blank records left out. A blank first line is kept: the file then has no
    header, and the loader says so."""
    # Splitting on the quote character leaves the text outside quoted values at even positions
    # (a doubled quote inside a value gives an empty piece "outside", with no line end in it).
    pieces = data.split(b'"')
    record = 1
    blank_lines: list[int] = []
    for index in range(0, len(pieces), 2):
        outside = pieces[index].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        lines = outside.split(b"\n")
        # lines[0] continues the current record; each later one starts a new record. A record
        # is blank when it is empty and ends at a line end (not at a quote or the file's end).
        kept = [lines[0]]
        for position, line in enumerate(lines[1:], start=1):
            record += 1
            if not line and position < len(lines) - 1:
                blank_lines.append(record)
                continue
            kept.append(line)
        pieces[index] = b"\n".join(kept)
    return b'"'.join(pieces), blank_lines
