"""Every kind of message the outbox writes has its words on the messages page, in English and
Danish: a kind without them would break the page of everyone who received one."""

from __future__ import annotations

import pytest

from api.pages.i18n import translate
from api.pages.messages import KINDS
from jobbank.db.models import MessageKind


@pytest.mark.parametrize("kind", list(MessageKind))
def test_each_kind_of_message_has_its_words_in_both_languages(kind: MessageKind) -> None:
    assert kind in KINDS
    english = translate("en", KINDS[kind])
    assert english and translate("da", KINDS[kind]) != english
