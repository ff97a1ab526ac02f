"""The calls the demo day makes to the services' public HTTP APIs, each answer checked (`require_ok`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import msgspec

from jobdating.ops.day.choices import Slot
from jobdating.ops.day.patience import Patient, auth, require_ok
from jobdating.ops.demo import Urls, url_for
from jobdating.testing.demo_data import COORDINATOR_ORG, JOB_DATING_ID, SITES

Tokens = Callable[[str, str], str]


@dataclass(kw_only=True, eq=False)
class DayApi:
    """Scheduling, sites and registration as the people of the day reach them: the coordination for the
    plan, each site's manager for arrivals, absences and computers, each company's recruiter for its
    outcomes (with `recruiters`; else the coordination on their behalf, as with machine tokens, which name
    no company). `token` gives the access token of whoever acts for an organisation in a role (in the demo
    day, a signed-in person)."""

    scheduling_url: str
    sites_url: Urls
    registration_url: str
    token: Tokens
    recruiters: bool = False
    http: Patient = field(init=False)  # set by the day once its HTTP client is open

    @property
    def coordinator(self) -> dict[str, str]:
        # Asked at each call: a person's access token is renewed before it expires.
        return auth(self.token(COORDINATOR_ORG, "coordinator"))

    def candidates(self) -> list[dict[str, Any]]:
        response = self.http.get(
            f"{self.registration_url}/candidates", params={"limit": 100}, headers=self.coordinator
        )
        require_ok(response, "la liste des candidats")
        return list(response.json()["items"])

    def companies(self) -> list[dict[str, Any]]:
        response = self.http.get(
            f"{self.registration_url}/companies", params={"limit": 100}, headers=self.coordinator
        )
        require_ok(response, "la liste des entreprises")
        return list(response.json()["items"])

    def slots(self) -> list[Slot]:
        """The published plan, cancelled interviews included."""
        response = self.http.get(
            f"{self.scheduling_url}/job-datings/{JOB_DATING_ID}/plan",
            params={"by": "candidate", "include_cancelled": "true"},
            headers=self.coordinator,
        )
        require_ok(response, "le planning publié")
        return [
            msgspec.convert(interview, Slot, strict=False)
            for group in response.json()["groups"]
            for interview in group["interviews"]
        ]

    def changes(self) -> list[dict[str, Any]]:
        """Every slot change of the job dating, in log order (a demo day makes a few hundred)."""
        response = self.http.get(
            f"{self.scheduling_url}/job-datings/{JOB_DATING_ID}/changes",
            params={"limit": 5000},
            headers=self.coordinator,
        )
        require_ok(response, "les changements du planning")
        return list(response.json())

    def check_in(self, candidate_id: str, site_id: str) -> None:
        response = self.http.post(
            f"{self.scheduling_url}/job-datings/{JOB_DATING_ID}/check-ins",
            json={"candidate_id": candidate_id, "site_id": site_id},
            headers=self._site_manager(site_id),
        )
        require_ok(response, "l'arrivée d'un candidat")

    def mark_no_show(self, candidate_id: str, site_id: str) -> dict[str, Any]:
        """Scheduling's answer: how many interviews it cancelled, how many places it offered again."""
        response = self.http.post(
            f"{self.scheduling_url}/job-datings/{JOB_DATING_ID}/no-shows",
            json={"candidate_id": candidate_id},
            headers=self._site_manager(site_id),
        )
        require_ok(response, "l'absence d'un candidat")
        return dict(response.json())

    def computer_out_of_order(self, site_id: str, computer_id: str) -> None:
        headers = self._site_manager(site_id)
        response = self.http.post(
            f"{url_for(self.sites_url, host_of(site_id))}/computers/{computer_id}/out-of-order",
            json={"reason": "écran noir"},
            headers=headers,
        )
        require_ok(response, "la panne d'un ordinateur")

    def computer_back(self, site_id: str, computer_id: str) -> None:
        response = self.http.post(
            f"{url_for(self.sites_url, host_of(site_id))}/computers/{computer_id}/back-in-service",
            json={},
            headers=self._site_manager(site_id),
        )
        require_ok(response, "le retour d'un ordinateur")

    def close_site(self, site_id: str, reason: str) -> None:
        response = self.http.post(
            f"{url_for(self.sites_url, host_of(site_id))}/sites/{site_id}/close",
            json={"reason": reason},
            headers=self._site_manager(site_id),
        )
        require_ok(response, "la fermeture d'un site")

    def site_open_for_scheduling(self, site_id: str) -> bool:
        """Whether scheduling knows the site open (it hears of a closing or a reopening from the stream)."""
        response = self.http.get(
            f"{self.scheduling_url}/job-datings/{JOB_DATING_ID}/sites/{site_id}/waiting-list",
            headers=self.coordinator,
        )
        require_ok(response, "la liste d'attente d'un site")
        return bool(response.json()["site_open"])

    def reopen_site(self, site_id: str) -> None:
        response = self.http.post(
            f"{url_for(self.sites_url, host_of(site_id))}/sites/{site_id}/reopen",
            json={},
            headers=self._site_manager(site_id),
        )
        require_ok(response, "la réouverture d'un site")

    def late_arrival(self, candidate_id: str, site_id: str) -> dict[str, Any]:
        """Scheduling's answer: how many interviews it gave back (`assigned`), moved or cancelled."""
        response = self.http.post(
            f"{self.scheduling_url}/job-datings/{JOB_DATING_ID}/late-arrivals",
            json={"candidate_id": candidate_id, "site_id": site_id},
            headers=self._site_manager(site_id),
        )
        require_ok(response, "l'arrivée en retard d'un candidat")
        return dict(response.json())

    def walk_in(self, body: dict[str, Any], site_id: str) -> dict[str, Any]:
        """A candidate registered on the spot by the host of the site they came to."""
        response = self.http.post(
            f"{self.registration_url}/candidates/walk-ins", json=body, headers=self._site_manager(site_id)
        )
        require_ok(response, "l'inscription sur place d'un candidat")
        return dict(response.json())

    def move_by_hand(self, slot_id: str, computer_id: str, reason: str) -> dict[str, Any]:
        """The coordinator moves one interview to another computer, with a reason (the audit shows it)."""
        response = self.http.post(
            f"{self.scheduling_url}/slots/{slot_id}/move",
            json={"computer_id": computer_id, "reason": reason},
            headers=self.coordinator,
        )
        require_ok(response, "un entretien déplacé à la main")
        return dict(response.json())

    def record_outcome(self, slot_id: str, company_id: str, outcome: str) -> None:
        headers = auth(self.token(company_id, "recruiter")) if self.recruiters else self.coordinator
        response = self.http.post(
            f"{self.scheduling_url}/slots/{slot_id}/outcome", json={"outcome": outcome}, headers=headers
        )
        require_ok(response, "le résultat d'un entretien")

    def book_second(self, first_slot_id: str, at: datetime) -> dict[str, Any] | None:
        """The second interview booked at `at`, or None when scheduling cannot place it then."""
        response = self.http.post(
            f"{self.scheduling_url}/slots/{first_slot_id}/second-interview",
            json={"starts_at": at.isoformat()},
            headers=self.coordinator,
        )
        if response.status_code == 201:
            return dict(response.json())
        if response.status_code not in (409, 422):
            require_ok(response, "un deuxième entretien")
        return None

    def _site_manager(self, site_id: str) -> dict[str, str]:
        return auth(self.token(host_of(site_id), "site_manager"))


def host_of(site_id: str) -> str:
    """The organisation hosting a demo site (its manager marks arrivals and absences)."""
    return next(s.host_org for s in SITES if f"site-{s.key}" == site_id)
