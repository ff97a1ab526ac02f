"""`/companies`: sign companies up, list, read, change and withdraw them."""

from __future__ import annotations

from typing import Annotated, Any, Final

from fastapi import APIRouter, Query, Request, status

from jobdating.registration.adapters.http_common import (
    Coordinator,
    Reader,
    changes,
    correlation,
    found,
    page,
)
from jobdating.registration.adapters.schemas import (
    CompanyIn,
    CompanyOut,
    CompanyPage,
    CompanyPatch,
    WithdrawIn,
)
from jobdating.registration.application import queries
from jobdating.registration.application.handlers import RegistrationHandlers
from jobdating.registration.application.service import RegistrationService
from jobdating.registration.domain.commands import (
    RegisterCompany,
    UpdateCompany,
    WithdrawCompany,
)
from jobdating.runtime.auth import Principal
from jobdating.runtime.http import Offset, to_command
from jobdating.runtime.ids import new_id

CLEARABLE_COMPANY: Final = frozenset({"day", "contact_phone", "contact_email"})


def companies_router(handlers: RegistrationHandlers, svc: RegistrationService) -> APIRouter:
    router = APIRouter(prefix="/companies", tags=["companies"])

    @router.post(
        "", status_code=status.HTTP_201_CREATED, response_model=CompanyOut, summary="Inscrire une entreprise"
    )
    def register_company(body: CompanyIn, principal: Coordinator, request: Request) -> Any:
        """La coordination inscrit une entreprise qui recrute, avec ses postes et son contact."""
        cmd = to_command(
            RegisterCompany, body.model_dump(), company_id=new_id(), registering_org=principal.org
        )
        company_id = handlers.register_company(principal, cmd, correlation(request))
        return _company(svc, principal, company_id)

    @router.get("", response_model=CompanyPage, summary="Lister les entreprises")
    def list_companies(
        principal: Reader,
        status_: Annotated[str | None, Query(alias="status")] = None,
        limit: Annotated[int, Query(ge=1, le=queries.MAX_PAGE)] = 100,
        offset: Offset = 0,
    ) -> Any:
        """Les entreprises inscrites, page par page ; le contact n'apparaît que pour la structure qui les a
        inscrites."""
        items, total = queries.companies(svc.store, principal, status=status_, limit=limit, offset=offset)
        return page(items, total)

    @router.get("/{company_id}", response_model=CompanyOut, summary="Consulter une entreprise")
    def get_company(company_id: str, principal: Reader) -> Any:
        """Une entreprise inscrite, ses postes et son état."""
        return _company(svc, principal, company_id)

    @router.patch("/{company_id}", response_model=CompanyOut, summary="Modifier une entreprise")
    def update_company(company_id: str, body: CompanyPatch, principal: Coordinator, request: Request) -> Any:
        """La coordination corrige les champs envoyés ; les autres restent tels quels."""
        cmd = to_command(UpdateCompany, changes(body, CLEARABLE_COMPANY), company_id=company_id)
        handlers.update_company(principal, cmd, correlation(request))
        return _company(svc, principal, company_id)

    @router.post("/{company_id}/withdraw", response_model=CompanyOut, summary="Retirer une entreprise")
    def withdraw_company(company_id: str, body: WithdrawIn, principal: Coordinator, request: Request) -> Any:
        """L'entreprise ne participe plus : la coordination la retire avec un motif."""
        cmd = WithdrawCompany(company_id=company_id, reason=body.reason)
        handlers.withdraw_company(principal, cmd, correlation(request))
        return _company(svc, principal, company_id)

    return router


def _company(svc: RegistrationService, principal: Principal, company_id: str) -> Any:
    return found(queries.company(svc.store, principal, company_id), "company_id", "entreprise inconnue")
