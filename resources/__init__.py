"""Data files that ship with the app and the server: keys, contribution tables, translations
and the style sheet. Code reads them only through `agent_app.domain._resources`."""
