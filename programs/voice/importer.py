"""`fivefold feedback import FILE.csv`: every row checked first; all rows or none."""

from __future__ import annotations

import csv
import io

from pydantic import ValidationError

from bot.errors import FivefoldError
from programs.voice.schemas import FeedbackIn

COLUMNS = ("score", "comment", "touchpoint", "team", "date", "external_id")
REQUIRED = ("score", "team", "date")
MAX_ROWS = 50_000


class FeedbackImportError(FivefoldError):
    """The file cannot be imported; `problems` name each bad line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _problems(line: int, error: ValidationError) -> list[str]:
    return [f"line {line}: {'.'.join(map(str, e['loc'])) or 'row'}: {e['msg']}" for e in error.errors()]


def parse_feedback_csv(text: str) -> list[FeedbackIn]:
    """The rows of a CSV with a header line (columns: score, comment, touchpoint, team, date, external_id).

    Raises:
        FeedbackImportError: naming every bad line; nothing is then imported.
    """
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip() for name in reader.fieldnames or []]
    unknown = [name for name in header if name not in COLUMNS]
    missing = [name for name in REQUIRED if name not in header]
    if unknown or missing:
        raise FeedbackImportError([f"line 1: unknown column {name!r}" for name in unknown]
                                  + [f"line 1: missing column {name!r}" for name in missing])
    items: list[FeedbackIn] = []
    problems: list[str] = []
    for row in reader:
        line = reader.line_num
        if None in row:
            problems.append(f"line {line}: more cells than columns")
            continue
        try:
            items.append(FeedbackIn.model_validate({k.strip(): v for k, v in row.items() if v is not None}))
        except ValidationError as error:
            problems.extend(_problems(line, error))
    if len(items) > MAX_ROWS:
        problems.append(f"the file has more than {MAX_ROWS} rows; split it")
    if problems:
        raise FeedbackImportError(problems)
    return items
