"""The sync service's errors: a sync call that could not be done, a conflict no choice
settles."""

from __future__ import annotations

from typing import TYPE_CHECKING

from agent_app.domain.messages import Text
from agent_app.errors import KnownError
from agent_app.services.sync.messages import CODE_TEXT, KIND_TEXT
from sync import client as sync_client

if TYPE_CHECKING:
    from agent_app.services.sync.cycle import SyncReport


class SyncFailed(KnownError):
    """A sync call that could not be done; `kind` is what to do (see `sync.client.SyncError`).

    `report` is the partial `SyncReport` of a cycle when there is one.
    """

    def __init__(self, kind: str, code: str, report: SyncReport | None = None) -> None:
        text = CODE_TEXT.get(code) or KIND_TEXT.get(kind, KIND_TEXT["server"])
        super().__init__(text, code=f"sync_{kind}")
        self.kind = kind
        self.error_code = code
        self.report = report


def failed(error: sync_client.SyncError) -> SyncFailed:
    return SyncFailed(error.kind, error.code)


class CannotResolve(KnownError):
    def __init__(self, reason: Text) -> None:
        super().__init__(reason, code="cannot_resolve")
