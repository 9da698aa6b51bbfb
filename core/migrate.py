"""Alembic, driven from code: the core's revisions plus every plug-in's own branch."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config

from zhifa import migrations

CORE_VERSIONS = Path(migrations.__file__).parent / "versions"


def alembic_config(database_url: str, plugin_folders: list[Path] | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(Path(migrations.__file__).parent))
    locations = [CORE_VERSIONS, *(plugin_folders or [])]
    config.set_main_option("path_separator", "newline")
    config.set_main_option("version_locations", "\n".join(str(p) for p in locations))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, plugin_folders: list[Path] | None = None) -> None:
    """Apply every head (core and plug-in branches). Runs its own event loop: call from sync code."""
    command.upgrade(alembic_config(database_url, plugin_folders), "heads")


async def upgrade_async(database_url: str, plugin_folders: list[Path] | None = None) -> None:
    await asyncio.to_thread(upgrade, database_url, plugin_folders)
