#!/bin/sh
# Ingest of N alerts through soc-ticket (osticket.concurrency = C) vs the same creates sent by curl
# under xargs -P C. Needs: an osTicket profile in the current HOME (API key; bot identity
# SOC_TICKET_USER), SOC_TICKET_LIVE_URL and SOC_TICKET_LIVE_API_KEY (see test/live/README.md).
# Usage: bench/osticket/ingest-vs-curl.sh [N=500] [C=8]
set -eu
N=${1:-500}; C=${2:-8}
ROOT=$(cd "$(dirname "$0")/../.." && pwd); W=$(mktemp -d)
node "$ROOT/bench/ingest/gen-suricata.mjs" "$N" "$W/a.ndjson" --seed "$(date +%s)" >/dev/null
node "$ROOT/bench/ingest/gen-suricata.mjs" "$N" "$W/b.ndjson" --seed "$(( $(date +%s) + 7 ))" >/dev/null
node "$ROOT/bench/osticket/bodies.mjs" "$W/b.ndjson" "$W/bodies" >/dev/null
umask 077; printf 'X-API-Key: %s\n' "$SOC_TICKET_LIVE_API_KEY" > "$W/h"   # header file: the key stays out of argv
node "$ROOT/bin/soc-ticket.js" admin config set osticket.concurrency "$C" >/dev/null 2>&1 || true
t0=$(date +%s.%N); node "$ROOT/bin/soc-ticket.js" ingest --dedup-window 1s "$W/a.ndjson" >/dev/null; t1=$(date +%s.%N)
ls "$W/bodies" | sed "s|^|$W/bodies/|" | xargs -P "$C" -I{} curl -s -o /dev/null -H @"$W/h" -H 'Content-Type: application/json' --data-binary @{} "${SOC_TICKET_LIVE_URL%/}/api/tickets.json"
t2=$(date +%s.%N)
echo "soc-ticket ingest: $N alerts in $(echo "$t1 - $t0" | bc) s; curl xargs -P $C: $(echo "$t2 - $t1" | bc) s"
rm -rf "$W"
