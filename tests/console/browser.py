"""Playwright on Debian's Chromium, axe-core from tests/console/node_modules, screenshots as artefacts."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
CHROMIUM = Path(os.environ.get("FIVEFOLD_TEST_CHROMIUM", "/usr/bin/chromium"))
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = HERE / "artifacts"
BLOCKING = ("serious", "critical")


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def axe_source() -> str:
    """axe-core's script, installed from the pinned lockfile on first use (`npm ci`)."""
    if not AXE.exists():
        npm = shutil.which("npm")
        if npm is None:
            _unavailable("npm is not installed (needed for axe-core)")
        subprocess.run([str(npm), "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True, capture_output=True)
    return AXE.read_text(encoding="utf-8")


def launch() -> Iterator[Any]:
    """A headless Debian Chromium (never Playwright's own browser download)."""
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()


def check_accessibility(page: Any, axe: str, name: str) -> None:
    """Run axe-core on the page and save a screenshot; fail on serious or critical violations."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    page.add_script_tag(content=axe)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    blocking = [
        f"{violation['id']} ({violation['impact']}): {[node['target'] for node in violation['nodes']][:3]}"
        for violation in result["violations"] if violation["impact"] in BLOCKING
    ]
    assert not blocking, f"{name} ({page.url}): " + "; ".join(blocking)


WIDER_THAN_VIEWPORT = """() => document.documentElement.scrollWidth <= window.innerWidth + 1 ? [] :
  [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
    .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')).slice(0, 10)"""


def wider_than_a_phone(page: Any) -> list[str]:
    """Elements that make the page scroll sideways at its viewport width (empty: it fits)."""
    found: list[str] = page.evaluate(WIDER_THAN_VIEWPORT)
    return found
