"""What programs and adapters add to the engine, gathered in one place at start-up.

The composition root (`app.py`) makes one `Installation`, hands it to every
program's and every adapter's `install(installation)`, and builds the web app,
the worker and the command line from what they added. The engine never imports
a program or an adapter: each one registers itself here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Protocol

import typer
from fastapi import APIRouter
from sqlalchemy import MetaData
from sqlmodel import SQLModel

from bot.broadcasts.audience import RoleMembers, Roles
from bot.console.app import new_registry
from bot.console.registry import ConsoleRegistry, Download
from bot.db import Database
from bot.engine import Engine
from bot.platform import PlatformPort
from bot.router import Router
from bot.settings import Settings


@dataclass(frozen=True)
class Connection:
    """An adapter connected to the engine: the port the worker sends through, and its webhook routes."""

    port: PlatformPort
    routes: APIRouter | None = None


class Connect(Protocol):
    """Builds an adapter for the running engine (once per process)."""

    def __call__(self, engine: Engine, db: Database) -> Connection: ...


@dataclass(frozen=True)
class PlatformSeam:
    """What one adapter registers.

    Attributes:
        name: the platform's name, as stored in `tenant.platform` (`slack`, `teams`).
        enabled: whether its settings configure it; a disabled platform serves no route and sends nothing.
        connect: builds the adapter (its port and routes) for a running engine.
        manifest: the app manifest admins download from the console, if the platform has one.
        own_tenant: its credentials name one tenant (a single-workspace install), which commands that
            look for a tenant make known first.
    """

    name: str
    enabled: bool
    connect: Connect
    manifest: Download | None = None
    own_tenant: bool = False


@dataclass(frozen=True, order=True)
class HelpEntry:
    """A line of `/cx help`: `what` (and `args`, if any) are msgids, translated when shown; lines go by `order`."""

    order: int
    command: str
    what: str
    args: str | None = None


@dataclass
class Installation:
    """The registry programs and adapters fill in their `install(installation)`.

    `settings` is None when only the tables are wanted (Alembic), so an `install`
    must not need settings to register its tables.
    """

    settings: Settings | None
    router: Router = field(default_factory=Router)
    console: ConsoleRegistry = field(default_factory=new_registry)
    api_routers: list[APIRouter] = field(default_factory=list)
    commands: list[tuple[str, typer.Typer]] = field(default_factory=list)
    subcommands: list[tuple[str, str, Callable[..., None]]] = field(default_factory=list)
    platforms: list[PlatformSeam] = field(default_factory=list)
    model_modules: list[ModuleType] = field(default_factory=list)
    table_hooks: list[Callable[[MetaData], None]] = field(default_factory=list)
    help: list[HelpEntry] = field(default_factory=list)
    roles: Roles = field(default_factory=Roles)

    def add_api(self, router: APIRouter) -> None:
        """Serve `router` (its paths are absolute, e.g. `/api/v1/...`)."""
        self.api_routers.append(router)

    def add_commands(self, name: str, commands: typer.Typer) -> None:
        """Add `fivefold <name> ...`: a group of commands on the command line."""
        if any(existing == name for existing, _ in self.commands):
            raise ValueError(f"`fivefold {name}` is already installed")
        self.commands.append((name, commands))

    def add_audience(self, kind: str, members_of: RoleMembers) -> None:
        """Offer the broadcast audience `{"kind": kind}`: the members `members_of(session, tenant_id)` names."""
        self.roles.add(kind, members_of)

    def add_help(self, *entries: HelpEntry) -> None:
        """Add lines to `/cx help` (mark their strings with `N_`)."""
        self.help.extend(entries)
        self.help.sort()

    def add_subcommand(self, group: str, name: str, command: Callable[..., None]) -> None:
        """Add `fivefold <group> <name>` to one of the engine's groups (e.g. `manifest`)."""
        self.subcommands.append((group, name, command))

    def add_models(self, *modules: ModuleType) -> None:
        """Name the modules whose SQLModel tables belong to this install (imported already)."""
        self.model_modules.extend(modules)

    def add_tables(self, hook: Callable[[MetaData], None]) -> None:
        """Add tables that are not SQLModel classes: `hook(metadata)` defines them on the metadata."""
        self.table_hooks.append(hook)

    def add_platform(self, seam: PlatformSeam) -> None:
        """Add a chat platform; its manifest is offered in the console."""
        if any(existing.name == seam.name for existing in self.platforms):
            raise ValueError(f"the platform {seam.name!r} is already installed")
        self.platforms.append(seam)
        if seam.enabled:
            self.console.configured.add(seam.name)
        if seam.manifest is not None:
            self.console.add_manifest(seam.name, seam.manifest)

    @property
    def enabled_platforms(self) -> list[PlatformSeam]:
        """The platforms whose settings configure them, in install order."""
        return [seam for seam in self.platforms if seam.enabled]

    def metadata(self) -> MetaData:
        """The one metadata with every installed table (what Alembic compares against)."""
        metadata: MetaData = SQLModel.metadata
        for hook in self.table_hooks:
            hook(metadata)
        return metadata
