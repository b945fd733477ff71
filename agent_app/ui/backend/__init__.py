"""What the pages ask of the rest of the app, in one place: the UI's port onto the services.

Pages never open sessions or import storage: they call one `Backend` method (`port.py`) inside
an `Op`. `ServicesBackend` (`services_backend.py`) is the real one; tests use a fake at this
boundary (tests/agent_app/ui/fakes.py). `value()` reads a field from a dataclass or a mapping alike.
"""

from agent_app.domain.filters import BusinessFilter
from agent_app.ui.backend.port import Backend, Progress, SyncOverview, value
from agent_app.ui.backend.services_backend import ServicesBackend

__all__ = ["Backend", "BusinessFilter", "Progress", "ServicesBackend", "SyncOverview", "value"]
