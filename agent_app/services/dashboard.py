"""The Beranda (dashboard) figures: the day's work and progress towards the targets.

An agent sees their own numbers (they are paid on them); a supervisor sees everything on this
laptop. Progress counts what this laptop knows: records made here and those pulled from the
server. The `employers` metric counts employer registrations submitted inside the target's
period: accepted ones are its progress, and those submitted but not yet reviewed are shown
beside it (`pending`); one sent back for correction counts in neither.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from agent_app.domain import keys, records
from agent_app.domain.filters import BusinessFilter
from agent_app.services import zones
from agent_app.services.actor import Actor
from agent_app.storage import rows
from agent_app.storage.uow import SqlUnitOfWork


@dataclass(frozen=True, slots=True)
class TargetProgress:
    target: records.Target
    achieved: int
    #: Submitted, not yet accepted (the `employers` metric: awaiting the branch's review).
    pending: int = 0

    @property
    def goal(self) -> int:
        return self.target.goal

    @property
    def ratio(self) -> float:
        return self.achieved / self.target.goal if self.target.goal else 0.0


@dataclass(frozen=True, slots=True)
class DashboardSummary:
    on: dt.date
    visits_today: int
    enrollments_today: int
    businesses_today: int
    follow_ups_due: int
    drafts: int
    needing_correction: int
    unsynced_ops: int
    targets: list[TargetProgress]
    #: The account's open assignments from their supervisor, due soonest first.
    assignments: tuple[records.Assignment, ...] = ()
    #: Employer registrations sent back for correction, or refused by the server.
    employers_needing_correction: int = 0


def _progress(
    uow: SqlUnitOfWork,
    target: records.Target,
    agent_code: str | None,
    event_id: str | None,
    zone: str,
) -> TargetProgress:
    """The target's progress (its period's days are the branch's, so the period ends at the
    branch's midnight: docs/time.md)."""
    if target.metric == "employers":
        counts = uow.employer_registrations.count_by_status(
            target.period_start,
            target.period_end,
            agent_code=agent_code,
            event_id=event_id,
            zone=zone,
        )
        return TargetProgress(
            target,
            counts.get(keys.EnrollmentStatus.ACCEPTED.value, 0),
            counts.get(keys.EnrollmentStatus.SUBMITTED.value, 0),
        )
    return TargetProgress(target, _achieved(uow, target, agent_code, event_id, zone))


def _achieved(
    uow: SqlUnitOfWork,
    target: records.Target,
    agent_code: str | None,
    event_id: str | None,
    zone: str,
) -> int:
    """What counts towards a target of records made in its period."""
    start, end = target.period_start, target.period_end
    if target.metric == "enrollments":
        return uow.enrollments.count_submitted(
            start, end, agent_code=agent_code, event_id=event_id, zone=zone
        )
    if target.metric == "businesses":
        return uow.businesses.count_created(
            start, end, registered_by=agent_code, event_id=event_id, zone=zone
        )
    if target.metric == "visits":
        return uow.visits.count_between(
            start, end, agent_code=agent_code, event_id=event_id, zone=zone
        )
    return 0


def summary(
    uow: SqlUnitOfWork, actor: Actor, on: dt.date, event_id: str | None = None
) -> DashboardSummary:
    """Today's visits, enrollments and registrations, follow-ups due, and target progress.

    Args:
        on: the day to report (the branch's today, `zones.today`).
        event_id: restrict the day's figures to an event; its targets are included.
    """
    mine = None if actor.is_supervisor else actor.agent_code
    with uow:
        zone = zones.zone_in(uow, actor.branch)
        scopes = [("agent", actor.agent_code), ("branch", actor.branch)]
        if event_id:
            scopes.append(("event", event_id))
        progress = []
        for target in uow.targets.for_scopes(scopes, on):
            if target.scope == "agent":
                progress.append(_progress(uow, target, actor.agent_code, None, zone))
            elif target.scope == "event":
                progress.append(_progress(uow, target, None, target.scope_id, zone))
            else:
                progress.append(_progress(uow, target, None, None, zone))
        drafts = uow.enrollments.count(
            rows.EnrollmentFilter(status=keys.EnrollmentStatus.DRAFT.value, agent_code=mine)
        )
        return DashboardSummary(
            on=on,
            visits_today=uow.visits.count_between(
                on, on, agent_code=mine, event_id=event_id, zone=zone
            ),
            enrollments_today=uow.enrollments.count_submitted(
                on, on, agent_code=mine, event_id=event_id, zone=zone
            ),
            businesses_today=uow.businesses.count_created(
                on, on, registered_by=mine, event_id=event_id, zone=zone
            ),
            follow_ups_due=uow.businesses.count(
                BusinessFilter(follow_up_due_on=on, event_id=event_id)
            ),
            drafts=drafts,
            needing_correction=len(uow.enrollments.needing_attention(mine)),
            unsynced_ops=uow.outbox.count_unsettled(),
            targets=progress,
            assignments=tuple(uow.assignments.for_agent(actor.agent_code, ("open",), 50)),
            employers_needing_correction=len(uow.employer_registrations.needing_attention(mine)),
        )
