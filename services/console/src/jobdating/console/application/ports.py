"""What the console needs of the other services; the adapter calls them over HTTP with the person's token."""

from __future__ import annotations

from typing import Any, Protocol


class Refused(Exception):
    """A service said no: its status and its French reasons, shown to the person as they are."""

    def __init__(self, status: int, reasons: list[str], fields: dict[str, str] | None = None):
        super().__init__(f"{status}: {'; '.join(reasons)}")
        self.status = status
        self.reasons = reasons
        # The reason given for each field named, to show it next to that field of a form.
        self.fields = fields or {}


class Unreachable(Exception):
    """A service did not answer."""


class Services(Protocol):
    def sign_in(self, email: str, password: str, code: str | None) -> dict[str, Any]: ...

    def get(self, service: str, path: str, token: str, params: dict[str, str] | None = None) -> Any: ...

    def post(self, service: str, path: str, token: str, body: dict[str, Any]) -> Any: ...

    def upload(
        self, service: str, path: str, token: str, file: tuple[str, bytes], params: dict[str, str]
    ) -> Any:
        """POST a file (name, content) as `multipart/form-data`'s `file` field."""
        ...

    def put(self, service: str, path: str, token: str, body: dict[str, Any]) -> Any: ...
