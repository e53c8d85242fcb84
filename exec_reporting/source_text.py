"""What DuckDB's CSV reader reads of a source file: the file itself, or a normalized copy.

DuckDB reads a file whose records all end the same way (LF, CRLF or CR) quickly and right, so
such a file goes to it untouched. Some files need a copy first, written to a scratch folder:
- mixed line ends (CR, LF and CRLF in one file: a file edited on several systems), which
  DuckDB's reader refuses as a whole, and old Mac (CR-only) files, so that every copy ends its
  records with LF;
- blank lines between records, which DuckDB skips without counting them, so that the line
  numbers of the records after them would be wrong.
This is the one place where a file's bytes are changed before reading: other encodings
(Windows-1252, UTF-16, byte-order marks) belong here too.

Line numbers keep meaning the record number in the file as the person has it (docs/decisions.md
#3): a copy remembers which blank records it left out, and the loader maps its line numbers
back (`blank_lines`, `original_line`). Line ends inside a quoted value are the value's own and
are kept as they are.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from pathlib import Path

_CHUNK = 1 << 20
_LINE_ENDS = b"\r\n"


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


def _layout(path: Path) -> _Layout:
    cr = lf = crlf = 0
    blank_inside = blank_pending = has_nul = False
    tail = b""
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
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


def readable_file(path: Path, scratch_dir: Path) -> ReadableFile:
    """The file DuckDB should read for `path`: `path` itself when it can be read as it is, else
    a normalized copy written under `scratch_dir` (a folder the caller removes after reading).
    Raises OSError when the file cannot be read."""
    layout = _layout(path)
    changes = []
    kinds = sum(1 for count in (layout.crlf, layout.lone_cr, layout.lone_lf) if count)
    if kinds > 1:
        changes.append("line ends of more than one kind (CR, LF, CRLF): records now end in LF")
    elif layout.lone_cr:
        changes.append("old Mac line ends (CR): records now end in LF")
    if not changes and not layout.blank_inside:
        return ReadableFile(path, path, has_nul=layout.has_nul)
    text, blank_lines = normalize_records(path.read_bytes())
    if blank_lines:
        changes.append(f"{len(blank_lines)} blank line(s) skipped")
    copy = scratch_dir / f"{len(list(scratch_dir.iterdir()))}-{path.name}"
    copy.write_bytes(text)
    return ReadableFile(path, copy, tuple(changes), tuple(blank_lines), layout.has_nul)


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
