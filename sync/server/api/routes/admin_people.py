"""The administration API's accounts and devices (`/v1/admin/agents`, `/v1/admin/devices`):
the same services as the command line and the console (`admin.agents`, `admin.devices`).
Supervisors see their branch (another branch's account or device is a 404), admins every
branch; agents get 403."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Response

from agent_app.domain.messages import Text
from sync.server.admin import agents, devices, review
from sync.server.admin.common import FieldError
from sync.server.api import admin_people_models as models
from sync.server.api.openapi import R401, R403, R404, R422
from sync.server.api.routes.admin import reviewer
from sync.server.api.state import ServerState, server_state

router = APIRouter(prefix="/v1/admin", tags=["admin"])
ANSWERS = {**R401, **R403, **R404, **R422}
CODE = Path(max_length=64)
DEVICE = Path(max_length=64)


@router.get("/agents", response_model=models.Accounts, responses=ANSWERS)
def list_agents(
    branch: str | None = Query(None, max_length=32),
    who: review.Reviewer = Depends(reviewer),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Any:
    """The accounts of the caller's branch (an admin: every branch, or `branch`)."""
    rows = agents.list_accounts(server.engine, server.settings, who, branch)
    return {"items": [asdict(row) for row in rows]}


@router.post("/agents", status_code=201, response_model=models.OneTimeCode, responses=ANSWERS)
def create_agent(
    body: models.NewAccountRequest,
    response: Response,
    who: review.Reviewer = Depends(reviewer),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Any:
    """Creates an agent or supervisor (an admin also an admin, in any branch). Without a
    password, answers a one-time code (once) that the person changes at first sign-in."""
    branch = body.branch or who.branch
    if branch is None:
        raise FieldError("branch", Text.of("Choose the branch."))
    new = agents.NewAccount(body.code, body.name, branch, body.role, body.password)
    one_time = agents.create_account(server.engine, server.settings, new, who)
    response.headers["Cache-Control"] = "no-store"
    account = agents.get_account(server.engine, server.settings, body.code, who)
    return {"account": asdict(account), "one_time_code": one_time}


@router.post("/agents/{code}/disable", response_model=models.Account, responses=ANSWERS)
def disable_agent(
    code: str = CODE,
    who: review.Reviewer = Depends(reviewer),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Any:
    """Disables the account: its tokens and console sessions stop working at once."""
    agents.set_agent_active(server.engine, code, False, who)
    return asdict(agents.get_account(server.engine, server.settings, code, who))


@router.post("/agents/{code}/enable", response_model=models.Account, responses=ANSWERS)
def enable_agent(
    code: str = CODE,
    who: review.Reviewer = Depends(reviewer),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Any:
    """Enables a disabled account again."""
    agents.set_agent_active(server.engine, code, True, who)
    return asdict(agents.get_account(server.engine, server.settings, code, who))


@router.post("/agents/{code}/unlock", response_model=models.Account, responses=ANSWERS)
def unlock_agent(
    code: str = CODE,
    who: review.Reviewer = Depends(reviewer),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Any:
    """Forgets the wrong passwords counted against the account."""
    agents.unlock_agent(server.engine, code, who)
    return asdict(agents.get_account(server.engine, server.settings, code, who))


@router.post("/agents/{code}/reset-password", response_model=models.OneTimeCode, responses=ANSWERS)
def reset_password(
    response: Response,
    code: str = CODE,
    who: review.Reviewer = Depends(reviewer),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Any:
    """Replaces the password by a one-time code, answered once (never stored in clear): the
    person signs in with it and chooses their own (login answers 403
    `password_change_required` until then). Their refresh tokens and console sessions stop
    working."""
    one_time = agents.reset_password(server.engine, server.settings, code, who)
    response.headers["Cache-Control"] = "no-store"
    account = agents.get_account(server.engine, server.settings, code, who)
    return {"account": asdict(account), "one_time_code": one_time}


@router.get("/devices", response_model=models.Devices, responses=ANSWERS)
def list_devices(
    branch: str | None = Query(None, max_length=32),
    who: review.Reviewer = Depends(reviewer),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Any:
    """The laptops of the caller's branch (an admin: every one, or `branch`'s), latest sync
    first, with their app version and the agents bound."""
    rows = devices.list_devices(server.engine, who, branch)
    return {"items": [{**asdict(row), "agents": list(row.agents)} for row in rows]}


@router.post("/devices/{device_id}/revoke", response_model=models.Device, responses=ANSWERS)
def revoke_device(
    device_id: str = DEVICE,
    who: review.Reviewer = Depends(reviewer),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Any:
    """Revokes a lost or stolen laptop: every agent unbound, its tokens and keys forgotten;
    nobody signs in on it again until it is reset (command line `reset-device`)."""
    devices.revoke_device(server.engine, device_id, who)
    row = devices.get_device(server.engine, device_id, who)
    return {**asdict(row), "agents": list(row.agents)}
