"""Configuration from the environment: where the data lives and how to reach the database."""

from __future__ import annotations

import secrets
from functools import cached_property
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """`JOBBANK_DATA_DIR`, `DATABASE_URL` and `JOBBANK_SECRET_KEY`; all have working defaults."""

    model_config = SettingsConfigDict(env_prefix="JOBBANK_", extra="ignore")

    data_dir: Path = Path("data")
    database_url: str = Field("", validation_alias="DATABASE_URL")
    secret_key: str = ""

    @cached_property
    def url(self) -> str:
        """The SQLAlchemy URL: `DATABASE_URL`, or SQLite in the data directory."""
        if not self.database_url:
            return f"sqlite:///{(self.data_dir / 'jobbank.db').resolve()}"
        return normalise_database_url(self.database_url)

    def session_secret(self) -> str:
        """The secret that signs sessions: the configured one, else one kept in the data folder."""
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret_key"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip()


def normalise_database_url(url: str) -> str:
    """Accept the usual `postgres://` and `postgresql://` forms and use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def load_settings() -> Settings:
    return Settings()
