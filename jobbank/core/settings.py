"""Configuration from the environment: where the data lives and how to reach the database."""

from __future__ import annotations

import contextlib
import os
import secrets
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

IMPORT_FORM_ALLOWANCE = 64 * 1024
"""Room in a request for the multipart framing and mapping file around an import file."""


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
    """How often the app sends the outbox (and sweeps, see below); 0: never."""
    overdue_sweep_every_seconds: float = 900.0
    """How often, at most, those rounds also look for newly overdue checklist items: items turn
    overdue by the day, and a sweep of a big job bank costs a tenth of a second of the app."""
    import_max_bytes: int = Field(5_000_000, gt=0, description="Largest import file, in bytes.")
    import_max_rows: int = Field(10_000, gt=0, description="Most data rows in an import file.")
    retention_days: int = Field(
        0, ge=0, description="Rounds ended longer ago lose their personal data; 0: kept."
    )
    """`JOBBANK_RETENTION_DAYS`, applied by `jobbank retention apply` (e.g. daily from cron)."""
    request_max_bytes: int = Field(10_000_000, gt=0, description="Largest request body, in bytes.")
    round_max_size: int = Field(
        300_000_000, gt=0, description="Most staff × needs × weeks in one round's snapshot."
    )
    """The default lets the large benchmark round (10,000 × 7,500 × 4 weeks) through."""
    solve_max_seconds: float = Field(
        600.0, gt=0, le=600, description="Longest solver time limit one solve may ask for."
    )
    db_pool_size: int = Field(
        2,
        ge=1,
        description=(
            "Database connections an app process keeps open, and so how many of its requests "
            "work at once; the others wait their turn for a connection. Few is faster: a "
            "process runs Python on one core at a time, so more requests at once only take "
            "turns on it, and each new connection prepares and plans the hot statements again."
        ),
    )
    db_pool_timeout: float = Field(
        30.0, gt=0, description="Seconds a request waits for a free connection before it fails."
    )
    page_max_limit: int = Field(500, ge=1, description="Most rows one page of a list may hold.")
    password_min_length: int = Field(12, ge=8, description="Shortest password accepted.")
    local_passwords: bool = True
    """False: nobody logs in with a Jobbank password (pages, API, tokens), only through the
    municipality's sign-on; API clients then make their tokens from a signed-on session."""
    session_idle_minutes: int = Field(
        120, ge=0, description="A browser session unused this long ends; 0: only the 12 h cap."
    )
    behind_tls: bool = False
    """True when a proxy in front ends TLS: HSTS is then sent even on plain-HTTP requests."""
    solve_queue: Literal["process", "saq"] = "process"
    """`process`: the app spawns one process per solve (no queue, no worker to run). `saq`: the
    app queues solves on SAQ and `jobbank worker` processes, anywhere, solve them; PostgreSQL."""
    queue_url: str = ""
    """Where SAQ keeps its jobs: empty for the app's own PostgreSQL database, or `redis://…`."""

    @cached_property
    def url(self) -> str:
        """The SQLAlchemy URL: `DATABASE_URL`, or SQLite in the data directory."""
        if not self.database_url:
            return f"sqlite:///{(self.data_dir / 'jobbank.db').resolve()}"
        return normalise_database_url(self.database_url)

    @property
    def body_limit(self) -> int:
        """The request body limit, never below what an allowed import file needs."""
        return max(self.request_max_bytes, self.import_max_bytes + IMPORT_FORM_ALLOWANCE)

    def session_secret(self) -> str:
        """The secret that signs sessions: the configured one, else one kept in the data folder."""
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret_key"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            # Written aside, then linked in place, which fails if it is there already: app
            # processes starting together on one folder end up sharing the first one's secret.
            draft = path.with_name(f"secret_key.{os.getpid()}")
            descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "w") as out:
                out.write(secrets.token_urlsafe(48))
            with contextlib.suppress(FileExistsError):
                os.link(draft, path)
            draft.unlink()
        return path.read_text().strip()


def normalise_database_url(url: str) -> str:
    """Accept the usual `postgres://` and `postgresql://` forms and use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def load_settings() -> Settings:
    return Settings()
