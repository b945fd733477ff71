"""Perisai Agent: the offline-first desktop app for BPJS Ketenagakerjaan outreach agents.

This module holds the single source of the application's name and version; `build.spec`,
`pyproject.toml` and the About box read them from here.
"""

APP_NAME = "Perisai Agent"
APP_ID = "perisai-agent"
__version__ = "0.1.0"
