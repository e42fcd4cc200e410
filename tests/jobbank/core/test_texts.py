"""One text policy for all human text (`jobbank.core.texts`), kept by the command line too."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from sqlalchemy.orm import Session

from jobbank.accounts import add_user
from jobbank.core import texts
from jobbank.core.errors import InvalidInput
from jobbank.core.roles import Role
from jobbank.seeding import AreaSeed, NeedSeed
from tests.builders import PASSWORD

INVISIBLE_ONLY = "must hold a visible character, not only invisible ones"


def test_text_is_normalised_and_trimmed() -> None:
    assert texts.clean("name", texts.Name, "  Rene\u0301 Berg \n") == "René Berg"
    assert texts.clean("description", texts.Description, "Mop\r\n\tfloors") == "Mop\n\tfloors"


@pytest.mark.parametrize(
    ("kind", "value", "words"),
    [
        (texts.Name, "Anne\x00", "must not hold control characters (U+0000)"),
        (texts.Name, "Anne\x01Berg", "must not hold control characters (U+0001)"),
        (texts.Name, "Anne\nBerg", "must not hold line breaks or tabs (U+000A)"),
        (texts.Description, "Mop\x7ffloors", "must not hold control characters (U+007F)"),
        (texts.Name, "Anne \u202egreB", "must not hold characters that reorder text (U+202E)"),
        (texts.Name, "Anne \u2066Berg", "must not hold characters that reorder text (U+2066)"),
        (
            texts.Name,
            "\u200b\u200d\ufeff",
            "must hold a visible character, not only invisible ones",
        ),
        (texts.Name, "\u3164", "must hold a visible character, not only invisible ones"),
        (texts.Name, "x" * 201, "must be at most 200 characters, got 201"),
        (texts.Description, "x" * 4001, "must be at most 4000 characters, got 4001"),
    ],
)
def test_text_against_the_policy_is_refused_naming_the_field(
    kind: object, value: str, words: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        texts.clean("name", kind, value)
    assert str(refused.value) == f"name: {words}"


def test_ordinary_text_of_every_script_passes() -> None:
    for name in ("Søren Ærø", "Ayşe Yılmaz", "محمد", "Đặng Thị", "O'Brien-Smith"):
        assert texts.clean("name", texts.Name, name) == name


def test_sample_data_keeps_the_bounds_and_the_policy() -> None:
    with pytest.raises(ValidationError, match="control characters"):
        AreaSeed(name="Ældre\x01")
    with pytest.raises(ValidationError, match="less than or equal to 168"):
        NeedSeed(ref="n1", unit="u", skill="s", hours=1e30)


def test_a_log_in_made_on_the_command_line_keeps_the_policy(session: Session) -> None:
    with pytest.raises(InvalidInput, match="username: must not hold control characters"):
        add_user(session, username="anne\x01", password=PASSWORD, roles=[Role.STAFF])
