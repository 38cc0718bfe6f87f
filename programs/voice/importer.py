"""`fivefold feedback import FILE.csv`: every row checked first; all rows or none."""

from __future__ import annotations

from programs.channels.csv_rows import parse_rows
from programs.voice.schemas import FeedbackIn

COLUMNS = ("score", "comment", "touchpoint", "team", "date", "external_id")
REQUIRED = ("score", "team", "date")


def parse_feedback_csv(text: str) -> list[FeedbackIn]:
    """The rows of a feedback CSV (columns: score, comment, touchpoint, team, date, external_id).

    Raises:
        CsvImportError: naming every bad line; nothing is then imported.
    """
    return parse_rows(text, FeedbackIn, COLUMNS, REQUIRED)
