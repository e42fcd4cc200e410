"""Every way a sign-on can be refused has its words, in English and Danish."""

from __future__ import annotations

import pytest

from api.pages.refusals import SENTENCES, sign_on_sentence
from jobbank.sign_on.refusals import REFUSAL_CODES, SignOnRefused


@pytest.mark.parametrize("code", REFUSAL_CODES)
def test_each_refusal_is_told_in_both_languages(code: str) -> None:
    assert code in SENTENCES
    english = sign_on_sentence("en", SignOnRefused(code))
    danish = sign_on_sentence("da", SignOnRefused(code))
    assert english == SENTENCES[code]
    assert danish != english, f"{code} has no Danish words"


def test_the_codes_are_told_apart() -> None:
    assert len(set(REFUSAL_CODES)) == len(REFUSAL_CODES)
