"""Microsoft's validators (node): the `adaptivecards` SDK, at the version each card declares,
and the Teams app manifest JSON schema bundled in `@microsoft/app-manifest`.

`tests/teams/validators/` pins them in a lockfile; `npm ci` installs them there on
first use (and again when the lockfile is newer than the install). Without node or the registry the tests skip locally and fail in CI.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

VALIDATORS = Path(__file__).resolve().parent / "validators"


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"Adaptive Card validator unavailable in CI: {reason}")
    pytest.skip(f"Adaptive Card validator unavailable: {reason}")


def ensure_installed() -> str:
    """The node executable, after `npm ci` when `node_modules` is missing."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        _unavailable("node/npm not on PATH")
    assert node is not None and npm is not None
    with (VALIDATORS / ".install.lock").open("w") as lock:  # parallel test runs install once
        fcntl.flock(lock, fcntl.LOCK_EX)
        installed = VALIDATORS / "node_modules" / ".package-lock.json"
        locked = VALIDATORS / "package-lock.json"
        if not installed.is_file() or installed.stat().st_mtime < locked.stat().st_mtime:
            done = subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund"],
                cwd=VALIDATORS, capture_output=True, text=True, timeout=300, check=False,
            )
            if done.returncode != 0:
                _unavailable(f"npm ci failed: {done.stderr[-2000:]}")
    return node


def validate_cards(node: str, cards: dict[str, dict[str, Any]]) -> dict[str, list[str]]:
    """Each card's validation errors (empty when valid), by name."""
    cases = [{"name": name, "card": card} for name, card in cards.items()]
    done = subprocess.run(
        [node, str(VALIDATORS / "validate.js")],
        input=json.dumps(cases), capture_output=True, text=True, timeout=120, check=True,
    )
    return {result["name"]: result["errors"] for result in json.loads(done.stdout)}


def validate_manifest(node: str, manifest: dict[str, Any], localizations: dict[str, Any]) -> dict[str, list[str]]:
    """Schema errors of a Teams manifest and of each localization file, by file."""
    done = subprocess.run(
        [node, str(VALIDATORS / "validate-manifest.js")],
        input=json.dumps({"manifest": manifest, "localizations": localizations}),
        capture_output=True, text=True, timeout=120, check=True,
    )
    errors: dict[str, list[str]] = json.loads(done.stdout)
    return errors
