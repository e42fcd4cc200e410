"""Staff read on their phone, in plain words of their language, why a message was not
e-mailed; the mail server's own words are for HR."""

from __future__ import annotations

from pathlib import Path

import pytest

from jobbank.core.settings import Settings
from jobbank.db import make_engine, make_session_factory
from jobbank.runtime.mail import send_outbox
from tests.browser.conftest import Demo, choose_language, log_in
from tests.browser.pw import Page, expect

pytestmark = pytest.mark.xdist_group("browser")


def test_staff_read_why_a_message_was_not_e_mailed_in_plain_words(
    page: Page, demo: Demo, tmp_path: Path
) -> None:
    engine = make_engine(Settings(data_dir=demo.data_dir).url)
    try:  # the demo has no mail server: the outbox gives up sending, as the app's loop would
        send_outbox(make_session_factory(engine), Settings(data_dir=demo.data_dir))
    finally:
        engine.dispose()
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "anne")
    page.goto("/messages")
    message = page.locator("article.message").first
    expect(message.locator(".message-notice")).to_have_text(
        "Jobbank sender ikke e-mails i øjeblikket, så den vises kun her."
    )
    expect(page.locator("main")).not_to_contain_text("SMTP")
    expect(page.locator("#messages-count")).to_have_text("1 besked")
    page.screenshot(path=tmp_path / "messages-da.png")

    choose_language(page, "English")
    expect(message.locator(".message-notice")).to_have_text(
        "Jobbank does not send e-mail at the moment, so it is only shown here."
    )
    expect(page.locator("#messages-count")).to_have_text("1 message")
    page.screenshot(path=tmp_path / "messages-en.png")
    choose_language(page, "Dansk")
