"""The deployments' services run on the API tests' world (`tests/api/world.py`): a copy of
the seeded database per test, with published rounds of `tests/api/published_round.py`."""

from tests.api.conftest import app, seeded_template, world, world_url

__all__ = ["app", "seeded_template", "world", "world_url"]
