"""The daily summary of an agent or of a branch event: visits by outcome, enrollments by
status and program, contributions quoted, businesses registered and follow-ups due.

`daily_summary` reads one day from the database (in the laptop's local time, as stored);
`summary_html` lays it out in Bahasa Indonesia for the app page and the PDF. An agent sees
their own day or the day of an event (everyone's work there); a supervisor may also look at any
agent's day. Follow-ups list business names and dates only, no personal data.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from agent_app.domain import clock, contributions, keys, records
from agent_app.domain.messages import Text
from agent_app.errors import KnownError
from agent_app.reports import _format as fmt
from agent_app.reports._format import NT, N
from agent_app.services import zones
from agent_app.services.actor import Actor
from agent_app.storage import repositories, tables
from agent_app.storage.uow import SqlUnitOfWork

OUTCOMES = {
    "interested": "Tertarik",
    "follow_up": "Perlu tindak lanjut",
    "enrolled": "Mendaftar",
    "declined": "Menolak",
}
STATUSES = {
    "draft": "Draf",
    "submitted": "Diajukan",
    "accepted": "Diterima",
    "needs_correction": "Perlu perbaikan",
}
FOLLOW_UP_LIMIT = 50


class NotYours(KnownError):
    def __init__(self) -> None:
        super().__init__(
            Text(
                "Agen hanya dapat melihat ringkasan harian miliknya sendiri.",
                "An agent can only see their own daily summary.",
            ),
            code="not_yours",
        )


@dataclass(frozen=True, slots=True)
class FollowUpDue:
    business_name: str
    due_on: dt.date
    last_outcome: str | None


@dataclass(frozen=True, slots=True)
class DailySummary:
    on: dt.date
    scope: str  # "agent" or "event"
    agent_code: str | None
    agent_name: str
    event: records.Event | None
    visits_by_outcome: dict[str, int]
    enrollments_by_status: dict[str, int]
    enrollments_by_program: dict[str, int]
    contributions_monthly: int  # the monthly contributions quoted (submitted that day)
    contributions_period: int  # the totals for their payment periods
    businesses_registered: int
    follow_ups_due: tuple[FollowUpDue, ...]
    follow_ups_due_count: int
    generated_at: dt.datetime

    @property
    def visits_total(self) -> int:
        return sum(self.visits_by_outcome.values())

    @property
    def enrollments_total(self) -> int:
        return sum(self.enrollments_by_status.values())

    @property
    def title(self) -> str:
        if self.scope == "event" and self.event is not None:
            return f"Acara {self.event.name}"
        name = f"{self.agent_name} ({self.agent_code})" if self.agent_name else self.agent_code
        return f"Agen {name}"


def _day(column: object, on: dt.date, zone: str) -> sa.ColumnElement[bool]:
    """The stamp falls on `on` in the branch's zone (a Makassar agent's 23:30 is that day's)."""
    return repositories.on_days(column, on, on, zone)


def daily_summary(
    uow: SqlUnitOfWork,
    actor: Actor,
    on: dt.date,
    *,
    event_id: str | None = None,
    agent_code: str | None = None,
) -> DailySummary:
    """The summary of one day: of an event when `event_id` is given, else of an agent
    (`agent_code`, by default the actor).

    Raises:
        NotYours: an agent asked for another agent's day.
    """
    scope = "event" if event_id else "agent"
    code = None if event_id else (agent_code or actor.agent_code)
    if code and code != actor.agent_code and not actor.is_supervisor:
        raise NotYours()
    V, E, B = tables.Visit, tables.Enrollment, tables.Business
    with uow:
        s = uow.session
        zone = zones.zone_in(uow, actor.branch)
        event = uow.events.get(event_id) if event_id else None
        agent_name = actor.name if code == actor.agent_code else ""
        if code and not agent_name:
            agent_row = s.get(tables.Agent, code)
            agent_name = agent_row.name if agent_row is not None else ""

        visit_where: list[Any] = [V.deleted == sa.false(), _day(V.visited_at, on, zone)]
        enrollment_where: list[Any] = [
            E.deleted == sa.false(),
            _day(sa.func.coalesce(E.submitted_at, E.created_at), on, zone),
        ]
        business_where: list[Any] = [B.deleted == sa.false(), _day(B.created_at, on, zone)]
        follow_where: list[Any] = [
            B.deleted == sa.false(),
            B.next_follow_up <= on,
            sa.text(tables.OPEN_BUSINESS_SQL),
        ]
        if event_id:
            visit_where.append(V.event_id == event_id)
            enrollment_where.append(E.event_id == event_id)
            business_where.append(B.event_id == event_id)
            follow_where.append(B.event_id == event_id)
        else:
            visit_where.append(V.agent_code == code)
            enrollment_where.append(E.agent_code == code)
            business_where.append(B.registered_by == code)
            visited = sa.select(V.business_id).where(V.agent_code == code)
            follow_where.append(sa.or_(B.registered_by == code, B.id.in_(visited)))

        outcomes: Counter[str] = Counter(
            {
                str(outcome): int(n)
                for outcome, n in s.execute(
                    sa.select(V.outcome, sa.func.count()).where(*visit_where).group_by(V.outcome)
                ).all()
            }
        )
        enrollment_rows = s.execute(
            sa.select(
                E.status,
                E.programs,
                E.monthly_contribution,
                E.declared_income,
                E.period_months,
                E.occupation,
                E.paid_by_state,
                E.submitted_at,
            ).where(*enrollment_where)
        ).all()
        businesses = int(s.scalar(sa.select(sa.func.count()).where(*business_where)) or 0)
        follow_count = int(s.scalar(sa.select(sa.func.count()).where(*follow_where)) or 0)
        follow_rows = s.execute(
            sa.select(B.name, B.next_follow_up, B.last_outcome)
            .where(*follow_where)
            .order_by(B.next_follow_up, B.name)
            .limit(FOLLOW_UP_LIMIT)
        ).all()

    statuses: Counter[str] = Counter()
    programs: Counter[str] = Counter()
    monthly = period = 0
    for row in enrollment_rows:
        statuses[row.status] += 1
        for program in row.programs or ():
            programs[program] += 1
        if row.status == keys.EnrollmentStatus.DRAFT.value or row.monthly_contribution is None:
            continue
        monthly += int(row.monthly_contribution)
        try:
            start = (
                clock.local_date(dt.datetime.fromisoformat(row.submitted_at), zone)
                if row.submitted_at
                else on
            )
            period += contributions.quote(
                row.declared_income,
                row.programs,
                row.period_months,
                start,
                row.occupation,
                row.paid_by_state,
            ).period_total
        except (contributions.QuoteError, TypeError, ValueError):
            period += int(row.monthly_contribution) * int(row.period_months or 1)
    return DailySummary(
        on=on,
        scope=scope,
        agent_code=code,
        agent_name=agent_name,
        event=event,
        visits_by_outcome={k: outcomes.get(k, 0) for k in OUTCOMES} | dict(outcomes),
        enrollments_by_status={k: statuses.get(k, 0) for k in STATUSES} | dict(statuses),
        enrollments_by_program={p: programs.get(p, 0) for p in keys.PROGRAMS},
        contributions_monthly=monthly,
        contributions_period=period,
        businesses_registered=businesses,
        follow_ups_due=tuple(
            FollowUpDue(r.name, r.next_follow_up, r.last_outcome) for r in follow_rows
        ),
        follow_ups_due_count=follow_count,
        generated_at=dt.datetime.now().astimezone(),
    )


def _count_table(title: str, rows: list[tuple[str, int]], total: int) -> str:
    e = fmt.esc
    cells = "".join(f"<tr><td>{e(k)}</td><td {N}>{v}</td></tr>" for k, v in rows)
    cells += f"<tr><td class='total'>Jumlah</td><td {NT}>{total}</td></tr>"
    return (
        f"<h2>{e(title)}</h2><table class='grid' width='100%' cellspacing='0'>"
        f"<tr><th>&nbsp;</th><th {N}>Jumlah</th></tr>{cells}</table>"
    )


def summary_html(summary: DailySummary) -> str:
    """The summary as HTML in Bahasa Indonesia (for the app page and the PDF)."""
    s = summary
    e = fmt.esc
    head = [("Tanggal", e(fmt.date(s.on, weekday=True)))]
    if s.event is not None:
        where = ", ".join(x for x in (s.event.name, s.event.venue) if x)
        head.append(("Acara", e(where)))
        head.append(("Kantor cabang", e(s.event.branch)))
    visits = _count_table(
        "Kunjungan menurut hasil",
        [(OUTCOMES.get(k, k), v) for k, v in s.visits_by_outcome.items()],
        s.visits_total,
    )
    enrollments = _count_table(
        "Pendaftaran menurut status",
        [(STATUSES.get(k, k), v) for k, v in s.enrollments_by_status.items()],
        s.enrollments_total,
    )
    program_rows = "".join(
        f"<tr><td>{e(keys.label('programs', k))} ({e(k)})</td><td {N}>{v}</td></tr>"
        for k, v in s.enrollments_by_program.items()
    )
    money = fmt.kv(
        [
            (
                "Iuran per bulan yang dikutip",
                f"<b>{e(fmt.rupiah(s.contributions_monthly))}</b>",
            ),
            (
                "Jumlah untuk periode pembayaran",
                f"<b>{e(fmt.rupiah(s.contributions_period))}</b>",
            ),
            ("Usaha (UMKM) baru didaftarkan", str(s.businesses_registered)),
        ]
    )
    if s.follow_ups_due:
        follow = "".join(
            f"<tr><td>{e(f.business_name)}</td><td>{e(fmt.date(f.due_on))}</td>"
            f"<td>{e(OUTCOMES.get(f.last_outcome or '', '-'))}</td></tr>"
            for f in s.follow_ups_due
        )
        more = s.follow_ups_due_count - len(s.follow_ups_due)
        follow_html = (
            "<table class='grid' width='100%' cellspacing='0'><tr><th>Usaha</th>"
            f"<th>Jatuh tempo</th><th>Hasil terakhir</th></tr>{follow}</table>"
            + (f"<p class='note'>dan {more} lainnya.</p>" if more > 0 else "")
        )
    else:
        follow_html = "<p>Tidak ada tindak lanjut yang jatuh tempo.</p>"
    body = (
        "<h1>Ringkasan harian</h1>"
        f"<div class='sub'>{e(s.title)}</div>"
        + fmt.kv(head)
        + visits
        + enrollments
        + "<h2>Pendaftaran menurut program</h2>"
        + "<table class='grid' width='100%' cellspacing='0'><tr><th>Program</th>"
        + f"<th {N}>Peserta</th></tr>{program_rows}</table>"
        + "<h2>Iuran dan usaha</h2>"
        + money
        + f"<h2>Tindak lanjut jatuh tempo ({s.follow_ups_due_count})</h2>"
        + follow_html
        + f"<p class='note'>Dibuat {e(fmt.date_time(s.generated_at))}. Angka dari data di "
        "laptop ini (termasuk yang belum tersinkron).</p>"
    )
    return fmt.page("Ringkasan harian", body)
