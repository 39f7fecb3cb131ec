#!/bin/sh
# Bulk close of N resolved tickets (tickets/s). Needs HOMEs with logged-in osTicket profiles:
# ANALYST_HOME (triages + resolves), LEAD_HOME (closes), BOT_HOME (ingests; SOC_TICKET_USER=bot).
# Usage: ANALYST_HOME=… LEAD_HOME=… BOT_HOME=… bench/osticket/bulk-close.sh [N=200] [C=8]
set -u
N=${1:-200}; C=${2:-8}
ROOT=$(cd "$(dirname "$0")/../.." && pwd); W=$(mktemp -d); S="node $ROOT/bin/soc-ticket.js"
as() { h=$1; shift; HOME=$h XDG_CONFIG_HOME=$h/.config XDG_DATA_HOME=$h/.local/share XDG_STATE_HOME=$h/.local/state "$@"; }
node "$ROOT/bench/ingest/gen-suricata.mjs" "$N" "$W/a.ndjson" --seed "$(date +%s)" >/dev/null
as "$BOT_HOME" env SOC_TICKET_USER=bot $S --json ingest --dedup-window 1s "$W/a.ndjson" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).tickets.map(t=>t.number).join("\n")))' > "$W/ids"
export S ANALYST_HOME
xargs -P "$C" -I{} sh -c 'h=$ANALYST_HOME; HOME=$h XDG_CONFIG_HOME=$h/.config XDG_DATA_HOME=$h/.local/share XDG_STATE_HOME=$h/.local/state sh -c "$S triage {} --severity low --category malware --verdict false-positive >/dev/null 2>&1 && $S resolve {} --summary noise >/dev/null 2>&1"' < "$W/ids"
t0=$(date +%s.%N); as "$LEAD_HOME" $S close - --yes --concurrency "$C" < "$W/ids" > "$W/out" 2>"$W/err" || true; t1=$(date +%s.%N)
tail -1 "$W/err"
# Tickets not closed (a triage or resolve above that failed leaves its ticket unresolved): say which and why.
grep -v -e '	closed	' -e '^id	' "$W/out" | head -5
echo "bulk close: $(wc -l < "$W/ids") tickets in $(echo "$t1 - $t0" | bc) s = $(echo "scale=1; $(wc -l < "$W/ids") / ($t1 - $t0)" | bc) tickets/s"
rm -rf "$W"
