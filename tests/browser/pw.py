"""Playwright's page API for the browser tests, or a skip of the importing module without it.

Under CI (env `CI` set) a missing Playwright is an error, so a broken CI image cannot pass by
skipping."""

from __future__ import annotations

import os

import pytest

try:
    from playwright.sync_api import Locator, Page, expect
except ImportError:  # pragma: no cover - the dev extras install it
    if os.environ.get("CI"):
        raise
    pytest.skip("playwright is not installed (pip install -e '.[dev]')", allow_module_level=True)

__all__ = ["Locator", "Page", "expect"]
