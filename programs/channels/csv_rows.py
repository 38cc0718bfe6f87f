"""CSV imports shared by the programme: every row checked against a model first, all rows or none."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from bot.errors import FivefoldError

M = TypeVar("M", bound=BaseModel)
MAX_ROWS = 50_000


class CsvImportError(FivefoldError):
    """The file cannot be imported; `problems` name each bad line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _problems(line: int, error: ValidationError) -> list[str]:
    return [f"line {line}: {'.'.join(map(str, e['loc'])) or 'row'}: {e['msg']}" for e in error.errors()]


def parse_rows(text: str, model: type[M], columns: Sequence[str], required: Sequence[str]) -> list[M]:
    """The rows of a CSV with a header line, each validated as `model`.

    Raises:
        CsvImportError: naming every bad line (line 1 is the header); nothing is then imported.
    """
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip() for name in reader.fieldnames or []]
    unknown = [name for name in header if name not in columns]
    missing = [name for name in required if name not in header]
    if unknown or missing:
        raise CsvImportError([f"line 1: unknown column {name!r}" for name in unknown]
                             + [f"line 1: missing column {name!r}" for name in missing])
    items: list[M] = []
    problems: list[str] = []
    for row in reader:
        if None in row:
            problems.append(f"line {reader.line_num}: more cells than columns")
            continue
        try:
            items.append(model.model_validate({k.strip(): v for k, v in row.items() if v is not None}))
        except ValidationError as error:
            problems.extend(_problems(reader.line_num, error))
    if len(items) > MAX_ROWS:
        problems.append(f"the file has more than {MAX_ROWS} rows; split it")
    if problems:
        raise CsvImportError(problems)
    return items
