"""The other services as the console sees them (its `Services` port), in memory: every call kept, each
answered by `answer`. One stand-in for the console's page tests; a test module routes by its own rule by
overriding `answer`."""

from __future__ import annotations

from typing import Any

from jobdating.console.application.ports import Refused, Unreachable


class FakeServices:
    """Answers from `answers` by (method, service, path), `{}` where none is set; a `Refused` or an
    `Unreachable` found there is raised. Calls are kept in `calls`: (method, service, path, what was sent)."""

    def __init__(self) -> None:
        self.answers: dict[tuple[str, str, str], Any] = {}
        self.calls: list[tuple[str, str, str, Any]] = []

    def sign_in(self, email: str, password: str, code: str | None) -> dict[str, Any]:
        raise AssertionError("not signing in here: the tests open their sessions themselves")

    def get(self, service: str, path: str, token: str, params: dict[str, str] | None = None) -> Any:
        return self._called("GET", service, path, params)

    def post(self, service: str, path: str, token: str, body: dict[str, Any]) -> Any:
        return self._called("POST", service, path, body)

    def put(self, service: str, path: str, token: str, body: dict[str, Any]) -> Any:
        return self._called("PUT", service, path, body)

    def upload(
        self, service: str, path: str, token: str, file: tuple[str, bytes], params: dict[str, str]
    ) -> Any:
        return self._called("POST", service, path, {"file": file[0], **params})

    def answer(self, method: str, service: str, path: str, sent: Any) -> Any:
        """What the services say to one call."""
        return self.answers.get((method, service, path), {})

    def _called(self, method: str, service: str, path: str, sent: Any) -> Any:
        self.calls.append((method, service, path, sent))
        answer = self.answer(method, service, path, sent)
        if isinstance(answer, Refused | Unreachable):
            raise answer
        return answer
