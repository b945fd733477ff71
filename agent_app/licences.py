"""What the app bundles and under which licences, read from the installed distributions'
metadata (`importlib.metadata`): the About box lists them.

The list is the app's own requirements (the base dependencies and the `app` extra), followed
through their dependencies, each with its version and licence as its metadata declares it
(`License-Expression`, else a short `License`, else the `License ::` classifiers).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

#: The app's distribution and the extra that makes it the desktop app.
DISTRIBUTION = "perisai-agent"
APP_EXTRA = "app"

#: Distributions the app's requirements pull in but the build leaves out (build.spec excludes
#: their modules): greenlet is SQLAlchemy's asyncio support, which the app never uses. The
#: About box must not list what the folder does not hold, nor build.spec copy its metadata.
LEFT_OUT = frozenset({"greenlet"})


@dataclass(frozen=True, slots=True)
class Bundled:
    name: str
    version: str
    #: The declared licence (an SPDX expression where the metadata gives one), or None.
    licence: str | None


def _header(meta: metadata.PackageMetadata, name: str) -> str:
    values = meta.get_all(name) or []
    return str(values[0]).strip() if values else ""


def licence_of(meta: metadata.PackageMetadata) -> str | None:
    expression = _header(meta, "License-Expression")
    if expression:
        return expression
    text = _header(meta, "License")
    if text and "\n" not in text and len(text) <= 80:
        return text
    classified = [
        str(c).split("::")[-1].strip()
        for c in meta.get_all("Classifier") or []
        if str(c).startswith("License ::")
    ]
    return " OR ".join(classified) or None


def _wanted(requirement: Requirement, extras: set[str]) -> bool:
    if requirement.marker is None:
        return True
    return any(requirement.marker.evaluate({"extra": extra}) for extra in extras | {""})


def bundled(root: str = DISTRIBUTION, extras: tuple[str, ...] = (APP_EXTRA,)) -> list[Bundled]:
    """The distributions `root` needs with `extras`, sorted by name (without `root` itself).
    Empty when `root`'s metadata is not installed (a build that did not copy it)."""
    found: dict[str, Bundled] = {}
    queue: list[tuple[str, set[str]]] = [(root, set(extras))]
    seen: set[str] = set()
    while queue:
        name, wanted_extras = queue.pop()
        key = canonicalize_name(name)
        if key in seen or key in LEFT_OUT:
            continue
        seen.add(key)
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        if key != canonicalize_name(root):
            meta = dist.metadata
            found[key] = Bundled(meta["Name"], dist.version, licence_of(meta))
        for text in dist.requires or []:
            try:
                requirement = Requirement(text)
            except InvalidRequirement:
                continue
            if _wanted(requirement, wanted_extras):
                queue.append((requirement.name, set(requirement.extras)))
    return sorted(found.values(), key=lambda b: b.name.lower())
