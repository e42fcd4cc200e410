"""What the app does once at startup, before it serves anyone."""

from __future__ import annotations

import gc

from litestar import Litestar
from litestar.testing import TestClient


def test_startup_leaves_what_it_made_out_of_full_garbage_collections(app: Litestar) -> None:
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    with TestClient(app):
        # Modules, routes, models and templates: walked by no full pass from now on.
        assert gc.get_freeze_count() > 50_000
