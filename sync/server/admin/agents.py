"""Accounts (agents, supervisors, admins): list, create, disable / enable, unlock, and reset a
password to a one-time code. One service for the command line, the administration API
(`/v1/admin/agents`) and the console.

The caller is a `review.Reviewer`: a supervisor sees their branch only (another branch's
account is "no such account", exactly like a missing code), an admin or the command line
every branch. A supervisor creates and manages agents and supervisors of their own branch;
only an admin creates admins, manages an admin's account or works across branches. Nobody
disables or resets their own account here. Bad input raises `FieldError`; each change is one
transaction, with its line in the administration trail (codes only: never a password, a
one-time code or anyone's personal data).
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from agent_app.domain import keys
from agent_app.domain.messages import Text
from sync.server import config, db, security, throttle
from sync.server.accounts.tokens import revoke_refresh_tokens
from sync.server.admin.common import FieldError, NotFound, check_password, record_action
from sync.server.admin.review import COMMAND_LINE, Reviewer

ROLES = tuple(role.value for role in keys.Role)
AGENT_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
#: One-time codes: no 0/O, 1/I/L, 5/S or 2/Z to mistake for each other when read aloud or
#: copied from a screen. 10 characters of 26: about 47 bits, checked under the login throttle.
ONE_TIME_ALPHABET = "ABCDEFGHJKMNPQRTUVWXY346789"
ONE_TIME_LENGTH = 10


@dataclass(frozen=True)
class NewAccount:
    code: str
    name: str
    branch: str
    role: str
    #: None: a one-time code is made (the person chooses their own at first sign-in).
    password: str | None = None


@dataclass(frozen=True)
class AccountRow:
    code: str
    name: str
    branch: str
    role: str
    active: bool
    locked: bool
    must_change_password: bool
    #: The latest sign-in or token refresh still known (refresh tokens live
    #: `refresh_token_days`) or console page, None when none is.
    last_seen_at: dt.datetime | None


class NoAccount(NotFound):
    def __init__(self, code: str) -> None:
        super().__init__(Text.of("There is no account {code}.", code=code))


def one_time_code() -> str:
    return "".join(secrets.choice(ONE_TIME_ALPHABET) for _ in range(ONE_TIME_LENGTH))


def visible_account(conn: sa.Connection, code: str, who: Reviewer) -> Any:
    """The account's row if `who` may see it (NoAccount otherwise)."""
    agents = db.table(db.Agent)
    row = conn.execute(sa.select(agents).where(agents.c.code == code)).first()
    if row is None or (who.branch is not None and row.branch_code != who.branch):
        raise NoAccount(code)
    return row


def _managed_account(conn: sa.Connection, code: str, who: Reviewer) -> Any:
    """The row of an account `who` may change: visible, not their own, and not an admin's
    unless `who` is an admin (or the command line)."""
    row = visible_account(conn, code, who)
    if who.name is not None and row.code == who.name:
        raise FieldError("code", Text.of("You cannot do this to your own account."))
    if who.branch is not None and row.role == keys.Role.ADMIN:
        raise FieldError("code", Text.of("Only an administrator can change an administrator."))
    return row


def _check_new(conn: sa.Connection, new: NewAccount, who: Reviewer) -> None:
    if not AGENT_CODE.match(new.code):
        raise FieldError(
            "code", Text.of("A code is 1 to 64 letters, digits, '.', '_' or '-' (no spaces).")
        )
    if not new.name.strip() or len(new.name.strip()) > 200 or "\x00" in new.name:
        raise FieldError("name", Text.of("Write the person's name (at most 200 characters)."))
    if new.role not in ROLES:
        raise FieldError(
            "role", Text.of("The role must be one of: {roles}.", roles=", ".join(ROLES))
        )
    if who.branch is not None and new.role == keys.Role.ADMIN:
        raise FieldError("role", Text.of("Only an administrator can create an administrator."))
    if who.branch is not None and new.branch != who.branch:
        raise FieldError("branch", Text.of("You can create accounts only in your own branch."))
    branches = db.table(db.Branch)
    found = conn.execute(sa.select(branches.c.code).where(branches.c.code == new.branch)).first()
    if found is None:
        raise FieldError("branch", Text.of("There is no branch {code}.", code=new.branch))
    if new.password is not None:
        check_password("password", new.password)


def create_account(
    engine: Engine, settings: config.Settings, new: NewAccount, who: Reviewer = COMMAND_LINE
) -> str | None:
    """Creates the account; answers the one-time code when `new.password` is None (shown
    once: the person changes it at first sign-in), else None."""
    with engine.connect() as conn:
        _check_new(conn, new, who)
    code = one_time_code() if new.password is None else None
    password_hash = security.hash_password(settings, new.password or code or "")
    with db.write_transaction(engine) as conn:
        record_action(conn, "create-agent", new.code, by=who.name, role=new.role, branch=new.branch)
        try:
            with conn.begin_nested():
                conn.execute(
                    db.table(db.Agent)
                    .insert()
                    .values(
                        code=new.code,
                        name=new.name.strip(),
                        branch_code=new.branch,
                        role=new.role,
                        password_hash=password_hash,
                        failed_logins=0,
                        locked_until=None,
                        active=True,
                        created_at=db.utcnow(),
                        must_change_password=code is not None,
                    )
                )
        except sa.exc.IntegrityError as error:
            raise FieldError(
                "code", Text.of("An account with the code {code} already exists.", code=new.code)
            ) from error
    return code


def create_agent(
    engine: Engine,
    settings: config.Settings,
    code: str,
    name: str,
    branch: str,
    role: str,
    password: str,
    who: Reviewer = COMMAND_LINE,
) -> str:
    """The command line's `create-agent` (with the password typed)."""
    create_account(engine, settings, NewAccount(code, name, branch, role, password), who)
    return f"created {role} {code} ({name.strip()}) in branch {branch}"


def _forget_sessions(conn: sa.Connection, code: str) -> None:
    """Every refresh token and console session of the account stops working."""
    tokens = db.table(db.RefreshToken)
    revoke_refresh_tokens(conn, tokens.c.agent_code == code)
    sessions = db.table(db.ConsoleSession)
    conn.execute(sessions.delete().where(sessions.c.agent_code == code))


def set_agent_active(engine: Engine, code: str, active: bool, who: Reviewer = COMMAND_LINE) -> str:
    """Disables an account (its tokens and console sessions stop working at once) or enables
    it again."""
    table = db.table(db.Agent)
    with db.write_transaction(engine) as conn:
        _managed_account(conn, code, who)
        record_action(conn, "enable-agent" if active else "disable-agent", code, by=who.name)
        conn.execute(table.update().where(table.c.code == code).values(active=active))
        if not active:
            _forget_sessions(conn, code)
    return f"{'enabled' if active else 'disabled'} agent {code}"


def unlock_agent(engine: Engine, code: str, who: Reviewer = COMMAND_LINE) -> str:
    """Forgets the wrong passwords counted against the account, from every address."""
    table = db.table(db.Agent)
    with db.write_transaction(engine) as conn:
        row = visible_account(conn, code, who)
        if who.branch is not None and row.role == keys.Role.ADMIN:
            raise FieldError("code", Text.of("Only an administrator can change an administrator."))
        record_action(conn, "unlock-agent", code, by=who.name)
        conn.execute(
            table.update().where(table.c.code == code).values(failed_logins=0, locked_until=None)
        )
        throttle.forget_failures(conn, code)
    return f"unlocked agent {code}"


def reset_password(
    engine: Engine, settings: config.Settings, code: str, who: Reviewer = COMMAND_LINE
) -> str:
    """Replaces the account's password by a one-time code and answers it (to be shown once;
    it is stored only hashed). The person must choose a new password at their next sign-in;
    their refresh tokens and console sessions stop working, their lockout is lifted."""
    one_time = one_time_code()
    password_hash = security.hash_password(settings, one_time)
    table = db.table(db.Agent)
    with db.write_transaction(engine) as conn:
        _managed_account(conn, code, who)
        record_action(conn, "reset-password", code, by=who.name)
        conn.execute(
            table.update()
            .where(table.c.code == code)
            .values(
                password_hash=password_hash,
                must_change_password=True,
                failed_logins=0,
                locked_until=None,
            )
        )
        _forget_sessions(conn, code)
        throttle.forget_failures(conn, code)
    return one_time


def get_account(engine: Engine, settings: config.Settings, code: str, who: Reviewer) -> AccountRow:
    """One account `who` sees (NoAccount otherwise)."""
    found = list_accounts(engine, settings, who, code=code)
    if not found:
        raise NoAccount(code)
    return found[0]


def list_accounts(
    engine: Engine,
    settings: config.Settings,
    who: Reviewer,
    branch: str | None = None,
    code: str | None = None,
) -> list[AccountRow]:
    """The accounts `who` sees (an admin may narrow to `branch`), by branch and code."""
    agents = db.table(db.Agent)
    scope = who.branch if who.branch is not None else branch
    query = sa.select(agents).order_by(agents.c.branch_code, agents.c.code)
    if scope is not None:
        query = query.where(agents.c.branch_code == scope)
    if code is not None:
        query = query.where(agents.c.code == code)
    now = db.utcnow()
    with engine.connect() as conn:
        rows = conn.execute(query).all()
        locked = _locked_codes(conn, settings, now)
        seen = _last_seen(conn, settings, now)
    return [
        AccountRow(
            code=row.code,
            name=row.name,
            branch=row.branch_code,
            role=row.role,
            active=bool(row.active),
            locked=row.code in locked
            or (row.locked_until is not None and _utc(row.locked_until) > now),
            must_change_password=bool(row.must_change_password),
            last_seen_at=seen.get(row.code),
        )
        for row in rows
    ]


def _utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _locked_codes(conn: sa.Connection, settings: config.Settings, now: dt.datetime) -> set[str]:
    """The codes waiting after too many wrong passwords, from at least one address."""
    failures = db.table(db.LoginFailure)
    return set(
        conn.execute(
            sa.select(failures.c.agent_code)
            .where(
                failures.c.failures >= settings.lockout_failures,
                failures.c.next_allowed_at > now,
            )
            .distinct()
        ).scalars()
    )


def _last_seen(
    conn: sa.Connection, settings: config.Settings, now: dt.datetime
) -> dict[str, dt.datetime]:
    tokens = db.table(db.RefreshToken)
    sessions = db.table(db.ConsoleSession)
    lifetime = dt.timedelta(days=settings.refresh_token_days)
    seen: dict[str, dt.datetime] = {}
    for code, latest in conn.execute(
        sa.select(tokens.c.agent_code, sa.func.max(tokens.c.expires_at))
        .where(tokens.c.expires_at > now)
        .group_by(tokens.c.agent_code)
    ):
        seen[code] = _utc(latest) - lifetime
    for code, latest in conn.execute(
        sa.select(sessions.c.agent_code, sa.func.max(sessions.c.last_seen_at)).group_by(
            sessions.c.agent_code
        )
    ):
        seen[code] = max(seen.get(code, _utc(latest)), _utc(latest))
    return seen


def account_lines(
    engine: Engine, settings: config.Settings, branch: str | None = None
) -> list[str]:
    """The command line's `list-agents`: one line per account."""
    lines = []
    for row in list_accounts(engine, settings, COMMAND_LINE, branch):
        state = "disabled" if not row.active else "locked" if row.locked else "active"
        if row.must_change_password:
            state += ", one-time code"
        seen = row.last_seen_at.isoformat(timespec="minutes") if row.last_seen_at else "-"
        lines.append(f"{row.branch}  {row.code}  {row.role}  {state}  last seen {seen}")
    return lines
