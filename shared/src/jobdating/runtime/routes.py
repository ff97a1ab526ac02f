"""One way to declare a service's routes: for each, its path, the French summary and description the
OpenAPI shows, who may call it and what a creation answers.

The routers declared each route with the same keywords (`summary=`, `description=`, `dependencies=only(...)`,
`status_code=201`); `Routes` says them once. The OpenAPI is the one those keywords made: the same
operations, tags, texts, status codes and dependencies.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Any, TypeVar

from fastapi import APIRouter, status

from jobdating.runtime.actors import RoleGate
from jobdating.runtime.auth import only

F = TypeVar("F", bound=Callable[..., Any])


class Routes:
    """The routes of `router`, each tagged `tag` (if any) beside the router's own tags.

    `may`: the role gate checked before the body is read (403 with its refusal otherwise); without one, the
    route's own parameters say who may call (a `Caller`, a role dependency). `description`: without one,
    FastAPI shows the endpoint's docstring. Any other keyword goes to FastAPI's `api_route`.
    """

    def __init__(self, router: APIRouter, tag: str | None = None) -> None:
        self.router = router
        self.tags: list[str | Enum] = [tag] if tag is not None else []

    def get(self, path: str, summary: str, description: str | None = None, **more: Any) -> Callable[[F], F]:
        """A route that reads."""
        return self.route("GET", path, summary, description, **more)

    def create(
        self, path: str, summary: str, description: str | None = None, **more: Any
    ) -> Callable[[F], F]:
        """A POST that creates something, answered with 201 Created."""
        return self.route("POST", path, summary, description, status_code=status.HTTP_201_CREATED, **more)

    def post(self, path: str, summary: str, description: str | None = None, **more: Any) -> Callable[[F], F]:
        """A POST that does or changes something."""
        return self.route("POST", path, summary, description, **more)

    def put(self, path: str, summary: str, description: str | None = None, **more: Any) -> Callable[[F], F]:
        """A PUT: what is sent replaces what was."""
        return self.route("PUT", path, summary, description, **more)

    def patch(self, path: str, summary: str, description: str | None = None, **more: Any) -> Callable[[F], F]:
        """A PATCH: the fields sent change, the others stay."""
        return self.route("PATCH", path, summary, description, **more)

    def delete(
        self, path: str, summary: str, description: str | None = None, **more: Any
    ) -> Callable[[F], F]:
        """A DELETE."""
        return self.route("DELETE", path, summary, description, **more)

    def route(
        self,
        method: str,
        path: str,
        summary: str,
        description: str | None = None,
        *,
        may: RoleGate | None = None,
        tags: list[str | Enum] | None = None,
        **more: Any,
    ) -> Callable[[F], F]:
        """A route of `method` at `path`, tagged `tags` too."""
        if may is not None:
            more["dependencies"] = [*more.get("dependencies", []), *only(may)]
        declare: Callable[[F], F] = self.router.api_route(
            path,
            methods=[method],
            tags=[*self.tags, *(tags or [])] or None,
            summary=summary,
            description=description,
            **more,
        )
        return declare
