#!/bin/sh
# `list --all` over every ticket the agent sees (open and closed queues: two CSV exports joined with
# number → id look-ups). Needs a HOME with a logged-in osTicket profile: LEAD_HOME.
# Usage: LEAD_HOME=… bench/osticket/list.sh [RUNS=3]
set -eu
RUNS=${1:-3}
ROOT=$(cd "$(dirname "$0")/../.." && pwd); W=$(mktemp -d)
as() { h=$LEAD_HOME; HOME=$h XDG_CONFIG_HOME=$h/.config XDG_DATA_HOME=$h/.local/share XDG_STATE_HOME=$h/.local/state "$@"; }
i=0
while [ "$i" -lt "$RUNS" ]; do
  i=$((i + 1))
  t0=$(date +%s.%N); as node "$ROOT/bin/soc-ticket.js" list --all --limit 1000000 > "$W/out"; t1=$(date +%s.%N)
  # TSV when piped: one header line.
  echo "list --all: $(($(wc -l < "$W/out") - 1)) tickets in $(echo "$t1 - $t0" | bc) s"
done
rm -rf "$W"
