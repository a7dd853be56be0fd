"""Write a firm as one file per entity kind (JSON lines or CSV), streamed in chunks."""

from __future__ import annotations

import csv
import dataclasses
import json
from collections.abc import Callable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any

import orjson

from harness.data._errors import DataError
from harness.data._firm import KIND_TYPES, Firm
from harness.data._model import Entity


class Format(StrEnum):
    JSONL = "jsonl"
    CSV = "csv"


_CHUNK = 20_000
MANIFEST = "manifest.json"

WriteProgress = Callable[[str, int, int], None]


def _jsonl(path: Path, records: Sequence[Entity], progress: Callable[[int], None]) -> None:
    dumps = orjson.dumps
    with path.open("wb") as handle:
        for start in range(0, len(records), _CHUNK):
            chunk = records[start : start + _CHUNK]
            handle.write(b"".join(dumps(r) + b"\n" for r in chunk))
            progress(start + len(chunk))


def _csv_row_maker(kind_type: type) -> tuple[list[str], Callable[[Any], list[Any]]]:
    fields = dataclasses.fields(kind_type)
    names = [f.name for f in fields]
    bools = [i for i, f in enumerate(fields) if f.type == "bool"]
    tuples = [i for i, f in enumerate(fields) if str(f.type).startswith("tuple")]

    def row(record: Any) -> list[Any]:
        values = [getattr(record, name) for name in names]
        for i in bools:
            values[i] = "true" if values[i] else "false"
        for i in tuples:
            values[i] = ";".join(values[i])
        return values

    return names, row


def _csv(
    path: Path, kind_type: type, records: Sequence[Entity], progress: Callable[[int], None]
) -> None:
    names, row = _csv_row_maker(kind_type)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(names)
        for start in range(0, len(records), _CHUNK):
            chunk = records[start : start + _CHUNK]
            writer.writerows(row(r) for r in chunk)
            progress(start + len(chunk))


def write_firm(
    firm: Firm,
    out_dir: str | Path,
    format: str = "jsonl",
    *,
    on_progress: WriteProgress | None = None,
) -> dict[str, Path]:
    """Write every entity kind to ``out_dir/<kind>.<format>`` plus ``manifest.json``.

    Returns the written file of each kind. Output depends only on the firm, so the same
    seed, size and as-of date give byte-identical files.
    """
    try:
        fmt = Format(format)
    except ValueError:
        raise DataError(
            f"unknown format {format!r}", hint="use one of " + ", ".join(f.value for f in Format)
        ) from None
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise DataError(f"cannot write into {out}: it is not a directory") from None
    except OSError as error:
        raise DataError(f"cannot create {out}: {error.strerror}") from None

    written: dict[str, Path] = {}
    try:
        for kind, records in firm:
            path = out / f"{kind}.{fmt.value}"
            total = len(records)

            def progress(done: int, kind: str = kind, total: int = total) -> None:
                if on_progress is not None:
                    on_progress(kind, done, total)

            progress(0)
            if fmt is Format.JSONL:
                _jsonl(path, records, progress)
            else:
                _csv(path, KIND_TYPES[kind], records, progress)
            progress(total)
            written[kind] = path
        manifest = {
            "seed": firm.seed,
            "size": dataclasses.asdict(firm.size),
            "as_of": firm.as_of.isoformat(),
            "format": fmt.value,
            "counts": firm.counts(),
        }
        (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    except OSError as error:
        raise DataError(
            f"cannot write {error.filename or out}: {error.strerror}",
            hint="check free space and permissions of the output directory",
        ) from None
    return written
