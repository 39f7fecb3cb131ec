// Listing over the staff panel: CSV export of a queue (INTERFACE.md §c1) and number → id look-ups
// (§c4), the ids cached locally because they never change.
import type { StateDb } from '../../ingest/state.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { OsTicketUnavailableError } from './errors.js';
import { csvRecords, maybeJson, parseNumberLookup } from './parse.js';
import type { OsTicketSession } from './session.js';
import { EXPORT_FIELDS } from './convert.js';
import { mapLimit } from '../../util/concurrency.js';

/**
 * Export one queue (1 = open, 8 = closed) as CSV records.
 * osTicket registers the export id in the PHP session only after it has answered the start request
 * (class.export.php ack → session_write_close). A request of the same session that starts in that
 * moment writes the old session back and the id is lost ("No such export"): so no other request of
 * this session may run during an export, the first check waits a little, and a lost id restarts it.
 */
export async function exportQueue(session: OsTicketSession, queue: number | string, timeoutMs = 60_000): Promise<Array<Record<string, string>>> {
  for (let attempt = 0, settle = 150; ; attempt++, settle *= 3) {
    const rows = await exportOnce(session, queue, timeoutMs, settle);
    if (rows) return rows;
    if (attempt >= 2) throw new OsTicketUnavailableError(`osTicket lost the export of queue ${queue} three times ("No such export").`, 'Another client may be using the same osTicket session; try again.');
  }
}

async function exportOnce(session: OsTicketSession, queue: number | string, timeoutMs: number, settleMs: number): Promise<Array<Record<string, string>> | undefined> {
  // osTicket keeps the PHP worker busy ~15 s after acknowledging (it sleeps, then mails the file):
  // that connection must not be reused, or the next request waits behind it.
  const start = await session.post(
    `scp/ajax.php/tickets/export/${queue}`,
    { 'fields[]': EXPORT_FIELDS, filename: 'soc-ticket.csv', 'csv-delimiter': ',' },
    { headers: { connection: 'close' } },
  );
  const ack = maybeJson(start.body) as { eid?: string } | undefined;
  if (start.status === 403 || start.status === 404) {
    throw new OsTicketUnavailableError(`osTicket refused the export of queue ${queue} (HTTP ${start.status}).`, 'Check that this agent can see the queue in the staff panel.');
  }
  if (start.status !== 201 || !ack?.eid || !/^[A-Za-z0-9_-]+$/.test(ack.eid)) {
    throw session.unexpected(`the export of queue ${queue}`, start);
  }
  // Export ids are random URL-safe text (seen: "OAwMRH", "b_NdyV"); checked before going into a path.
  const eid = ack.eid;
  const deadline = Date.now() + timeoutMs;
  await sleep(settleMs);
  // A check costs ~5 ms on the server; polling every 100 ms at most finds a large export ready
  // within 0.1 s instead of up to 0.5 s (list over 2,600 tickets: 2.6 s → 2.0 s).
  for (let wait = 20; ; wait = Math.min(wait * 2, 100)) {
    const check = await session.post(`scp/ajax.php/export/${eid}/check`, {});
    const j = maybeJson(check.body) as { status?: string } | undefined;
    if (check.status === 201 && j?.status === 'ready') break;
    if (check.status === 404 && /No such export/i.test(check.body)) return undefined;
    if (check.status !== 200 || j?.status !== 'notready') throw session.unexpected(`the export check of queue ${queue}`, check);
    if (Date.now() > deadline) throw new OsTicketUnavailableError(`osTicket's export of queue ${queue} was not ready after ${timeoutMs / 1000} s.`);
    await sleep(wait);
  }
  const file = await session.get(`scp/export.php?id=${eid}`, false);
  if (file.status !== 200) throw session.unexpected(`the download of export ${eid}`, file);
  return csvRecords(file.body);
}

const ID_NS = 'osticket.id';

/** Ticket numbers → internal ids, from the local cache, then from osTicket's number look-up. */
export async function idsForNumbers(session: OsTicketSession, state: StateDb | undefined, numbers: string[], concurrency = 8): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const missing: string[] = [];
  for (const n of numbers) {
    const c = state?.cacheGet(ID_NS, n);
    if (c && Number(c.value) > 0) out.set(n, Number(c.value));
    else missing.push(n);
  }
  if (!missing.length) return out;
  // Few: ask for each. Many: ask by leading digit(s), which covers thousands in a few requests.
  // ("0" alone is empty to PHP, so prefixes starting with 0 take two characters.)
  const queries = missing.length <= 12 ? missing.map((n) => ({ q: n, limit: 5 })) : [...new Set(missing.map((n) => (n[0] === '0' ? n.slice(0, 2) : n[0])))].map((q) => ({ q, limit: 1_000_000 }));
  const found = await mapLimit(queries, concurrency, async ({ q, limit }) => {
    const res = await session.get(`scp/ajax.php/tickets/number-lookup?q=${encodeURIComponent(q)}&limit=${limit}`, true);
    if (res.status !== 200) throw session.unexpected('the ticket number look-up', res);
    return parseNumberLookup(res.body);
  });
  const fill = state ? (fn: () => void) => state.transaction(fn) : (fn: () => void) => fn();
  fill(() => {
    for (const hits of found) {
      for (const h of hits) {
        if (!h.ticketId) continue;
        state?.cachePut(ID_NS, h.number, String(h.ticketId));
        out.set(h.number, h.ticketId);
      }
    }
  });
  return out;
}

export function rememberId(state: StateDb | undefined, number: string, id: number): void {
  if (id > 0) state?.cachePut(ID_NS, number, String(id));
}
