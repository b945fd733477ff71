#!/usr/bin/env sh
# Regenerates the hash-pinned locks from pyproject.toml, for every platform at once (Linux,
# Windows, macOS; Python 3.11 to 3.13: `--universal` writes environment markers where a pin
# differs). Needs uv (`python3 -m pip install uv`). Run it after any change to the
# dependencies in pyproject.toml (tests/shipping/test_locks.py fails until the locks agree);
# `requirements/lock.sh --upgrade` moves every pin to the newest release allowed.
#   requirements/app.txt     the desktop app (the Windows installer's build adds pyinstaller: dev.txt)
#   requirements/server.txt  the central server, without Qt
#   requirements/dev.txt     app + server + test and build tools (CI, the README's test command)
set -eu
cd "$(dirname "$0")/.."
for extra in app server dev; do
  uv pip compile pyproject.toml --extra "$extra" --universal --generate-hashes \
    --python-version 3.11 --quiet "$@" \
    --custom-compile-command "requirements/lock.sh" --output-file "requirements/$extra.txt"
done
