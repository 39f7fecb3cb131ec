// Local durable state for ingestion, in a SQLite file: the outbox (nothing lost), the hashes of
// events already ingested (nothing twice), the dedup index of remote backends, and a cache.
// On the embedded store it lives in the tickets file itself, so a ticket and its hash commit together.
import type { NormalisedAlert } from '../alerts/types.js';
import type { Db } from '../backends/local/db.js';

export interface OutboxEntry {
  id: number;
  hash: string;
  alert: NormalisedAlert;
  source: string | null;
  line: number | null;
  reason: string;
  attempts: number;
}

export class StateDb {
  private readonly q;
  constructor(
    readonly db: Db,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.q = {
      seen: db.prepare<[string], { ticket_id: number | null }>('SELECT ticket_id FROM ingested WHERE hash = ?'),
      markSeen: db.prepare('INSERT OR IGNORE INTO ingested (hash, ticket_id, at) VALUES (?, ?, ?)'),
      enqueue: db.prepare('INSERT OR IGNORE INTO outbox (hash, alert, source, line, reason, queued_at) VALUES (?, ?, ?, ?, ?, ?)'),
      pending: db.prepare('SELECT id, hash, alert, source, line, reason, attempts FROM outbox WHERE id > ? ORDER BY id LIMIT ?'),
      done: db.prepare('DELETE FROM outbox WHERE id = ?'),
      failed: db.prepare('UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?'),
      count: db.prepare('SELECT count(*) AS n FROM outbox'),
      dedupGet: db.prepare<[string], { ticket_id: number; number: string; last_seen_at: string; suppressed: number }>(
        'SELECT ticket_id, number, last_seen_at, suppressed FROM dedup_index WHERE dedup_key = ?',
      ),
      dedupPut: db.prepare(
        `INSERT INTO dedup_index (dedup_key, ticket_id, number, last_seen_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(dedup_key) DO UPDATE SET ticket_id = excluded.ticket_id, number = excluded.number, last_seen_at = excluded.last_seen_at`,
      ),
      dedupSuppress: db.prepare('UPDATE dedup_index SET suppressed = suppressed + 1, last_seen_at = ? WHERE dedup_key = ?'),
      dedupDrop: db.prepare('DELETE FROM dedup_index WHERE dedup_key = ?'),
      cacheGet: db.prepare<[string, string], { value: string; at: string }>('SELECT value, at FROM cache WHERE ns = ? AND key = ?'),
      cachePut: db.prepare('INSERT OR REPLACE INTO cache (ns, key, value, at) VALUES (?, ?, ?, ?)'),
    };
  }

  private now(): string {
    return this.clock().toISOString();
  }

  wasIngested(hash: string): { ticketId: number | null } | undefined {
    const r = this.q.seen.get(hash);
    return r ? { ticketId: r.ticket_id } : undefined;
  }

  markIngested(hash: string, ticketId: number | null): void {
    this.q.markSeen.run(hash, ticketId, this.now());
  }

  enqueue(hash: string, alert: NormalisedAlert, reason: string, source?: string, line?: number): void {
    this.q.enqueue.run(hash, JSON.stringify(alert), source ?? null, line ?? null, reason, this.now());
  }

  /** Outbox entries in queueing order, `limit` at a time after the entry `afterId`. */
  pending(limit = 1000, afterId = 0): OutboxEntry[] {
    return (this.q.pending.all(afterId, limit) as Array<Record<string, unknown>>).map((r) => ({
      id: r.id as number,
      hash: r.hash as string,
      alert: JSON.parse(r.alert as string),
      source: r.source as string | null,
      line: r.line as number | null,
      reason: r.reason as string,
      attempts: r.attempts as number,
    }));
  }

  delivered(id: number): void {
    this.q.done.run(id);
  }

  deliveryFailed(id: number, error: string): void {
    this.q.failed.run(error.slice(0, 500), id);
  }

  outboxSize(): number {
    return (this.q.count.get() as { n: number }).n;
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  // DedupIndex, for backends that cannot search by dedup key themselves.
  dedupGet(key: string) {
    const r = this.q.dedupGet.get(key);
    return r ? { ticketId: r.ticket_id, number: r.number, lastSeenAt: r.last_seen_at, suppressed: r.suppressed } : undefined;
  }
  dedupPut(key: string, ticketId: number, number: string, lastSeenAt = this.now()): void {
    this.q.dedupPut.run(key, ticketId, number, lastSeenAt);
  }
  dedupSuppress(key: string): void {
    this.q.dedupSuppress.run(this.now(), key);
  }
  dedupDrop(key: string): void {
    this.q.dedupDrop.run(key);
  }

  cacheGet(ns: string, key: string): { value: string; at: string } | undefined {
    return this.q.cacheGet.get(ns, key);
  }
  cachePut(ns: string, key: string, value: string): void {
    this.q.cachePut.run(ns, key, value, this.now());
  }
}
