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
from agent_app.services import zones
from agent_app.services.actor import Actor
from agent_app.storage import dashboard_reads
from agent_app.storage.dashboard_reads import Counts
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


def _ask_progress(counts: Counts, target: records.Target, actor: Actor) -> tuple[int, ...]:
    """Asks `counts` for what counts towards `target` (its period's days are the branch's, so
    the period ends at the branch's midnight: docs/time.md); returns the counts' places: the
    progress, then for the `employers` metric those awaiting review."""
    agent_code = actor.agent_code if target.scope == "agent" else None
    event_id = target.scope_id if target.scope == "event" else None
    start, end = target.period_start, target.period_end
    if target.metric == "employers":
        return tuple(
            counts.employers_with_status(
                status.value, start, end, agent_code=agent_code, event_id=event_id
            )
            for status in (keys.EnrollmentStatus.ACCEPTED, keys.EnrollmentStatus.SUBMITTED)
        )
    if target.metric == "enrollments":
        return (counts.enrollments_submitted(start, end, agent_code=agent_code, event_id=event_id),)
    if target.metric == "businesses":
        return (counts.businesses_created(start, end, registered_by=agent_code, event_id=event_id),)
    if target.metric == "visits":
        return (counts.visits(start, end, agent_code=agent_code, event_id=event_id),)
    return ()


def summary(
    uow: SqlUnitOfWork,
    actor: Actor,
    on: dt.date,
    event_id: str | None = None,
    zone: str | None = None,
) -> DashboardSummary:
    """Today's visits, enrollments and registrations, follow-ups due, and target progress.

    Three plain-text statements (`storage.dashboard_reads`: the log-in's first read).

    Args:
        on: the day to report (the branch's today, `zones.today`).
        event_id: restrict the day's figures to an event; its targets are included.
        zone: the branch's zone when the caller knows it (the backend keeps it); read here
            otherwise.
    """
    mine = None if actor.is_supervisor else actor.agent_code
    with uow:
        counts = Counts(zone or zones.zone_in(uow, actor.branch))
        scopes = [("agent", actor.agent_code), ("branch", actor.branch)]
        if event_id:
            scopes.append(("event", event_id))
        targets = dashboard_reads.targets(uow.session, scopes, on)
        day = {
            "visits_today": counts.visits(on, on, agent_code=mine, event_id=event_id),
            "enrollments_today": counts.enrollments_submitted(
                on, on, agent_code=mine, event_id=event_id
            ),
            "businesses_today": counts.businesses_created(
                on, on, registered_by=mine, event_id=event_id
            ),
            "follow_ups_due": counts.follow_ups_due(on, event_id=event_id),
            "drafts": counts.drafts(agent_code=mine),
            "needing_correction": counts.enrollments_needing_attention(agent_code=mine),
            "unsynced_ops": counts.unsynced_ops(),
            "employers_needing_correction": counts.employers_needing_attention(agent_code=mine),
        }
        asked = [_ask_progress(counts, target, actor) for target in targets]
        found = counts.run(uow.session)
        assignments = tuple(dashboard_reads.open_assignments(uow.session, actor.agent_code, 50))
    return DashboardSummary(
        on=on,
        targets=[
            TargetProgress(target, *([found[place] for place in places] or [0]))
            for target, places in zip(targets, asked, strict=True)
        ],
        assignments=assignments,
        **{figure: found[place] for figure, place in day.items()},
    )
