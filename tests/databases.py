"""Test databases: a migrated SQLite file per test, and one migrated PostgreSQL database per run."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import psycopg
from sqlalchemy import create_engine, text

from bot.db import migrate

POSTGRES_URL = os.environ.get(
    "FIVEFOLD_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def postgres_required() -> bool:
    """In CI (or when asked) an unreachable PostgreSQL fails the run instead of skipping."""
    return bool(os.environ.get("CI") or os.environ.get("FIVEFOLD_REQUIRE_POSTGRES"))


def postgres_reachable() -> str | None:
    """None when PostgreSQL answers, else why not."""
    try:
        with psycopg.connect(POSTGRES_URL.replace("+psycopg", ""), connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0]


def create_postgres_database() -> str:
    """A new, migrated database for this test run; returns its URL."""
    name = f"fivefold_test_{uuid.uuid4().hex[:10]}"
    admin = POSTGRES_URL.replace("+psycopg", "")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    migrate(url)
    return url


def drop_postgres_database(url: str) -> None:
    """Drop a database made by `create_postgres_database`."""
    name = url.rsplit("/", 1)[1]
    admin = POSTGRES_URL.replace("+psycopg", "")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def truncate_postgres(url: str) -> None:
    """Empty every table but Alembic's, between tests."""
    engine = create_engine(url)
    with engine.begin() as conn:
        tables = conn.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname='public' AND tablename <> 'alembic_version'"
        )).scalars().all()
        if tables:
            names = ", ".join(f'"{t}"' for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


def sqlite_template(directory: Path) -> Path:
    """A migrated SQLite file to copy for each test."""
    path = directory / "template.db"
    migrate(f"sqlite:///{path}")
    return path


def sqlite_copy(template: Path, directory: Path) -> str:
    """A fresh copy of the template; returns its URL."""
    path = directory / "fivefold.db"
    shutil.copy(template, path)
    return f"sqlite:///{path}"
