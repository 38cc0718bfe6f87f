"""The results as CSV rows: one value per line, suppressed cells saying so."""

from __future__ import annotations

import csv
import io
from typing import Any

HEADER = ("scope", "group", "question", "metric", "value")


def _cell_rows(scope: str, group: str, cell: dict[str, Any]) -> list[tuple[str, ...]]:
    key = str(cell.get("key", ""))
    if cell.get("suppressed"):
        return [(scope, group, key, "suppressed", str(cell["reason"]))]
    answers = cell.get("answers", len(cell.get("comments", [])))
    rows: list[tuple[str, ...]] = [(scope, group, key, "answers", str(answers))]
    for value, n in (cell.get("distribution") or {}).items():
        rows.append((scope, group, key, f"count:{value}", str(n)))
    for metric in ("mean", "score"):
        if cell.get(metric) is not None:
            rows.append((scope, group, key, metric, str(cell[metric])))
    if cell.get("enps"):
        rows.append((scope, group, key, "enps", str(cell["enps"]["score"])))
    rows += [(scope, group, key, "comment", _inert(text)) for text in cell.get("comments", [])]
    return rows


def _inert(text: str) -> str:
    """Employee text that a spreadsheet will not run as a formula."""
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text


def results_csv(results: dict[str, Any]) -> str:
    """Overall, per-group and trend results as CSV text."""
    rows: list[tuple[str, ...]] = [HEADER, ("overall", "", "", "invited", str(results["invited"])),
                                   ("overall", "", "", "responded", str(results["responded"]))]
    for cell in results["questions"]:
        rows += _cell_rows("overall", "", cell)
    for group in (results.get("breakdown") or {}).get("groups", []):
        label = "/".join(f"{k}={v}" for k, v in group["group"].items())
        if group.get("suppressed"):
            rows.append(("group", label, "", "suppressed", group["reason"]))
            continue
        rows.append(("group", label, "", "responded", str(group["respondents"])))
        for cell in group["questions"]:
            rows += _cell_rows("group", label, cell)
    for point in results["trend"]:
        scope = f"round:{point['round_id']}"
        if point.get("suppressed"):
            rows.append(("trend", scope, "", "suppressed", point["reason"]))
        else:
            rows += [("trend", scope, key, "score", str(value)) for key, value in point["scores"].items()]
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()
