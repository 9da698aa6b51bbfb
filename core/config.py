"""Settings read from the environment, so that one image serves every deployment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./var/zhifa.db"
DEV_KEY_FILE = Path("var/data.key")


class ConfigError(RuntimeError):
    pass


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    plugins_file: Path = Path("plugins.toml")
    production: bool = False
    trace_plugins: bool = False
    data_key: str | None = None  # 32 hex digits; development falls back to var/data.key
    jwt_secret: str | None = None  # HS256, development
    jwt_public_key_file: Path | None = None  # RS256/ES256 PEM, production
    jwt_jwks_file: Path | None = None  # or a JWKS file
    jwt_audience: str = "zhifa"
    rate_limit_per_minute: int = 600
    max_body_bytes: int = 1_000_000
    holidays_file: Path = Path("holidays.toml")  # years of holiday notices the package does not know
    case_policy_file: Path = Path("case-policy.toml")  # the deployment's CasePolicy (core.cases.policy.load_policy)
    review_rubric_file: Path | None = None  # 案卷评查标准 (TOML); None: core/supervision/rubric.toml
    compiled_pages: bool = True  # pages of plain fields built as JSON in SQL (ZHIFA_COMPILED_PAGES=0: the planned path)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)

        def path(name: str) -> Path | None:
            return Path(env[name]) if env.get(name) else None

        return cls(
            database_url=env.get("ZHIFA_DATABASE_URL", DEFAULT_DATABASE_URL),
            plugins_file=Path(env.get("ZHIFA_PLUGINS_FILE", "plugins.toml")),
            production=env.get("ZHIFA_MODE", "development") == "production",
            trace_plugins=env.get("ZHIFA_TRACE_PLUGINS") == "1",
            data_key=env.get("ZHIFA_DATA_KEY") or None,
            jwt_secret=env.get("ZHIFA_JWT_SECRET") or None,
            jwt_public_key_file=path("ZHIFA_JWT_PUBLIC_KEY_FILE"),
            jwt_jwks_file=path("ZHIFA_JWT_JWKS_FILE"),
            jwt_audience=env.get("ZHIFA_JWT_AUDIENCE", "zhifa"),
            rate_limit_per_minute=int(env.get("ZHIFA_RATE_LIMIT_PER_MINUTE", "600")),
            max_body_bytes=int(env.get("ZHIFA_MAX_BODY_BYTES", "1000000")),
            holidays_file=Path(env.get("ZHIFA_HOLIDAYS_FILE", "holidays.toml")),
            case_policy_file=Path(env.get("ZHIFA_CASE_POLICY_FILE", "case-policy.toml")),
            review_rubric_file=path("ZHIFA_REVIEW_RUBRIC_FILE"),
            compiled_pages=env.get("ZHIFA_COMPILED_PAGES", "1") != "0",
        )

    def data_key_hex(self) -> str:
        """The personal-data key. Production must configure it; development keeps one in var/."""
        if self.data_key:
            return self.data_key
        if self.production:
            raise ConfigError("生产模式必须设置 ZHIFA_DATA_KEY（32 位十六进制 SM4 密钥）")
        if not DEV_KEY_FILE.exists():
            DEV_KEY_FILE.parent.mkdir(parents=True, exist_ok=True)
            DEV_KEY_FILE.write_text(os.urandom(16).hex())
            DEV_KEY_FILE.chmod(0o600)
        return DEV_KEY_FILE.read_text().strip()

    def jwt_secret_or_dev(self) -> str | None:
        """HS256 secret; development without one uses a fixed, clearly non-secret value."""
        if self.jwt_secret or self.production:
            return self.jwt_secret
        return "zhifa-development-only-secret-do-not-use-in-production"
