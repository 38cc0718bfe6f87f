"""Golden files: a rendering compared byte for byte with the JSON file kept under `tests/fixtures/`.

A missing file is written on a developer's machine (then reviewed and committed), and
`FIVEFOLD_UPDATE_GOLDEN=1` rewrites the files after an intended change. In CI (`CI` set)
nothing is ever written: a missing file fails the test, saying how to create it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

UPDATE = "FIVEFOLD_UPDATE_GOLDEN"


def in_ci() -> bool:
    """True on a CI runner (GitHub Actions, GitLab and most others set `CI`)."""
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def as_json(value: object, *, sort_keys: bool = False) -> str:
    """The golden files' format: indented UTF-8 JSON with a final newline."""
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=sort_keys) + "\n"


def assert_golden(path: Path, rendered: str) -> None:
    """Compare `rendered` with the golden file at `path` (writing it only outside CI)."""
    if not in_ci() and (os.environ.get(UPDATE) or not path.exists()):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(rendered, encoding="utf-8")
    if not path.exists():
        pytest.fail(
            f"golden file {path} is missing; in CI golden files are never written. Run the test locally "
            f"(it writes the file), review it and commit it.",
            pytrace=False,
        )
    expected = path.read_text(encoding="utf-8")
    assert rendered == expected, f"{path.name} changed; review and accept with {UPDATE}=1 (outside CI)"
