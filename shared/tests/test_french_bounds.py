"""A bound's refusal says what is allowed: a strict bound ("plus de 0") is not an inclusive one
("au moins 0"), and the number reads as French writes it."""

from __future__ import annotations

import pydantic
import pytest

from jobdating.runtime.http_inputs import french_validation_error


class Bounded(pydantic.BaseModel):
    positive: float = pydantic.Field(default=1, gt=0)
    at_least: int = pydantic.Field(default=1, ge=1)
    below: int = pydantic.Field(default=1, lt=10)
    share: float = pydantic.Field(default=0.1, le=0.5)
    at_most: int = pydantic.Field(default=1, le=9)


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("positive", 0, "valeur trop petite (plus de 0)"),
        ("at_least", 0, "valeur trop petite (au moins 1)"),
        ("below", 10, "valeur trop grande (moins de 10)"),
        ("at_most", 10, "valeur trop grande (au plus 9)"),
        ("share", 0.75, "valeur trop grande (au plus 0,5)"),
    ],
)
def test_each_bound_is_said_as_it_is(field: str, value: int, reason: str) -> None:
    with pytest.raises(pydantic.ValidationError) as refused:
        Bounded(**{field: value})
    assert french_validation_error(refused.value.errors()[0]) == {"field": field, "reason": reason}
