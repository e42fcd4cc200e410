"""Logging in and out with the municipality's account, in Chromium: the demo served with
sign-on switched on against a real OpenID provider on loopback (tests/sign_on/provider.py).

HR, a unit leader and a staff member each leave Jobbank's log-in page for the provider, log
in there, land on their own front page, and log out of both; a staff member signing on for
the first time gets a log-in made; someone Jobbank does not know gets a page saying so. The
demo's people are matched by employee number here (the API tests match by e-mail).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import CHROMIUM, SCREENSHOTS, Demo
from tests.browser.pw import Page, expect
from tests.browser.steps import PHONE_WIDTH, fits_a_phone, switch_language
from tests.servers import demo_server, free_port
from tests.sign_on.provider import (
    ANY_PASSWORD,
    SCOPES,
    Account,
    OpenIdProvider,
    RegisteredClient,
)

pytestmark = pytest.mark.xdist_group("browser")

PEOPLE = [
    Account(sub="hanne", employee_number="e1007", name="Hanne Kjær"),  # HR
    Account(sub="leder.solgaarden", employee_number="e1008"),  # Solgården's leader
    Account(sub="anne", employee_number="e1001"),  # staff, a volunteer
    Account(sub="e1040", employee_number="e1040"),  # staff with no Jobbank log-in yet
    Account(sub="stranger", employee_number="x-404"),  # nobody Jobbank knows
]


@pytest.fixture(scope="module")
def sso_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """The demo with sign-on on; a provider that has Jobbank registered as a client."""
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed")
    port = free_port()
    base = f"http://localhost:{port}"
    client = RegisteredClient(
        redirect_uris=[f"{base}/login/sso/callback"], post_logout_redirect_uris=[f"{base}/login"]
    )
    folder = tmp_path_factory.mktemp("sso-demo")
    with OpenIdProvider(clients=[client], accounts=PEOPLE) as provider:
        env = {
            "JOBBANK_OIDC_ISSUER": provider.issuer,
            "JOBBANK_OIDC_CLIENT_ID": client.client_id,
            "JOBBANK_OIDC_CLIENT_SECRET": client.client_secret,
            "JOBBANK_OIDC_SCOPES": SCOPES,
            "JOBBANK_OIDC_MATCH_CLAIM": "employee_number",
            "JOBBANK_OIDC_MATCH_FIELD": "employee_no",
        }
        with demo_server(folder, port=port, env=env) as served:
            yield Demo(base_url=served, data_dir=folder / "data")


@pytest.fixture
def sso_page(browser: object, sso_demo: Demo) -> Iterator[Page]:
    context = browser.new_context(  # type: ignore[attr-defined]
        base_url=sso_demo.base_url, viewport={"width": 1100, "height": 900}
    )
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def sign_on(page: Page, login: str, lands_at: str = "**/") -> None:
    """From Jobbank's log-in page through the provider's, back to Jobbank (at `lands_at`)."""
    page.goto("/login")
    page.get_by_role("link", name="Log ind med din kommunale konto").click()
    page.locator('input[name="login"]').fill(login)
    page.locator('input[name="password"]').fill(ANY_PASSWORD)
    page.locator('button[type="submit"]').click()
    page.wait_for_url(lands_at)


def log_out_of_both(page: Page, button: str) -> None:
    """Jobbank's log-out, then the provider's confirmation, back at Jobbank's log-in page."""
    page.get_by_role("button", name=button).click()
    page.locator('button[name="logout"]').click()
    page.wait_for_url("**/login")
    assert page.request.get("/api/me").status == 401


def me(page: Page) -> dict[str, object]:
    answer: dict[str, object] = json.loads(page.request.get("/api/me").text())
    return answer


def shot(page: Page, name: str, tmp_path: Path) -> None:
    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)


def test_hr_signs_on_and_off_in_danish(sso_page: Page, tmp_path: Path) -> None:
    sso_page.goto("/login")
    expect(sso_page.get_by_role("link", name="Log ind med din kommunale konto")).to_be_visible()
    expect(sso_page.get_by_label("Brugernavn")).to_be_visible()  # passwords stay on in the demo
    sso_page.screenshot(path=str(SCREENSHOTS / "login-sign-on-da.png"))
    sign_on(sso_page, "hanne")
    assert sso_page.url.endswith("/")
    assert (me(sso_page)["username"], me(sso_page)["roles"]) == ("hr", ["hr_coordinator"])
    expect(sso_page.locator(".who")).to_contain_text("Hanne Kjær")
    shot(sso_page, "hr-home", tmp_path)
    log_out_of_both(sso_page, "Log ud")


def test_a_leader_signs_on_and_off_in_english(sso_page: Page, tmp_path: Path) -> None:
    sign_on(sso_page, "leder.solgaarden")
    assert me(sso_page)["roles"] == ["unit_leader"]
    switch_language(sso_page, "English")
    expect(sso_page.get_by_role("button", name="Log out")).to_be_visible()
    shot(sso_page, "leader-home-en", tmp_path)
    log_out_of_both(sso_page, "Log out")
    expect(sso_page.get_by_role("link", name="Log in with your municipal account")).to_be_visible()
    sso_page.screenshot(path=str(SCREENSHOTS / "login-sign-on-en.png"))
    switch_language(sso_page, "Dansk")  # the person's language is kept for the next test


def test_staff_sign_on_on_a_phone(sso_page: Page, tmp_path: Path) -> None:
    sso_page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    sign_on(sso_page, "anne")
    assert (me(sso_page)["username"], me(sso_page)["roles"]) == ("anne", ["staff"])
    fits_a_phone(sso_page)
    shot(sso_page, "staff-home-phone", tmp_path)
    log_out_of_both(sso_page, "Log ud")
    fits_a_phone(sso_page)


def test_a_first_sign_on_makes_the_log_in(sso_page: Page) -> None:
    sign_on(sso_page, "e1040")
    assert (me(sso_page)["username"], me(sso_page)["roles"]) == ("e1040", ["staff"])
    log_out_of_both(sso_page, "Log ud")


def test_someone_jobbank_does_not_know_is_told_so(sso_page: Page, tmp_path: Path) -> None:
    sso_page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    sign_on(sso_page, "stranger", lands_at="**/login/sso/callback?*")
    expect(sso_page.locator("#sign-on-refused")).to_contain_text("Jobbanken kender dig ikke endnu")
    fits_a_phone(sso_page)
    shot(sso_page, "unknown-person-phone", tmp_path)
    sso_page.get_by_role("link", name="Tilbage til log ind").click()
    expect(sso_page.get_by_role("link", name="Log ind med din kommunale konto")).to_be_visible()
