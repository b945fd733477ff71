"""The bodies of the administration API's accounts and devices (`/v1/admin/agents`,
`/v1/admin/devices`). Values are checked by the services (`admin.agents`, `admin.devices`),
whose messages name the field in the caller's language; these models give them their shape."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Account(_Model):
    code: str
    name: str
    branch: str
    role: str = Field(description="agent, supervisor or admin.")
    active: bool
    locked: bool = Field(description="Waiting after too many wrong passwords (from an address).")
    must_change_password: bool = Field(description="Signs in with a one-time code next.")
    last_seen_at: dt.datetime | None = Field(
        description="The latest sign-in, token refresh or console page still known."
    )


class Accounts(_Model):
    items: list[Account]


class NewAccountRequest(_Model):
    code: str = Field(max_length=200)
    name: str = Field(max_length=1000)
    role: str = Field(max_length=32)
    branch: str | None = Field(
        default=None, max_length=200, description="Default: the caller's branch."
    )
    password: str | None = Field(
        default=None,
        max_length=2000,
        description="None: a one-time code is made, answered once, changed at first sign-in.",
    )


class OneTimeCode(_Model):
    account: Account
    one_time_code: str | None = Field(
        description="Shown once, stored only hashed: give it to the person, who chooses "
        "their own password at the next sign-in."
    )


class Device(_Model):
    device_id: str
    name: str
    branch: str | None
    last_sync_at: dt.datetime | None
    app_version: str | None
    revoked_at: dt.datetime | None
    agents: list[str] = Field(description="The agents bound to it.")


class Devices(_Model):
    items: list[Device]
