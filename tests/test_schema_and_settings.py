"""Migrations agree with the models; readiness and start-up refuse a database that is behind."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import httpx
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine

from bot.db import Database, sync_url
from bot.errors import ConfigurationError, DatabaseBehindError
from bot.settings import Settings
from migrations.metadata import target_metadata
from tests.conftest import Served, make_settings


def test_models_and_migrations_agree(database_url):
    engine = create_engine(sync_url(database_url))
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, target_metadata()) == []
    engine.dispose()


def test_readyz_and_healthz_at_head(served):
    assert httpx.get(served.base_url + "/healthz").json() == {"status": "ok"}
    ready = httpx.get(served.base_url + "/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "ok"
    assert "fivefold_interactions_total" in httpx.get(served.base_url + "/metrics").text


def test_a_database_that_is_behind_is_refused(tmp_path, fake_slack):
    url = f"sqlite:///{tmp_path / 'empty.db'}"

    async def check() -> None:
        db = Database(url)
        try:
            await db.require_head()
        finally:
            await db.close()

    with pytest.raises(DatabaseBehindError, match="run `fivefold migrate`"):
        asyncio.run(check())
    with pytest.raises(RuntimeError, match="did not start"), Served(make_settings(url, fake_slack.url)):
        pass
    env = {**os.environ, "DATABASE_URL": url, "FIVEFOLD_ENV": "test"}
    cli = subprocess.run([sys.executable, "-c", "from app import main; main()", "serve", "--port", "0"],
                         env=env, capture_output=True, text=True, timeout=60, check=False)
    assert cli.returncode == 1
    assert "run `fivefold migrate` first" in " ".join(cli.stderr.split())


def test_production_refuses_the_default_secret_key():
    with pytest.raises(ValueError, match="FIVEFOLD_SECRET_KEY"):
        Settings(_env_file=None, FIVEFOLD_ENV="production")  # type: ignore[call-arg]
    ok = Settings(_env_file=None, FIVEFOLD_ENV="production", FIVEFOLD_SECRET_KEY="k" * 40)  # type: ignore[call-arg]
    assert ok.secret_key.get_secret_value() == "k" * 40


def test_bad_settings_are_named():
    with pytest.raises(ValueError, match="unknown time zone"):
        Settings(_env_file=None, FIVEFOLD_DEFAULT_TIMEZONE="Mars/Olympus")  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="DATABASE_URL"):
        Settings(_env_file=None, DATABASE_URL="mysql://x")  # type: ignore[call-arg]
    assert issubclass(ConfigurationError, Exception)
