#!/usr/bin/env bash
# One sitting of issue 15: our benches and PouchDB's, alternated, on one machine.
#
#   POUCH=/tmp/pouch UI_HOME=/tmp/ui-home PG_URL=postgresql+psycopg://... tests/bench/sitting.sh > sitting.log
#
# POUCH: a copy of ../shared/bench/pouchdb with `npm ci --offline` done in it.
# UI_HOME: a filled home (100,000 businesses + 100,000 enrollments) made once with
#   `tests/bench/bench_ui.py --home DIR` (a copy: the bench migrates it).
# PG_URL: a PostgreSQL database the server push may create databases beside.
# Each step's line gives the time and the load average; docs/benchmarks.md holds the readings.
set -uo pipefail
cd "$(dirname "$0")/../.."
: "${POUCH:?a copy of ../shared/bench/pouchdb with npm ci done}" "${UI_HOME:?a filled home}"
: "${PG_URL:=postgresql+psycopg://perisai:perisai@127.0.0.1:5432/perisai_test}"
PY=.venv/bin/python
log() { echo "### $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg) :: $*"; }
pouch_push() { log "pouchdb push"; (cd "$POUCH" && node bench.js --n 10000 --batch 500 2>&1 | tail -1); }
pouch_pull() { log "pouchdb pull"; (cd "$POUCH" && node pull.js --n 100000 --batch 1000 --reps 1 2>&1 | tail -1); }
server_push() {
  log "server push"
  $PY tests/bench/bench_server_push.py --n 10000 --batch 500 --pg-url "$PG_URL" --repeat 3 2>&1 | grep server_push
}
laptop_push() {
  log "laptop push"
  $PY tests/bench/bench_sync.py --only push --push-n 10000 --reps 3 2>&1 | grep -E "push run|sync_push"
}
our_pull() {
  log "pull"
  $PY tests/bench/bench_sync.py --only pull --pull-n 100000 --reps 2 2>&1 | grep -E "pull run|sync_pull"
}
ui() { log "ui"; $PY tests/bench/bench_ui.py --home "$UI_HOME" --memory 2>&1 | tail -25; }
uptime
pouch_push; server_push; laptop_push
pouch_push; server_push; laptop_push
pouch_push
pouch_pull; our_pull; pouch_pull; our_pull
ui; ui; ui
log done
