"""App versions and the app's `User-Agent` (SYNC_PROTOCOL.md 1.1): what a laptop sends and what
a server compares with its `min_app_version` and `latest_app_version`. Re-exported by
`sync.protocol`."""

from __future__ import annotations

import importlib.metadata
import platform
import re

from packaging.version import InvalidVersion, Version

#: The product name of the app's `User-Agent`: `perisai-agent/<version> (<platform>)`.
APP_PRODUCT = "perisai-agent"
#: The oldest app a server serves unless told otherwise: the first release (it sent no
#: User-Agent of its own).
OLDEST_APP_VERSION = "0.1.0"
#: Error code (HTTP 426) of a push from an app below the server's `min_app_version`.
APP_TOO_OLD = "app_too_old"
_APP_USER_AGENT = re.compile(rf"^{APP_PRODUCT}/(\S+)")


def installed_app_version() -> str:
    """The version of the installed distribution (`perisai-agent`, the app's and the server's
    one package; `agent_app.__version__` is its source), or "unknown" outside an install.
    `sync` reads it from the metadata: its laptop side never imports `agent_app`, the
    server only `agent_app.domain`."""
    try:
        return importlib.metadata.version("perisai-agent")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"  # not a version: never taken for an old app


def user_agent(app_version: str) -> str:
    """The app's `User-Agent`: its version and the platform (system, release, machine; never
    the host or user name), e.g. `perisai-agent/0.1.0 (Windows 10; AMD64)`."""
    system = " ".join(p for p in (platform.system(), platform.release()) if p) or "unknown"
    machine = platform.machine() or "unknown"
    return f"{APP_PRODUCT}/{app_version} ({system}; {machine})"


def app_version_of(agent: str | None) -> Version | None:
    """The app version a `User-Agent` names, or None when it is not the app's (a browser, a
    script, an app older than the User-Agent) or its version does not parse."""
    found = _APP_USER_AGENT.match(agent or "")
    if not found:
        return None
    try:
        return Version(found.group(1))
    except InvalidVersion:
        return None


def is_older(version: str, than: str) -> bool:
    """Whether app `version` is older than `than` (PEP 440 order; False if either does not
    parse: an unreadable announcement never locks anyone out)."""
    try:
        return Version(version) < Version(than)
    except InvalidVersion:
        return False
