"""One streaming pass over a CSV file's bytes: encoding check and the physical line where every record starts.

pyarrow's CSV reader is fast but reports no line numbers, and rows may span lines (quoted newlines) or be
separated by blank lines it skips. Counting newlines outside quotes (an even number of '"' before them, which holds
for RFC 4180 quoting with doubled quotes) gives each non-blank record's starting line, in the same order pyarrow
numbers its records.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from wattwatch.errors import InputError

CHUNK_BYTES = 16 << 20
NEWLINE, QUOTE, CR = 10, 34, 13


@dataclass(frozen=True)
class CsvScan:
    record_lines: np.ndarray  # physical line (1-based) where each non-blank record starts; [0] is the header


def encoding_error(path: Path, encoding: str, line: int, err: UnicodeDecodeError) -> InputError:
    bad = err.object[err.start : err.start + 4]
    return InputError(
        path,
        f"bytes {bad!r} are not valid {encoding}",
        line=line,
        expected=f"text in {encoding}; if the file comes from Excel on Windows try --encoding cp1252 (or latin-1)",
    )


def scan_csv(path: Path, encoding: str) -> CsvScan:
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    lines: list[np.ndarray] = []
    offset = 0  # global byte offset of the chunk
    newlines_before = 0  # newlines in earlier chunks
    quotes_before = 0
    last_end = -1  # byte position of the last record-ending newline
    last_end_line = 0  # physical line that newline ends
    last_byte = -1
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK_BYTES):
            pending = len(decoder.getstate()[0])
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as err:
                pos = max(0, err.start - pending)
                raise encoding_error(path, encoding, newlines_before + chunk.count(b"\n", 0, pos) + 1, err) from None
            a = np.frombuffer(chunk, dtype=np.uint8)
            nl = np.flatnonzero(a == NEWLINE)
            q = np.flatnonzero(a == QUOTE)
            if q.size or quotes_before % 2:
                ends_mask = (quotes_before + np.searchsorted(q, nl)) % 2 == 0
                ends, nl_index = nl[ends_mask], np.flatnonzero(ends_mask)
            else:
                ends, nl_index = nl, np.arange(nl.size)
            ends_g = ends + offset
            starts_g = np.r_[last_end + 1, ends_g[:-1] + 1]
            length = ends_g - starts_g
            start_byte = np.where(starts_g - offset >= 0, a[np.clip(starts_g - offset, 0, a.size - 1)], last_byte)
            blank = (length == 0) | ((length == 1) & (start_byte == CR))
            start_line = np.r_[last_end_line + 1, newlines_before + nl_index[:-1] + 2][: ends.size]
            lines.append(start_line[~blank])
            if ends.size:
                last_end = int(ends_g[-1])
                last_end_line = newlines_before + int(nl_index[-1]) + 1
            newlines_before += nl.size
            quotes_before += q.size
            offset += a.size
            last_byte = int(a[-1])
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as err:
            raise encoding_error(path, encoding, newlines_before + 1, err) from None
    tail = offset - (last_end + 1)
    if tail > 0 and not (tail == 1 and last_byte == CR):
        lines.append(np.array([last_end_line + 1]))
    record_lines = np.concatenate(lines) if lines else np.zeros(0, dtype=np.int64)
    return CsvScan(record_lines=record_lines.astype(np.int64))

