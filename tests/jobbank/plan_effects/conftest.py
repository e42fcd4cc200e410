"""The API tests' world (`tests/api/world.py`) with a published round, for what follows a
change to its plan: Anne and Bo (borgerservice, led by Erik) are lent, Frida leads Solgården
(need n1), Gustav Hjemmeplejen (need n2), Dorte is HR. Bo is in a risk group."""

from tests.api.conftest import (  # noqa: F401 (the API tests' world and clients)
    app,
    as_user,
    open_clients,
    seeded_template,
    world_url,
)
from tests.jobbank.notifications.conftest import factory  # noqa: F401
