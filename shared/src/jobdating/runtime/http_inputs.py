"""What the services' HTTP APIs take in: request bodies, typed text and times, page offsets, commands built
from bodies, and pydantic's validation errors said in French."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import time
from typing import Annotated, Any, Final, TypeVar

import msgspec
from fastapi import Query
from pydantic import AfterValidator, BaseModel, ConfigDict
from pydantic_core import PydanticCustomError

from jobdating.runtime.text import text_problem


class Body(BaseModel):
    """A request body: an unknown field is most often a typo, better refused than silently ignored."""

    model_config = ConfigDict(extra="forbid")


C = TypeVar("C")


def to_command(kind: type[C], fields: Mapping[str, Any], **given: Any) -> C:
    """A command from a request body's fields (nested bodies become the command's structs, lists its
    tuples) and what the API adds (`given`: a generated id, the caller's organisation...)."""
    return msgspec.convert(dict(fields) | given, kind)


def _typed_text(value: str) -> str:
    problem = text_problem(value)
    if problem is not None:
        raise PydanticCustomError("text_forbidden", problem)
    return value


def _local_time(value: time) -> time:
    if value.tzinfo is not None:
        raise PydanticCustomError("time_with_zone", "heure sans fuseau attendue, au format HH:MM")
    return value


Text = Annotated[str, AfterValidator(_typed_text)]
"""Free text a person types: no lone surrogate, NUL or control character (refused with a French reason)."""

LocalTime = Annotated[time, AfterValidator(_local_time)]
"""A wall-clock time at the sites, `HH:MM`; one with a zone is refused (the day's zone says it)."""

MAX_POSITION: Final = 2**63 - 1  # the largest integer SQLite and PostgreSQL store
Offset = Annotated[int, Query(ge=0, le=MAX_POSITION, description="rows to skip")]
"""A page's offset, bounded where the stores' integers end."""

# Errors raised by this module's types (and a service's settings) carry their French reason as the message.
OWN_ERRORS: Final = frozenset({"text_forbidden", "time_with_zone", "setting_retired"})

# pydantic's messages are English; the people typing read French.
FRENCH_REASONS = {
    "missing": "champ obligatoire",
    "extra_forbidden": "champ inconnu",
    "string_type": "texte attendu",
    "float_type": "nombre attendu",
    "float_parsing": "nombre attendu",
    "finite_number": "nombre attendu",
    "int_type": "nombre entier attendu",
    "int_parsing": "nombre entier attendu",
    "int_from_float": "nombre entier attendu",
    "bool_type": "oui (true) ou non (false) attendu",
    "bool_parsing": "oui (true) ou non (false) attendu",
    "date_type": "date attendue, au format AAAA-MM-JJ",
    "date_parsing": "date attendue, au format AAAA-MM-JJ",
    "date_from_datetime_parsing": "date attendue, au format AAAA-MM-JJ",
    "time_type": "heure attendue, au format HH:MM",
    "time_parsing": "heure attendue, au format HH:MM",
    "datetime_type": "date et heure attendues, au format AAAA-MM-JJTHH:MM",
    "datetime_parsing": "date et heure attendues, au format AAAA-MM-JJTHH:MM",
    "datetime_from_date_parsing": "date et heure attendues, au format AAAA-MM-JJTHH:MM",
    "list_type": "liste attendue",
    "model_type": "objet attendu",
    "model_attributes_type": "objet attendu",
    "dict_type": "objet attendu",
    "json_invalid": "JSON invalide",
    "string_pattern_mismatch": "format non reconnu",
    "uuid_type": "identifiant (UUID) attendu",
    "uuid_parsing": "identifiant (UUID) attendu",
    "url_type": "adresse web attendue",
    "url_parsing": "adresse web attendue",
    "url_scheme": "adresse web attendue (http ou https)",
    "dict_attributes_type": "objet attendu",
    "set_type": "liste attendue",
    "tuple_type": "liste attendue",
    "bytes_type": "texte attendu",
}


# A number out of its bounds, said with the bound its context names: (sentence, ctx key of the bound).
# A strict bound (`lt`, `gt`) refuses the bound itself too, hence « moins de » / « plus de ».
NUMBER_BOUNDS: dict[str, tuple[str, str]] = {
    "less_than_equal": ("valeur trop grande (au plus {bound})", "le"),
    "less_than": ("valeur trop grande (moins de {bound})", "lt"),
    "greater_than_equal": ("valeur trop petite (au moins {bound})", "ge"),
    "greater_than": ("valeur trop petite (plus de {bound})", "gt"),
}
# A text or a list of the wrong length, likewise: the bound is a count of characters or items.
LENGTH_BOUNDS: dict[str, tuple[str, str]] = {
    "string_too_short": ("texte trop court (au moins {bound} caractère(s))", "min_length"),
    "string_too_long": ("texte trop long (au plus {bound} caractères)", "max_length"),
    "too_short": ("liste trop courte (au moins {bound} élément(s))", "min_length"),
    "too_long": ("liste trop longue (au plus {bound} éléments)", "max_length"),
}


# What FastAPI and Starlette say on their own, for the same people.
FRENCH_DETAILS = {
    "There was an error parsing the body": "corps de la requête illisible : du JSON en UTF-8 est attendu",
    "Not Found": "adresse inconnue",
    "Method Not Allowed": "méthode non permise à cette adresse",
}


def french_validation_error(err: Any) -> dict[str, str]:
    """One pydantic error as {field, reason} with the reason in French."""
    field = ".".join(str(p) for p in err["loc"] if p not in ("body", "query", "path"))
    if err["type"] == "json_invalid":
        field = "body"  # the whole body: pydantic places the error at a character offset ("0")
    ctx = err.get("ctx", {})
    if err["type"] in ("literal_error", "enum"):
        reason = f"valeur non reconnue (possibles : {_one_of(str(ctx.get('expected', '')))})"
    elif err["type"] in OWN_ERRORS:
        reason = str(err["msg"])
    elif err["type"] in NUMBER_BOUNDS:
        sentence, key = NUMBER_BOUNDS[err["type"]]
        reason = sentence.format(bound=_number(ctx.get(key)))
    elif err["type"] in LENGTH_BOUNDS:
        sentence, key = LENGTH_BOUNDS[err["type"]]
        reason = sentence.format(bound=ctx.get(key))
    else:
        reason = FRENCH_REASONS.get(err["type"], "valeur invalide")
    return {"field": field, "reason": reason}


def _number(value: Any) -> str:
    """A bound as French writes it: 0 rather than 0.0, a decimal comma."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace(".", ",")


def _one_of(expected: str) -> str:
    """pydantic's list of allowed values (`'a', 'b' or 'c'`) said in French (`'a', 'b' ou 'c'`)."""
    head, sep, last = expected.rpartition(" or ")
    return f"{head} ou {last}" if sep else expected
