"""CSV as Bulk API 2.0 reads and writes it: the job's delimiter and line ending, csv module."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from .._errors import invalid_batch

DELIMITERS = {
    "BACKQUOTE": "`",
    "CARET": "^",
    "COMMA": ",",
    "PIPE": "|",
    "SEMICOLON": ";",
    "TAB": "\t",
}
LINE_ENDINGS = {"LF": "\n", "CRLF": "\r\n"}
CSV_CT = "text/csv"


def parse(body: bytes, delimiter: str) -> tuple[list[str], list[list[str]]]:
    """Header and rows of an uploaded CSV body; a bad body is Salesforce's 400, never a 500."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise invalid_batch("InvalidBatch : The CSV data is not valid UTF-8") from None
    try:
        rows = [r for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter) if r]
    except csv.Error as exc:
        raise invalid_batch(f"InvalidBatch : Invalid CSV: {exc}") from None
    if not rows:
        raise invalid_batch("InvalidBatch : The CSV data has no header row")
    return [h.strip() for h in rows[0]], rows[1:]


def write(
    header: Sequence[str], rows: Iterable[Sequence[str]], delimiter: str, line_ending: str
) -> bytes:
    """A CSV document with every value quoted, as Salesforce writes result files."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator=line_ending, quoting=csv.QUOTE_ALL)
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")
