"""Jinja2 rendering for the console: autoescaped templates, translated strings, SVG charts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from bot.console.registry import Chart, ConsoleRegistry
from bot.console.session import SignedIn
from bot.i18n import LOCALES, Translator

TEMPLATES = Path(__file__).resolve().parent / "templates"
LANGUAGES = {"en": "English", "pl": "Polski", "uk": "Українська"}
COLOURS = ("#1f5fa8", "#c2410c", "#15803d", "#7e22ce", "#a16207", "#be123c")

_loaders: list[FileSystemLoader] = [FileSystemLoader(TEMPLATES)]
environment = Environment(loader=ChoiceLoader(_loaders), autoescape=select_autoescape(["html"]),
                          trim_blocks=True, lstrip_blocks=True)


def add_template_folder(folder: Path) -> None:
    """Let a program's pages use templates from `folder` (they may extend `base.html`)."""
    if all(str(folder) not in loader.searchpath for loader in _loaders):
        _loaders.append(FileSystemLoader(folder))


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0")


def bar_chart(chart: Chart) -> Markup:
    """The chart as inline SVG: stacked bars per row, labelled for screen readers."""
    width, bar, gap, top = 640, 24, 10, 10
    total = max([sum(max(v, 0) for v in values) for _label, values in chart.rows] or [1]) or 1
    height = top + len(chart.rows) * (bar + gap) + 10
    parts = [f'<svg role="img" viewBox="0 0 {width} {height}" class="chart" aria-label="{escape(chart.title)}">']
    for index, (label, values) in enumerate(chart.rows):
        y, x = top + index * (bar + gap), 160.0
        parts.append(f'<text x="0" y="{y + 17}" class="chart-label">{escape(label[:24])}</text>')
        for series, value in enumerate(values):
            length = (width - 200) * max(value, 0) / total  # a negative value (an eNPS) draws no bar
            parts.append(f'<rect x="{x:.1f}" y="{y}" width="{length:.1f}" height="{bar}" '
                         f'fill="{COLOURS[series % len(COLOURS)]}"><title>{escape(chart.series[series])}: '
                         f'{_number(value)}</title></rect>')
            x += length
        parts.append(f'<text x="{x + 6:.1f}" y="{y + 17}" class="chart-value">{_number(sum(values))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every interpolated text is escaped above


environment.globals.update(bar_chart=bar_chart, colours=COLOURS, languages=LANGUAGES, locales=LOCALES)


def render(request: Request, template: str, t: Translator, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render `template` with the translator's `_`/`ngettext` and the request in its context."""
    body = environment.get_template(template).render(
        request=request, _=t._, ngettext=t.ngettext, locale=t.locale, **context)
    return HTMLResponse(body, status_code=status_code, headers={"Cache-Control": "no-store"})


def page(request: Request, viewer: SignedIn, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render a signed-in page: navigation for the viewer's role, CSRF token, language switch."""
    registry: ConsoleRegistry = request.app.state.console
    return render(request, template, viewer.t, status_code, viewer=viewer, csrf=viewer.csrf,
                  navigation=registry.navigation(viewer.role), **context)
