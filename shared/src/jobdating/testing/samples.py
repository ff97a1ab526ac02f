"""One example payload per registered (event type, schema version): the golden files are made from these."""

from __future__ import annotations

from datetime import date, time

from jobdating.contracts import registration as r
from jobdating.contracts import sites as s
from jobdating.contracts.envelope import Event
from jobdating.contracts.sealed import Sealed

SEALED = Sealed(key_id="k-0001", nonce="bm9uY2U=", ciphertext="c2VhbGVk")
PROFILE = r.CandidateProfile(
    referring_org="mission-locale",
    counsellor_id="c-42",
    site_id="site-seclin",
    postcode="59113",
    commune="Seclin",
    sectors=("logistique",),
    wishes=(r.Wish(rank=1, company_id="co-1"), r.Wish(rank=2, sector="commerce")),
    availability=(r.Availability(day=date(2026, 12, 3), start=time(8, 30), end=time(12, 30)),),
    accessibility=("wheelchair",),
    consent_data=True,
    consent_sms=True,
    consent_email=False,
)
COMPANY = r.CompanyProfile(
    name="Logistique du Nord",
    siret="73282932000074",
    sector="logistique",
    positions=(r.Position(title="Préparateur de commandes", contract="CDI", count=3),),
    parallel_recruiters=2,
    window_start=time(9, 0),
    window_end=time(12, 0),
    day=date(2026, 12, 3),
)

SITE_LOCATION = s.Coordinates(lat=50.5486, lon=3.0296)
SITE_HOURS = (s.OpeningHours(day=date(2026, 12, 3), start=time(8, 30), end=time(17, 0)),)
SITE_CONTACT = s.SiteContact(phone="0320000000", email="accueil@example.org")

SAMPLES: dict[tuple[str, int], Event] = {
    ("CandidateRegistered", 1): r.CandidateRegisteredV1(
        candidate_id="cand-1", profile=PROFILE, personal=SEALED
    ),
    ("CandidateRegistered", 2): r.CandidateRegistered(
        candidate_id="cand-1", profile=PROFILE, personal=SEALED, import_key="row-7"
    ),
    ("CandidateUpdated", 1): r.CandidateUpdated(candidate_id="cand-1", personal=SEALED),
    ("CandidateWithdrew", 1): r.CandidateWithdrew(candidate_id="cand-1", reason="a trouvé un emploi"),
    ("CandidateErased", 1): r.CandidateErased(candidate_id="cand-1"),
    ("CompanyRegistered", 1): r.CompanyRegistered(
        company_id="co-1", registering_org="mel", profile=COMPANY, contact=SEALED
    ),
    ("CompanyUpdated", 1): r.CompanyUpdated(company_id="co-1", profile=COMPANY),
    ("CompanyWithdrew", 1): r.CompanyWithdrew(company_id="co-1", reason="recrutement pourvu"),
    ("SiteOpened", 1): s.SiteOpened(
        site_id="site-seclin",
        name="Maison de l'emploi",
        host_org="mel",
        commune="Seclin",
        postcode="59113",
        address="2 rue de l'Emploi",
        location=SITE_LOCATION,
        hours=SITE_HOURS,
        accessibility=("wheelchair",),
        contact=SITE_CONTACT,
    ),
    ("SiteDetailsChanged", 1): s.SiteDetailsChanged(
        site_id="site-seclin", hours=SITE_HOURS, accessibility=("wheelchair", "hearing_loop")
    ),
    ("SiteClosed", 1): s.SiteClosed(site_id="site-seclin", reason="travaux"),
    ("RoomAdded", 1): s.RoomAdded(
        site_id="site-seclin", room_id="room-1", name="Salle Jean Jaurès", capacity=12
    ),
    ("ComputerAdded", 1): s.ComputerAdded(
        computer_id="pc-1",
        site_id="site-seclin",
        label="PC 1",
        lending_org="mel",
        webcam=True,
        headset=True,
        visio_ready=True,
    ),
    ("ComputerOutOfOrder", 1): s.ComputerOutOfOrder(computer_id="pc-1", reason="écran noir"),
    ("ComputerBackInService", 1): s.ComputerBackInService(computer_id="pc-1"),
    ("ComputerRemoved", 1): s.ComputerRemoved(computer_id="pc-1", reason="repris par le prêteur"),
}
