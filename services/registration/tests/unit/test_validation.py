"""Field rules: SIRET, French phone numbers, e-mail, postcodes, wishes, windows and counts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time

import phonenumbers
import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import given, settings
from hypothesis import strategies as st

from jobdating.contracts.registration import Availability, Wish
from jobdating.registration.domain.commands import PositionRequest
from jobdating.registration.domain.errors import Rejected
from jobdating.registration.domain.fields import (
    InvalidValue,
    check_contract,
    check_count,
    check_postcode,
    check_siret,
    check_window,
    check_withdrawal_reason,
    is_plain_email,
    normalise_email,
    normalise_phone,
    search_key,
)
from jobdating.registration.domain.validation import (
    positions_of,
    validate_candidate,
    validate_company,
    wish_errors,
)
from jobdating.registration.testing import candidate, company

Check = Callable[[str], str]


@pytest.mark.parametrize(
    "siret",
    [
        "73282932000074",  # a real company
        "732 829 320 00074",  # as typed, with spaces
        "35600000000048",  # La Poste head office: plain Luhn
        "35600000049832",  # a La Poste office: digit sum multiple of 5, no Luhn key
    ],
)
def test_a_valid_siret_is_accepted_without_its_spaces(siret: str) -> None:
    assert check_siret(siret) == siret.replace(" ", "")


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("06 12 34 56 78", "+33612345678"),
        ("06.12.34.56.78", "+33612345678"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("0033612345678", "+33612345678"),
        ("+33 (0)6 12 34 56 78", "+33612345678"),
        ("612345678", "+33612345678"),  # a spreadsheet dropped the leading zero
        ("01 23 45 67 89", "+33123456789"),  # landline
        ("09 12 34 56 78", "+33912345678"),  # landline behind an internet box
        ("+262 692 12 34 56", "+262692123456"),  # Réunion mobile
        ("06 39 98 00 01", "+33639980001"),  # the range ARCEP keeps for fiction (the demo's people)
    ],
)
def test_a_french_mobile_or_landline_is_normalised_to_e164(typed: str, e164: str) -> None:
    assert normalise_phone(typed) == e164


@settings(max_examples=300)
@given(st.from_regex(r"0[1-9]\d{8}", fullmatch=True), st.sampled_from(["", " ", ".", "-"]))
def test_the_national_number_shortcut_agrees_with_phonenumbers(digits: str, separator: str) -> None:
    typed = separator.join(digits[i : i + 2] for i in range(0, 10, 2))
    parsed = phonenumbers.parse(digits, "FR")
    try:
        ours: str | None = normalise_phone(typed)
    except InvalidValue:
        ours = None
    valid = phonenumbers.number_type(parsed) not in (phonenumbers.PhoneNumberType.UNKNOWN,) and (
        phonenumbers.region_code_for_number(parsed) in ("FR", "GP", "MQ", "GF", "RE", "YT")
    )
    if ours is not None:
        assert ours == phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    else:
        assert not valid or phonenumbers.number_type(parsed) not in (
            phonenumbers.PhoneNumberType.MOBILE,
            phonenumbers.PhoneNumberType.FIXED_LINE,
            phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
            phonenumbers.PhoneNumberType.VOIP,
        )


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("Samia.Benali@Exemple.FR", "samia.benali@exemple.fr"),
        (" samia+jobdating@exemple.fr ", "samia+jobdating@exemple.fr"),
        ("élodie@exemple.fr", "élodie@exemple.fr"),  # not the plain shape: email-validator decides
    ],
)
def test_an_email_is_checked_and_lower_cased(typed: str, normalised: str) -> None:
    assert normalise_email(typed) == normalised


@pytest.mark.parametrize(
    "typed", ["samia", "samia@", "samia@exemple", "samia..b@exemple.fr", "a@b.test", "a b@c.fr"]
)
def test_a_malformed_email_is_refused(typed: str) -> None:
    with pytest.raises(InvalidValue, match="e-mail invalide"):
        normalise_email(typed)


@settings(max_examples=500)
@given(
    st.from_regex(r"[A-Za-z0-9_+.\-]{1,20}@[A-Za-z0-9.\-]{1,20}\.[A-Za-z]{1,6}", fullmatch=True)
    | st.from_regex(
        r"[a-z0-9.]{1,10}@(xn--[a-z0-9-]{1,8}|[a-z]{2}--[a-z]{1,4}|local|test|[a-z]+\.onion)\.?[a-z]{0,3}",
        fullmatch=True,
    )
)
def test_the_plain_email_shortcut_only_accepts_what_email_validator_accepts(address: str) -> None:
    if not is_plain_email(address):
        return
    try:
        checked = validate_email(address, check_deliverability=False)
    except EmailNotValidError as exc:
        pytest.fail(f"{address!r} taken as plain but email-validator refuses it: {exc}")
    assert str(checked.normalized).lower() == address.lower()


@pytest.mark.parametrize(
    "postcode", ["59000", "01000", "20000", "75001", "97400", "97600", "98800", " 59113 "]
)
def test_a_french_postcode_is_accepted(postcode: str) -> None:
    assert check_postcode(postcode) == postcode.strip()


def _refusals(check: Check, *cases: tuple[str, str]) -> list[tuple[Check, str, str]]:
    """One refusal test for the field checks: each case is the text typed and the reason expected."""
    return [(check, typed, reason) for typed, reason in cases]


@pytest.mark.parametrize(
    ("check", "typed", "reason"),
    [
        # A SIRET with a wrong key or length.
        *_refusals(
            check_siret,
            ("73282932000075", "clé de contrôle"),
            ("7328293200007", "14 chiffres"),
            ("7328293200007A", "14 chiffres"),
            # A La Poste office whose digits do not sum to a multiple of 5.
            ("35600000049833", "clé de contrôle"),
            ("", "14 chiffres"),
        ),
        # A number that is not a French personal phone.
        *_refusals(
            normalise_phone,
            ("", "obligatoire"),
            ("06 12", "incomplet"),
            ("08 99 12 34 56", "surtaxé"),
            ("08 00 12 34 56", "numéro spécial"),
            ("+44 7911 123456", "français"),
            ("pas de téléphone", "illisible"),
        ),
        # A postcode without a département.
        *_refusals(
            check_postcode,
            ("5900", "5 chiffres"),
            ("ABCDE", "5 chiffres"),
            ("00100", "00"),
            ("96000", "96"),
            ("99000", "99"),
            ("97700", "97"),
        ),
    ],
)
def test_an_invalid_siret_phone_or_postcode_is_refused_with_its_reason(
    check: Check, typed: str, reason: str
) -> None:
    with pytest.raises(InvalidValue, match=reason):
        check(typed)


def test_wishes_must_be_ranked_from_one_without_gaps() -> None:
    _, errors = wish_errors([Wish(rank=1, sector="logistique"), Wish(rank=3, sector="vente")])
    assert [e.field for e in errors] == ["wishes"]
    _, errors = wish_errors([Wish(rank=1, sector="logistique"), Wish(rank=1, sector="vente")])
    assert [e.field for e in errors] == ["wishes"]


def test_a_wish_names_a_company_or_a_sector_not_both_and_not_twice() -> None:
    _, errors = wish_errors(
        [
            Wish(rank=1, company_id="co-1", sector="vente"),
            Wish(rank=2),
            Wish(rank=3, sector="Logistique"),
            Wish(rank=4, sector="logistique"),
        ]
    )
    assert [e.field for e in errors] == ["wishes[0]", "wishes[1]", "wishes[3]"]


def test_counts_must_be_above_zero_and_windows_must_end_after_they_start() -> None:
    assert check_count(1, "le nombre") == 1
    with pytest.raises(InvalidValue, match="supérieur à 0"):
        check_count(0, "le nombre")
    check_window(time(9), time(12))
    with pytest.raises(InvalidValue, match="après"):
        check_window(time(12), time(9))
    _, errors = positions_of([PositionRequest(title="", contract="CDX", count=0)])
    assert [e.field for e in errors] == ["positions[0].title", "positions[0].contract", "positions[0].count"]
    _, errors = positions_of([])
    assert [e.field for e in errors] == ["positions"]


def test_contract_types_are_recognised_whatever_their_case() -> None:
    assert check_contract("cdi") == "CDI"
    assert check_contract(" Alternance ") == "alternance"
    with pytest.raises(InvalidValue, match="contrat inconnu"):
        check_contract("freelance")


def test_the_withdrawal_reason_comes_from_the_closed_list() -> None:
    assert check_withdrawal_reason("a trouvé un emploi") == "a trouvé un emploi"
    with pytest.raises(InvalidValue, match="motif inconnu"):
        check_withdrawal_reason("hospitalisé pour une dépression")


def test_a_registration_reports_every_refused_field_at_once() -> None:
    cmd = candidate(
        "site-1",
        first_name=" ",
        phone="12",
        email="pas-un-mail",
        postcode="5900",
        wishes=(Wish(rank=2, sector="vente"),),
        availability=(Availability(day=date(2026, 12, 3), start=time(12), end=time(9)),),
        accessibility=("jetpack",),
    )
    with pytest.raises(Rejected) as refused:
        validate_candidate(cmd)
    assert [e.field for e in refused.value.errors] == [
        "first_name",
        "phone",
        "email",
        "postcode",
        "accessibility",
        "wishes",
        "availability[0].end",
    ]
    assert refused.value.kind == "invalid"


def test_a_valid_registration_comes_back_normalised() -> None:
    cmd = validate_candidate(
        candidate(
            "site-1",
            first_name="  Samia  ",
            phone="06 12 34 56 78",
            email="S@Exemple.fr",
            sectors=("Vente", "vente"),
        )
    )
    assert (cmd.first_name, cmd.phone, cmd.email, cmd.sectors) == (
        "Samia",
        "+33612345678",
        "s@exemple.fr",
        ("vente",),
    )


def test_a_company_needs_a_reachable_contact_and_a_window() -> None:
    with pytest.raises(Rejected) as refused:
        validate_company(
            company(contact_phone=None, contact_email=None, window_start=time(14), window_end=time(9))
        )
    assert [e.field for e in refused.value.errors] == ["window_end", "contact_phone"]


def test_search_keys_ignore_case_accents_and_punctuation() -> None:
    assert search_key("  Prénom ") == "prenom"
    assert search_key("Code-Postal") == "code postal"
    assert search_key("Maison de l'Emploi") == "maison de l emploi"
