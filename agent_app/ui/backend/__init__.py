"""What the pages ask of the rest of the app, in one place: the UI's port onto the services.

Pages never open sessions or import storage: they call one `Backend` method (`port.py`) inside
an `Op`. `ServicesBackend` (`services_backend.py`) is the real one; tests use a fake at this
boundary (tests/agent_app/ui/fakes.py). `value()` reads a field from a dataclass or a mapping alike.

`ServicesBackend` and `BusinessFilter` are loaded on first use (PEP 562): the login window
imports this package, and `ServicesBackend` brings the services, storage and SQLAlchemy, which
the log-in imports off the UI thread while the password is typed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agent_app.ui.backend.port import Backend, Progress, SyncOverview, value

if TYPE_CHECKING:
    from agent_app.domain.filters import BusinessFilter
    from agent_app.ui.backend.services_backend import ServicesBackend

__all__ = ["Backend", "BusinessFilter", "Progress", "ServicesBackend", "SyncOverview", "value"]


def __getattr__(name: str) -> Any:
    if name == "ServicesBackend":
        from agent_app.ui.backend.services_backend import ServicesBackend

        return ServicesBackend
    if name == "BusinessFilter":
        from agent_app.domain.filters import BusinessFilter

        return BusinessFilter
    raise AttributeError(name)
