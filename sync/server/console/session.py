"""Who is signed in to the console: sessions kept in the database, their cookie, the CSRF check.

The cookie holds 32 random bytes; the database keeps only their SHA-256 (`console_session`), so a
copy of the database signs nobody in. A session ends when its person signs out, after
`console_idle_minutes` without a request, after `console_max_hours` in all, and as soon as the
account is disabled or is no longer a supervisor or an admin. The cookie is HttpOnly,
SameSite=Strict, and Secure whenever the request came over TLS (behind a proxy: uvicorn's
--proxy-headers). Every change is a POST carrying the session's CSRF token (a synchronizer token,
compared in constant time); SameSite=Strict is the second lock, not the only one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import sqlalchemy as sa
from fastapi import Depends, Request

from agent_app.domain import keys
from agent_app.domain.messages import Text
from sync.server import branches, db
from sync.server.admin import review
from sync.server.api.state import ServerState, server_state

COOKIE = "perisai_console"
LANG_COOKIE = "perisai_lang"
LANGUAGES = ("id", "en")


@dataclass(frozen=True)
class ConsoleUser:
    """The signed-in person: their account, the branch they may see (`scope`; None: every
    branch, an admin), their language, zone and the CSRF token of their forms."""

    code: str
    name: str
    role: str
    branch_code: str
    scope: str | None
    lang: str
    zone: str
    csrf: str
    must_change_password: bool = False
    #: A one-time message from the change before this page (already in `lang`).
    notice: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == keys.Role.ADMIN

    @property
    def reviewer(self) -> review.Reviewer:
        return review.Reviewer(self.code, self.scope)


@dataclass(frozen=True)
class Change:
    """A POSTed form whose CSRF token matched its session."""

    user: ConsoleUser
    form: Mapping[str, str]
    lists: Mapping[str, list[str]]

    def all(self, name: str) -> list[str]:
        """Every value posted under `name` (the checkboxes of a bulk action)."""
        return list(self.lists.get(name, []))


class SignInRequired(Exception):
    """No valid session: the console answers with its sign-in page (303); `why` names the
    reason shown there (`idle`, `gone`)."""

    def __init__(self, next_path: str, why: str | None = None) -> None:
        super().__init__(next_path)
        self.next_path = next_path
        self.why = why


class PasswordChangeRequired(Exception):
    """The person signed in with a one-time code and must choose their own password first."""


class BadCsrf(Exception):
    """A change without its session's CSRF token (a forged request, or a page too old)."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def language_of(request: Request) -> str:
    """Before sign-in: the language cookie, else the browser's first choice, else Indonesian."""
    chosen = request.cookies.get(LANG_COOKIE, "")
    if chosen in LANGUAGES:
        return chosen
    accept = request.headers.get("accept-language", "").lower()
    return "en" if accept.startswith("en") else "id"


def is_secure(request: Request) -> bool:
    return request.url.scheme == "https"


def set_cookie(request: Request, response: Any, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/console",
        httponly=True,
        samesite="strict",
        secure=is_secure(request),
    )


def start(server: ServerState, agent_code: str, lang: str) -> str:
    """A new session for `agent_code`; returns the cookie's value (shown to nobody else)."""
    token = secrets.token_urlsafe(32)
    now = db.utcnow()
    table = db.table(db.ConsoleSession)
    with db.write_transaction(server.engine) as conn:
        # Sessions long past their maximum age are swept here, not by a background job.
        oldest = now - dt.timedelta(hours=server.settings.console_max_hours)
        conn.execute(table.delete().where(table.c.created_at < oldest))
        conn.execute(
            table.insert().values(
                token_hash=token_hash(token),
                agent_code=agent_code,
                csrf_token=secrets.token_urlsafe(32),
                lang=lang if lang in LANGUAGES else "id",
                created_at=now,
                last_seen_at=now,
            )
        )
    return token


def end(server: ServerState, token: str | None) -> None:
    if not token:
        return
    table = db.table(db.ConsoleSession)
    with db.write_transaction(server.engine) as conn:
        conn.execute(table.delete().where(table.c.token_hash == token_hash(token)))


def end_all(conn: sa.Connection, agent_code: str) -> None:
    """Ends every console session of `agent_code` (a password reset, a disabled account)."""
    table = db.table(db.ConsoleSession)
    conn.execute(table.delete().where(table.c.agent_code == agent_code))


def _as_utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _back_to(request: Request) -> str:
    """Where to come back after signing in again: the page itself for a GET; for a form
    posted after the session ended, the page the form was on (its Referer, when that is a
    console page of this server), where the browser gives back what was typed."""
    if request.method == "GET":
        return request.url.path + (f"?{request.url.query}" if request.url.query else "")
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc == request.url.netloc and referer.path.startswith("/console/"):
        return referer.path + (f"?{referer.query}" if referer.query else "")
    return "/console/review"


def current(request: Request, server: ServerState, *, take_notice: bool) -> ConsoleUser:
    token = request.cookies.get(COOKIE)
    here = _back_to(request)
    if not token:
        raise SignInRequired(here)
    sessions, agents = db.table(db.ConsoleSession), db.table(db.Agent)
    settings = server.settings
    now = db.utcnow()
    # It reads the session, then writes it (last seen, or its end): see db.write_transaction.
    with db.write_transaction(server.engine) as conn:
        row = conn.execute(
            sa.select(sessions, agents.c.name, agents.c.role, agents.c.branch_code)
            .add_columns(agents.c.active, agents.c.must_change_password)
            .join(agents, agents.c.code == sessions.c.agent_code)
            .where(sessions.c.token_hash == token_hash(token))
        ).first()
        if row is None:
            raise SignInRequired(here)
        idle = now - _as_utc(row.last_seen_at) > dt.timedelta(minutes=settings.console_idle_minutes)
        old = now - _as_utc(row.created_at) > dt.timedelta(hours=settings.console_max_hours)
        allowed = row.active and row.role in keys.SUPERVISING
        ended = idle or old or not allowed
        if ended:  # deleted in this transaction, refused after it commits
            conn.execute(sessions.delete().where(sessions.c.token_hash == row.token_hash))
        else:
            changes: dict[str, Any] = {"last_seen_at": now}
            if take_notice and row.notice:
                changes["notice"] = None
            conn.execute(
                sessions.update().where(sessions.c.token_hash == row.token_hash).values(**changes)
            )
            zone = branches.time_zone(conn, row.branch_code)
    if ended:
        raise SignInRequired(here, "idle" if allowed else "gone")
    notice = row.notice.get(row.lang) if take_notice and row.notice else None
    return ConsoleUser(
        code=row.agent_code,
        name=row.name,
        role=row.role,
        branch_code=row.branch_code,
        scope=None if row.role == keys.Role.ADMIN else row.branch_code,
        lang=row.lang,
        zone=zone,
        csrf=row.csrf_token,
        must_change_password=bool(row.must_change_password),
        notice=notice,
    )


def signed_in_any(
    request: Request,
    server: ServerState = Depends(server_state),  # noqa: B008
) -> ConsoleUser:
    """The signed-in person, even one who must still change their password (the password
    page and sign-out use this)."""
    return current(request, server, take_notice=request.method == "GET")


def signed_in(user: ConsoleUser = Depends(signed_in_any)) -> ConsoleUser:  # noqa: B008
    """The signed-in person (every page): not signed in, the sign-in page; with a one-time
    password, the page to choose their own."""
    if user.must_change_password:
        raise PasswordChangeRequired()
    return user


async def _checked_form(request: Request, user: ConsoleUser) -> Change:
    form = await request.form()
    lists: dict[str, list[str]] = {}
    for name, value in form.multi_items():
        if isinstance(value, str):
            lists.setdefault(name, []).append(value)
    sent = (lists.get("csrf_token") or [""])[0]
    if not hmac.compare_digest(sent.encode(), user.csrf.encode()):
        raise BadCsrf()
    return Change(user, {name: values[0] for name, values in lists.items()}, lists)


async def change(
    request: Request,
    user: ConsoleUser = Depends(signed_in),  # noqa: B008
) -> Change:
    """A POSTed change by the signed-in person, its CSRF token checked (403 otherwise)."""
    return await _checked_form(request, user)


async def change_any(
    request: Request,
    user: ConsoleUser = Depends(signed_in_any),  # noqa: B008
) -> Change:
    """`change` for the password page and sign-out (a one-time password is allowed)."""
    return await _checked_form(request, user)


def set_notice(server: ServerState, user: ConsoleUser, notice: Text) -> None:
    """Shows `notice` once, on the next page this person opens."""
    table = db.table(db.ConsoleSession)
    with db.write_transaction(server.engine) as conn:
        conn.execute(
            table.update()
            .where(table.c.agent_code == user.code, table.c.csrf_token == user.csrf)
            .values(notice={"id": notice.id, "en": notice.en})
        )


def set_language(server: ServerState, user: ConsoleUser, lang: str) -> None:
    table = db.table(db.ConsoleSession)
    with db.write_transaction(server.engine) as conn:
        conn.execute(
            table.update()
            .where(table.c.agent_code == user.code, table.c.csrf_token == user.csrf)
            .values(lang=lang)
        )


def safe_next(path: str | None) -> str:
    """Where to go after sign-in: a console path only (never another site: an open
    redirect would lend the console's name to a phishing page)."""
    if path and path.startswith("/console/") and not path.startswith("//") and "\\" not in path:
        return path
    return "/console/review"


def sign_in_url(next_path: str, why: str | None = None) -> str:
    url = f"/console/sign-in?next={quote(safe_next(next_path), safe='/')}"
    return url + (f"&why={why}" if why else "")
