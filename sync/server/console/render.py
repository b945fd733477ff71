"""The console's pages: Jinja2 templates (autoescaped) in the person's language, redirects after
a change with a one-time notice, and the field messages of a refused form.

One template environment per language, each with gettext callables over the app's one
catalogue (`agent_app.domain.catalogue`): templates write `{{ _("English") }}` or
`{{ _("Hello %(name)s", name=x) }}` (Jinja's newstyle gettext: the values are escaped), and
`devtools.i18n_build` collects those messages with the Python ones.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import jinja2
import sqlalchemy as sa
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse

from agent_app.domain import catalogue
from agent_app.domain.clock import DEFAULT_ZONE
from agent_app.domain.messages import Text
from sync.server.admin.common import FieldError
from sync.server.api.state import server_state
from sync.server.console import session
from sync.server.console.session import ConsoleUser
from sync.server.prospects import suspects

MONTHS = {
    "id": ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"],
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
}

#: The console's pages in the order of its menu: (nav name, path, English label).
NAV = (
    ("review", "/console/review", Text.of("Review")),
    ("coverage", "/console/coverage", Text.of("Coverage")),
    ("targets", "/console/targets", Text.of("Targets and events")),
    ("assignments", "/console/assignments", Text.of("Assignments")),
    ("prospects", "/console/prospects", Text.of("Prospect lists")),
    ("duplicates", "/console/duplicates", Text.of("Duplicates")),
    ("people", "/console/people", Text.of("Agents and devices")),
    ("audit", "/console/audit", Text.of("Audit")),
    ("exports", "/console/exports", Text.of("Exports")),
    ("consent", "/console/consent", Text.of("Consent texts")),
)


def number(value: int | float | None, lang: str) -> str:
    """1.441 in Indonesian, 1,441 in English."""
    if value is None:
        return "-"
    text = (
        f"{value:,.0f}" if isinstance(value, int) or float(value).is_integer() else f"{value:,.1f}"
    )
    if lang == "en":
        return text
    return text.translate(str.maketrans(",.", ".,"))


def day(value: dt.date | str | None, lang: str) -> str:
    """6 Des 2026 / 6 Dec 2026."""
    if value is None or value == "":
        return "-"
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return str(value)
    return f"{value.day} {MONTHS[lang][value.month - 1]} {value.year}"


def when(value: dt.datetime | str | None, lang: str, zone: str) -> str:
    """A moment in the branch's zone: 6 Des 2026 14:05."""
    if value is None or value == "":
        return "-"
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return str(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    local = value.astimezone(zoneinfo.ZoneInfo(zone))
    return f"{day(local.date(), lang)} {local:%H:%M}"


def _environment(lang: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("sync.server.console", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )

    def gettext(source: str) -> str:
        return catalogue.translate(source, lang)

    def ngettext(singular: str, plural: str, count: int) -> str:
        return gettext(singular if count == 1 else plural)

    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters["number"] = lambda value: number(value, lang)
    env.filters["day"] = lambda value: day(value, lang)

    @jinja2.pass_context
    def when_filter(context: Any, value: Any) -> str:
        user = context.get("user")
        return when(value, lang, user.zone if user else DEFAULT_ZONE)

    env.filters["when"] = when_filter
    env.globals["lang"] = lang
    env.globals["NAV"] = NAV
    return env


ENVIRONMENTS = {lang: _environment(lang) for lang in session.LANGUAGES}


def text_of(value: Text | str, lang: str) -> str:
    return value.in_language(lang) if isinstance(value, Text) else value


def page(
    request: Request,
    user: ConsoleUser | None,
    template: str,
    *,
    status_code: int = 200,
    language: str | None = None,
    **context: Any,
) -> HTMLResponse:
    """The page `template` for `user` (None: signed out), in their language (`language`:
    before sign-in, one just chosen)."""
    lang = user.lang if user else (language or session.language_of(request))
    env = ENVIRONMENTS[lang]
    context.setdefault("errors", {})
    context.setdefault("nav", "")
    if user is not None and "nav_counts" not in context:
        context["nav_counts"] = nav_counts(request, user)
    html = env.get_template(template).render(
        request=request,
        user=user,
        csrf_token=user.csrf if user else "",
        path=request.url.path,
        **context,
    )
    return HTMLResponse(html, status_code=status_code)


def nav_counts(request: Request, user: ConsoleUser) -> dict[str, int]:
    """The numbers beside the menu's entries: the suspected duplicates waiting (an indexed
    count; nothing when the database cannot answer, e.g. on an error page)."""
    try:
        with server_state(request).engine.connect() as conn:
            return {"duplicates": suspects.open_count(conn, user.scope)}
    except sa.exc.SQLAlchemyError:
        return {}


def redirect(
    request: Request, user: ConsoleUser, path: str, notice: Text | None = None
) -> RedirectResponse:
    """303 to `path` (a console path) after a change, with `notice` shown once there."""
    if notice is not None:
        session.set_notice(server_state(request), user, notice)
    return RedirectResponse(session.safe_next(path), status_code=303)


def field_errors(error: FieldError, lang: str) -> dict[str, str]:
    """The message of a refused form, under the field it concerns."""
    return {error.field: error.text.in_language(lang)}
