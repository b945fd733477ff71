"""Fixtures of the console's tests: `console(code)` is a browser-like client (its own cookie
jar) signed in to the console of the `world` server as `code`, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from srv_support import PASSWORD, World

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
SIGN_IN_TOKEN = re.compile(r'name="sign_in_token" value="([^"]+)"')


class Console:
    """One browser: GETs pages, posts forms with the CSRF token of the last page it read."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.client = TestClient(world.app, follow_redirects=False)
        world.extra_clients.append(self.client)
        self.csrf = ""

    def _remember(self, response: httpx.Response) -> httpx.Response:
        found = CSRF.search(response.text)
        if found:
            self.csrf = found.group(1)
        return response

    def sign_in(self, code: str, password: str = PASSWORD, lang: str = "id") -> httpx.Response:
        page = self.client.get(f"/console/sign-in?lang={lang}")
        token = SIGN_IN_TOKEN.search(page.text)
        assert token, page.text
        answer = self.client.post(
            "/console/sign-in",
            data={"agent_code": code, "password": password, "sign_in_token": token.group(1)},
        )
        if answer.status_code == 303:
            self.get("/console/review")
        return answer

    def get(self, path: str, **params: Any) -> httpx.Response:
        return self._remember(self.client.get(path, params=params or None))

    def follow(self, response: httpx.Response) -> httpx.Response:
        """The page a 303 leads to."""
        assert response.status_code == 303, response.text
        return self.get(response.headers["location"])

    def post(
        self, path: str, data: dict[str, Any] | None = None, *, csrf: bool = True
    ) -> httpx.Response:
        body = dict(data or {})
        if csrf:
            body.setdefault("csrf_token", self.csrf)
        return self._remember(self.client.post(path, data=body))


@pytest.fixture
def console(world: World) -> Iterator[Callable[..., Console]]:
    """`console(code)`: a client signed in as `code` (`console(None)`: signed out)."""

    def open_console(code: str | None, lang: str = "id") -> Console:
        made = Console(world)
        if code is not None:
            answer = made.sign_in(code, lang=lang)
            assert answer.status_code == 303, answer.text
        return made

    yield open_console
