"""A candidate's own page, opened from their personal link: their interviews, where and when.

Read with the console's own reading token (a `viewer`: plans and sites, no personal data), for the one
candidate the signed link names; the page shows no name, so a link forwarded by mistake says little.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import quote

from jobdating.console.application.ports import Refused, Services

BRING = (
    "une pièce d'identité",
    "votre CV, en 3 exemplaires",
    "de quoi noter",
)


@dataclass(frozen=True)
class Interview:
    day: date
    start: str
    end: str
    company: str


@dataclass(frozen=True)
class Place:
    name: str
    address: str
    postcode: str
    commune: str


@dataclass(frozen=True)
class MyInterviews:
    candidate_id: str
    title: str
    interviews: list[Interview]
    place: Place | None

    @property
    def day(self) -> date | None:
        return self.interviews[0].day if self.interviews else None


def my_interviews(services: Services, token: str, candidate_id: str) -> MyInterviews:
    """The candidate's interviews in the most recent published job dating that has any."""
    for jd in services.get("scheduling", "/job-datings", token):  # most recent first
        if not jd.get("published"):
            continue
        path = f"/job-datings/{quote(str(jd['job_dating_id']), safe='')}/plan"
        try:
            plan = services.get("scheduling", path, token, {"by": "candidate", "key": candidate_id})
        except Refused as exc:
            if exc.status == 404:
                continue
            raise
        names: dict[str, str] = plan.get("names", {})
        found = [
            i
            for group in plan.get("groups", [])
            for i in group.get("interviews", [])
            if i.get("candidate_id") == candidate_id and i.get("status") != "cancelled"
        ]
        if not found:
            continue
        found.sort(key=lambda i: (i["day"], i["local_start"]))
        interviews = [
            Interview(
                day=date.fromisoformat(i["day"]),
                start=i["local_start"],
                end=i["local_end"],
                company=names.get(i["company_id"], "une entreprise"),
            )
            for i in found
        ]
        site = services.get("sites", f"/sites/{quote(found[0]['site_id'], safe='')}", token)
        place = Place(
            name=site["name"], address=site["address"], postcode=site["postcode"], commune=site["commune"]
        )
        return MyInterviews(candidate_id, str(plan.get("title", "")), interviews, place)
    return MyInterviews(candidate_id, "", [], None)
