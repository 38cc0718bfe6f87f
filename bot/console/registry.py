"""What the console shows: pages and overview charts, registered at start-up.

The engine registers its own pages; each program adds its pages and charts in its
`install(installation)` (to `installation.console`), so the console never imports a
program, the way the admin API is extended.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter
from sqlalchemy.ext.asyncio import AsyncSession

from bot.console.models import ConsoleRole
from bot.i18n import Translator

ALL_ROLES = frozenset(ConsoleRole)
Value = float | str | None


@dataclass(frozen=True)
class Chart:
    """A bar chart and the table of its numbers: one row per label, one value per series.

    A value may be a text instead of a number (a suppressed eNPS says "suppressed", never a
    number) or None (nothing known, shown as "–"): neither draws a bar, nor does a negative one.
    `stacked=False` draws one bar per series side by side, for values that do not add up (a
    score and a rate, a value and its target). `note` heads a text column whose `notes` (one
    per row) follow the numbers in the table (a KPI's status, the current send rate).
    """

    title: str
    series: list[str]
    rows: Sequence[tuple[str, Sequence[Value]]]
    stacked: bool = True
    note: str = ""
    notes: Sequence[str] = ()


ChartSource = Callable[[AsyncSession, int, Translator], Awaitable[Chart]]


@dataclass(frozen=True)
class Download:
    """A file admins download from the console (a platform's app manifest): `build(public_url)` makes it."""

    filename: str
    media_type: str
    build: Callable[[str], bytes]


@dataclass(frozen=True)
class ConsolePage:
    """A page in the navigation: `path` under `/admin`, `title` a msgid, shown to `roles`."""

    path: str
    title: str
    router: APIRouter
    roles: frozenset[ConsoleRole] = ALL_ROLES
    order: int = 100
    menu: bool = True
    """False for a page reached from another one (e.g. a settings section's form targets)."""


@dataclass(frozen=True)
class SettingsSection:
    """A part of the settings page a program owns: `template` rendered with what `load` returns.

    The template's forms post to the program's own page (registered with `menu=False`).
    """

    template: str
    load: Callable[[AsyncSession, int], Awaitable[dict[str, Any]]]


@dataclass
class ConsoleRegistry:
    """The pages and overview charts the console serves."""

    pages: list[ConsolePage] = field(default_factory=list)
    charts: list[ChartSource] = field(default_factory=list)
    chart_roles: dict[ChartSource, frozenset[ConsoleRole]] = field(default_factory=dict)
    manifests: dict[str, Download] = field(default_factory=dict)
    settings_sections: list[SettingsSection] = field(default_factory=list)
    configured: set[str] = field(default_factory=set)  # the platforms whose settings configure them

    def add_page(self, page: ConsolePage) -> None:
        """Add a page; its router's paths are relative to `/admin`."""
        if any(existing.path == page.path for existing in self.pages):
            raise ValueError(f"a console page already serves /admin{page.path}")
        self.pages.append(page)
        self.pages.sort(key=lambda p: p.order)

    def add_chart(self, source: ChartSource, roles: frozenset[ConsoleRole] = ALL_ROLES) -> ChartSource:
        """Add a chart to the overview, shown to `roles` (e.g. survey results only to those who may read them)."""
        self.charts.append(source)
        self.chart_roles[source] = roles
        return source

    def charts_for(self, role: ConsoleRole) -> list[ChartSource]:
        """The overview charts `role` may see, in the order they were added."""
        return [source for source in self.charts if role in self.chart_roles.get(source, ALL_ROLES)]

    def add_manifest(self, platform: str, download: Download) -> None:
        """Serve `download` at `/admin/manifest/{platform}` (each adapter's `install` adds its own)."""
        self.manifests[platform] = download

    def navigation(self, role: ConsoleRole) -> list[ConsolePage]:
        """The pages `role` may open, in menu order."""
        return [page for page in self.pages if page.menu and role in page.roles]

    def add_settings_section(self, section: SettingsSection) -> None:
        """Show a program's section on the settings page (the composition root's programs add theirs)."""
        self.settings_sections.append(section)
