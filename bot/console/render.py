"""Jinja2 rendering for the console: autoescaped templates, translated strings, SVG charts."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from bot.console.registry import Chart, ConsoleRegistry, Value
from bot.console.session import SignedIn
from bot.i18n import LOCALES, Translator

TEMPLATES = Path(__file__).resolve().parent / "templates"
LANGUAGES = {"en": "English", "pl": "Polski", "uk": "Українська"}
BAR = 24  # a row's height in the chart
COLOURS = ("#1f5fa8", "#c2410c", "#15803d", "#7e22ce", "#a16207", "#be123c")

_loaders: list[FileSystemLoader] = [FileSystemLoader(TEMPLATES)]
environment = Environment(loader=ChoiceLoader(_loaders), autoescape=select_autoescape(["html"]),
                          trim_blocks=True, lstrip_blocks=True)


def add_template_folder(folder: Path) -> None:
    """Let a program's pages use templates from `folder` (they may extend `base.html`)."""
    if all(str(folder) not in loader.searchpath for loader in _loaders):
        _loaders.append(FileSystemLoader(folder))


def number(value: Value) -> str:
    """A value as the charts and tables show it: no trailing zeros (`4`, `4.1`, `-20`), a text as it is,
    None as "–"."""
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0")


def _bar(x: float, y: float, length: float, height: float, series: int, title: str) -> str:
    return (f'<rect x="{x:.1f}" y="{y:.1f}" width="{length:.1f}" height="{height:.1f}" '
            f'fill="{COLOURS[series % len(COLOURS)]}"><title>{escape(title)}</title></rect>')


def _size(value: Value) -> float:
    """The bar's length in values: a negative value (an eNPS), a text or None draws no bar."""
    return max(value, 0) if isinstance(value, int | float) else 0


def _stacked(chart: Chart, y: float, values: Sequence[Value], scale: float) -> list[str]:
    parts, x = [], 160.0
    for series, value in enumerate(values):
        length = scale * _size(value)
        parts.append(_bar(x, y, length, BAR, series, f"{chart.series[series]}: {number(value)}"))
        x += length
    total = number(sum(value for value in values if isinstance(value, int | float)))
    parts.append(f'<text x="{x + 6:.1f}" y="{y + 17}" class="chart-value">{total}</text>')
    return parts


def _grouped(chart: Chart, y: float, values: Sequence[Value], scale: float) -> list[str]:
    parts, height = [], _row_height(chart) / max(len(values), 1)
    for series, value in enumerate(values):
        length, shown = scale * _size(value), number(value)
        top = y + series * height
        parts.append(_bar(160.0, top, length, height - 2, series, f"{chart.series[series]}: {shown}"))
        parts.append(f'<text x="{166 + length:.1f}" y="{top + height - 4:.1f}" class="chart-value">'
                     f'{escape(shown)}</text>')
    return parts


def _row_height(chart: Chart) -> float:
    """A stacked bar's height, or room for a labelled bar per series."""
    return BAR if chart.stacked else max(BAR, 17 * len(chart.series))


def bar_chart(chart: Chart) -> Markup:
    """The chart as inline SVG: a bar per row (stacked series, or one per series), labelled for screen readers."""
    width, gap, top = 640, 10, 10
    sizes = [[_size(value) for value in values] for _label, values in chart.rows]
    largest = max([sum(size) if chart.stacked else max(size, default=0) for size in sizes] or [1]) or 1
    scale = (width - 240) / largest
    row = _row_height(chart)
    height = top + len(chart.rows) * (row + gap) + 10
    parts = [f'<svg role="img" viewBox="0 0 {width} {height}" class="chart" aria-label="{escape(chart.title)}">']
    for index, (label, values) in enumerate(chart.rows):
        y = top + index * (row + gap)
        parts.append(f'<text x="0" y="{y + row / 2 + 5:.1f}" class="chart-label">{escape(label[:24])}</text>')
        parts += (_stacked if chart.stacked else _grouped)(chart, y, values, scale)
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every interpolated text is escaped above


environment.globals.update(bar_chart=bar_chart, number=number, colours=COLOURS, languages=LANGUAGES, locales=LOCALES)


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
