"""Settings read from the environment, so that one image serves every deployment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./var/zhifa.db"


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    plugins_file: Path = Path("plugins.toml")
    production: bool = False
    trace_plugins: bool = False

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        return cls(
            database_url=env.get("ZHIFA_DATABASE_URL", DEFAULT_DATABASE_URL),
            plugins_file=Path(env.get("ZHIFA_PLUGINS_FILE", "plugins.toml")),
            production=env.get("ZHIFA_MODE", "development") == "production",
            trace_plugins=env.get("ZHIFA_TRACE_PLUGINS") == "1",
        )
