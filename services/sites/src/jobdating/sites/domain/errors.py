"""Why a sites command is refused (the site or computer unknown, a closed site, a computer already out of
order...): the kinds every service shares, under the name the sites service gives its refusals."""

from __future__ import annotations

from jobdating.runtime.refusals import AlreadyExists, Conflict, Forbidden, Invalid, NotFound, Problem
from jobdating.runtime.refusals import Refusal as SiteRefusal

__all__ = ["AlreadyExists", "Conflict", "Forbidden", "Invalid", "NotFound", "Problem", "SiteRefusal"]
