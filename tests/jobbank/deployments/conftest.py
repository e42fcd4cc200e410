"""The deployment services' tests run on the API tests' world (its people and published
rounds, `tests.api.published_round`), read and written through the services directly."""

from __future__ import annotations

from tests.api.conftest import app, seeded_template, world, world_url

__all__ = ["app", "seeded_template", "world", "world_url"]
