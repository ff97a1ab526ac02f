"""The demo job dating, modelled on the first real one ("Emploi Booster"): four sites south of Lille lent
by different partners, 18 computers, 15 companies, 50 candidates registered by five partner organisations.

Every person here is fictional; phone numbers are in the ranges ARCEP keeps for fiction (06 39 98 xx xx,
and 03 53 01 xx xx for the one landline).
"""

from __future__ import annotations

import random
from typing import TypedDict

import msgspec

from jobdating.runtime.checksums import luhn_valid

COORDINATOR_ORG = "departement-nord"

PARTNERS = {
    "departement-nord": "Département du Nord",
    "france-travail": "France Travail Lille Sud",
    "mission-locale": "Mission Locale Métropole Sud",
    "plie-lille-sud": "PLIE Lille Sud",
    "asso-reussir": "Association Réussir Ensemble",
}


class Place(TypedDict):
    name: str
    host_org: str
    address: str
    commune: str
    postcode: str


class DemoSite(msgspec.Struct, frozen=True, kw_only=True):
    key: str
    name: str
    host_org: str
    address: str
    commune: str
    postcode: str
    lat: float
    lon: float
    computers: int
    wheelchair: bool

    def place(self) -> Place:
        """Where the site is, as the commands and events that open a site spell it."""
        return msgspec.convert(msgspec.structs.asdict(self), Place)


# One site a line: key | name | host organisation | address | commune | postcode | lat | lon | computers |
# wheelchair access. A table rather than four constructor calls, so that the sites read side by side.
_SITES = """
faches     | Espace emploi de Faches-Thumesnil | departement-nord | 12 rue Kléber        | Faches-Thumesnil
           | 59155 | 50.5872 | 3.0731 | 5 | true
ronchin    | Maison de l'emploi de Ronchin     | france-travail   | 3 avenue Jean Jaurès | Ronchin
           | 59790 | 50.6050 | 3.0895 | 5 | true
seclin     | Mission Locale de Seclin          | mission-locale   | 7 rue de Burgault    | Seclin
           | 59113 | 50.5486 | 3.0297 | 4 | false
wattignies | Centre social de Wattignies       | asso-reussir     | 1 place du Général de Gaulle | Wattignies
           | 59139 | 50.5860 | 3.0440 | 4 | true
"""


def _table(text: str, fields: tuple[str, ...]) -> list[dict[str, str]]:
    """The rows of a `|` table, a row running on over the indented lines that follow it."""
    rows = text.strip().replace("\n ", " ").split("\n")
    return [dict(zip(fields, (cell.strip() for cell in row.split("|")), strict=True)) for row in rows]


SITES = [msgspec.convert(row, DemoSite, strict=False) for row in _table(_SITES, DemoSite.__struct_fields__)]


def demo_site(key: str) -> DemoSite:
    """The demo site with this key (tests borrow it as their sample site)."""
    return next(site for site in SITES if site.key == key)


def siret(siren8: str, nic: str = "0001") -> str:
    """A SIRET whose Luhn checksum holds, from an 8-digit prefix (the last SIREN digit is computed)."""
    for last in "0123456789":
        siren = siren8 + last
        if luhn_valid(siren):
            for k in "0123456789":
                candidate = siren + nic + k
                if luhn_valid(candidate):
                    return candidate
    raise ValueError(siren8)


class DemoCompany(msgspec.Struct, frozen=True, kw_only=True):
    key: str
    name: str
    siret: str
    sector: str
    position: str
    contract: str
    openings: int
    recruiters: int
    start: str
    end: str


# One company a line: key | name | sector | position | contract | openings | recruiters.
_COMPANIES = """
callnord | Nord Contact Services | relation client | Conseiller clientèle | CDI | 6 | 2
gebtp | Groupement d'employeurs BTP Métropole | bâtiment | Maçon en apprentissage | alternance | 5 | 2
hypersud | Hyper Lille Sud | commerce | Employé de libre-service | CDD | 4 | 2
aidadom | Aide à Domicile Lille Sud | aide à la personne | Auxiliaire de vie | CDI | 5 | 2
logiplus | Logiplus Entrepôts | logistique | Préparateur de commandes | CDI | 8 | 2
proprete | Nord Propreté | propreté | Agent de propreté | CDI | 4 | 1
restoseclin | Restaurant collectif de Seclin | restauration | Commis de cuisine | CDD | 2 | 1
transmel | Transports de la Métropole | transport | Conducteur de bus (formation) | CDI | 3 | 1
ehpad | EHPAD Les Tilleuls | santé | Agent de service hospitalier | CDD | 3 | 1
securinord | Sécurité Nord Services | sécurité | Agent de sécurité | CDI | 3 | 1
boulange | Fournil du Nord | alimentation | Vendeur en boulangerie | alternance | 2 | 1
garage | Garage Central Ronchin | automobile | Mécanicien en apprentissage | alternance | 2 | 1
interim | Agence Intérim Lille Sud | intérim | Manutentionnaire | interim | 6 | 2
creche | Crèche Les Petits Pas | petite enfance | Agent de crèche | CDD | 2 | 1
jardins | Espaces Verts du Nord | espaces verts | Ouvrier paysagiste | CDD | 3 | 1
"""
_COMPANY_COLUMNS = ("key", "name", "sector", "position", "contract", "openings", "recruiters")

# The SIRET is computed so that its checksum holds; the recruiting window varies with the row.
COMPANIES = [
    msgspec.convert(
        row
        | {
            "siret": siret(f"{81234500 + i:08d}"),
            "start": "08:30" if i % 3 else "09:00",
            "end": "12:30" if i % 4 else "12:00",
        },
        DemoCompany,
        strict=False,
    )
    for i, row in enumerate(_table(_COMPANIES, _COMPANY_COLUMNS))
]

_FIRST = [
    "Inès",
    "Mohamed",
    "Julie",
    "Kevin",
    "Sarah",
    "Yanis",
    "Laura",
    "Thomas",
    "Aïcha",
    "Dylan",
    "Manon",
    "Karim",
    "Chloé",
    "Mehdi",
    "Océane",
    "Lucas",
    "Fatoumata",
    "Jordan",
    "Camille",
    "Rayan",
    "Émilie",
    "Samir",
    "Marine",
    "Bilal",
    "Amandine",
]
_LAST = [
    "Martin",
    "Benali",
    "Dupont",
    "Lefebvre",
    "Diallo",
    "Petit",
    "Haddad",
    "Leroy",
    "Mercier",
    "Traoré",
    "Dubois",
    "Moreau",
    "Bouzid",
    "Lambert",
    "Fontaine",
    "Roussel",
    "Camara",
    "Vasseur",
    "Lemaire",
    "Denis",
    "Masson",
    "Carpentier",
    "Bertin",
    "Nowak",
    "Dumont",
]
_HOMES = {
    "faches": [("59155", "Faches-Thumesnil"), ("59810", "Lesquin")],
    "ronchin": [("59790", "Ronchin"), ("59260", "Lezennes")],
    "seclin": [("59113", "Seclin"), ("59147", "Gondecourt")],
    "wattignies": [("59139", "Wattignies"), ("59320", "Emmerin")],
}
_REFERRERS = ["france-travail", "mission-locale", "plie-lille-sud", "asso-reussir", "departement-nord"]


class DemoCandidate(msgspec.Struct, frozen=True, kw_only=True):
    first_name: str
    last_name: str
    phone: str
    email: str | None
    postcode: str
    commune: str
    site_key: str
    referring_org: str
    counsellor_id: str
    wishes: tuple[str, ...]  # company keys, by rank
    wheelchair: bool


LANDLINE_CANDIDATE = 12
"""The candidate reached on a landline (no mobile, no e-mail): their SMS are read aloud in voice calls."""
LANDLINE = "03 53 01 00 12"  # ARCEP's fiction range for landlines in the Nord (03 53 01 xx xx)


def candidates(seed: int = 2026) -> list[DemoCandidate]:
    """50 candidates spread over the four sites, 3 to 5 ranked company wishes each; one of them (without
    an e-mail, like every third) has a landline only."""
    rng = random.Random(seed)
    out = []
    site_keys = [s.key for s in SITES]
    for i in range(50):
        site_key = site_keys[i % 4] if i < 44 else site_keys[i % 2]
        postcode, commune = rng.choice(_HOMES[site_key])
        referrer = _REFERRERS[i % len(_REFERRERS)]
        wishes = tuple(c.key for c in rng.sample(COMPANIES, rng.randint(3, 5)))
        # The second 25 shift the surname by one: with 25 first names and 25 surnames, i and i + 25 would
        # otherwise share a full name (two "Inès Martin" on a site host's list).
        first, last = _FIRST[i % len(_FIRST)], _LAST[(i * 7 + i // len(_FIRST)) % len(_LAST)]
        out.append(
            DemoCandidate(
                first_name=first,
                last_name=last,
                phone=LANDLINE if i == LANDLINE_CANDIDATE else f"06 39 98 00 {i:02d}",
                email=(f"{_ascii(first)}.{_ascii(last)}{i}@exemple.fr".lower() if i % 3 else None),
                postcode=postcode,
                commune=commune,
                site_key=site_key,
                referring_org=referrer,
                counsellor_id=f"{referrer}-conseiller-{i % 3 + 1}",
                wishes=wishes,
                wheelchair=(i % 17 == 0),
            )
        )
    return out


WALK_IN_SITE = "faches"


def walk_in() -> DemoCandidate:
    """The candidate who comes on the day without having registered: the Faches site's host registers them
    on the spot (the host's organisation refers them). They wish for two companies that recruit with two
    people each, so that the morning's free capacity gives them both interviews from 08:30."""
    site = demo_site(WALK_IN_SITE)
    return DemoCandidate(
        first_name="Yanis",
        last_name="Lambert",
        phone="06 39 98 00 50",
        email=None,  # a walk-in often has no e-mail address at hand: convoked by SMS
        postcode=site.postcode,
        commune=site.commune,
        site_key=site.key,
        referring_org=site.host_org,
        counsellor_id=f"{site.host_org}-conseiller-1",
        wishes=("logiplus", "interim"),
        wheelchair=False,
    )


def _ascii(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


# No date in the id: the demo's day is chosen when it is loaded (jobdating.ops.demo_calendar).
JOB_DATING_ID = "emploi-booster-lille-sud"


def counsellors() -> list[tuple[str, str]]:
    """The partners' counsellors as (organisation, id): the ids the demo candidates' `counsellor_id` and
    the staff directory (`staff_toml`) name. A counsellor sees the personal data of their own candidates."""
    return [(org, f"{org}-conseiller-{n}") for org in _REFERRERS for n in (1, 2, 3)]


def staff_toml() -> str:
    """The partners' counsellors (professional contacts) for the notifications service's staff directory."""
    lines = []
    for org in _REFERRERS:
        for n in (1, 2, 3):
            lines += [
                "[[staff]]",
                f'id = "{org}-conseiller-{n}"',
                'role = "counsellor"',
                f'org = "{org}"',
                f'first_name = "{_FIRST[(n * 5 + len(org)) % len(_FIRST)]}"',
                f'email = "conseiller{n}@{org}.exemple.fr"',
                f'phone = "03 20 00 0{n} {len(org):02d}"',
                "",
            ]
    return "\n".join(lines)
