"""Configuration from the environment: where the data lives and how to reach the database."""

from __future__ import annotations

import secrets
from functools import cached_property
from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """`JOBBANK_DATA_DIR`, `DATABASE_URL` and `JOBBANK_SECRET_KEY`; all have working defaults."""

    model_config = SettingsConfigDict(env_prefix="JOBBANK_", extra="ignore")

    data_dir: Path = Path("data")
    database_url: str = Field("", validation_alias="DATABASE_URL")
    secret_key: str = ""
    smtp_url: str = Field("", validation_alias=AliasChoices("SMTP_URL", "JOBBANK_SMTP_URL"))
    """`smtp://user:password@host:port` (or `smtps://` for TLS from the start); empty: no
    e-mail is sent and messages are only shown on people's pages."""
    smtp_from: str = "Jobbank <jobbank@localhost>"
    smtp_starttls: bool = False
    smtp_timeout_seconds: float = 10.0
    mail_max_attempts: int = 5
    """Sending attempts before a message is marked failed."""
    mail_retry_base_seconds: float = 60.0
    """The wait after the first failed attempt; it doubles after each further one."""
    outbox_every_seconds: float = 30.0
    """How often the app sweeps overdue checklist items and sends the outbox; 0: never."""
    import_max_bytes: int = Field(5_000_000, gt=0, description="Largest import file, in bytes.")
    import_max_rows: int = Field(10_000, gt=0, description="Most data rows in an import file.")

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
