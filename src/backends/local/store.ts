// The embedded store: one SQLite file, the default backend.
import type { NormalisedAlert } from '../../alerts/types.js';
import type { Severity, Stage, Ticket, TicketEvent, Attachment } from '../../domain/types.js';
import { SEVERITIES } from '../../domain/types.js';
import { StageConflictError, WorkflowError } from '../../errors.js';
import type {
  AttachmentInput,
  BatchIngest,
  IngestItem,
  IngestOptions,
  IngestOutcome,
  Lookups,
  TicketChange,
  TicketFilter,
  TicketStore,
} from '../types.js';
import { openDb, type Db } from './db.js';
import { createHash } from 'node:crypto';

interface Row {
  id: number;
  title: string;
  description: string;
  severity: Severity;
  stage: Stage;
  category: string | null;
  verdict: string | null;
  assignee: string | null;
  host: string | null;
  src_ip: string | null;
  dst_ip: string | null;
  rule_id: string | null;
  rule_name: string | null;
  source: string | null;
  dedup_key: string | null;
  occurrences: number;
  last_seen: string | null;
  observables: string;
  mitre: string;
  created_at: string;
  updated_at: string;
  created_by: string;
  triaged_by: string | null;
  resolved_by: string | null;
  resolved_at: string | null;
  summary: string | null;
}

const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

function toTicket(r: Row): Ticket {
  return {
    id: r.id,
    number: String(r.id),
    title: r.title,
    description: r.description,
    severity: r.severity,
    stage: r.stage,
    category: opt(r.category),
    verdict: opt(r.verdict) as Ticket['verdict'],
    assignee: opt(r.assignee),
    host: opt(r.host),
    srcIp: opt(r.src_ip),
    dstIp: opt(r.dst_ip),
    ruleId: opt(r.rule_id),
    ruleName: opt(r.rule_name),
    source: opt(r.source),
    dedupKey: opt(r.dedup_key),
    occurrences: r.occurrences,
    lastSeen: opt(r.last_seen),
    observables: JSON.parse(r.observables),
    mitre: JSON.parse(r.mitre),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    createdBy: r.created_by,
    triagedBy: opt(r.triaged_by),
    resolvedBy: opt(r.resolved_by),
    resolvedAt: opt(r.resolved_at),
    summary: opt(r.summary),
  };
}

const SORTS: Record<NonNullable<TicketFilter['sort']>, string> = {
  id: 'id',
  created: 'created_at',
  updated: 'updated_at',
  severity: `CASE severity ${SEVERITIES.map((s, i) => `WHEN '${s}' THEN ${i}`).join(' ')} END`,
  stage: `CASE stage WHEN 'new' THEN 0 WHEN 'triaged' THEN 1 WHEN 'assigned' THEN 2 WHEN 'resolved' THEN 3 ELSE 4 END`,
};

export function rawAttachment(alert: NormalisedAlert): AttachmentInput {
  const data = Buffer.from(alert.raw, 'utf8');
  return {
    name: `alert-${alert.format}.json`,
    mime: 'application/json',
    size: data.length,
    sha256: createHash('sha256').update(data).digest('hex'),
    data,
  };
}

export class LocalStore implements TicketStore, BatchIngest {
  readonly kind = 'local' as const;
  readonly maxAttachmentBytes = 50 * 1024 * 1024;
  private readonly clock: () => Date;
  private s!: ReturnType<LocalStore['prepare']>;

  private constructor(
    readonly db: Db,
    clock?: () => Date,
  ) {
    this.clock = clock ?? (() => new Date());
    this.s = this.prepare();
  }

  static async open(path: string, clock?: () => Date): Promise<LocalStore> {
    return new LocalStore(await openDb(path), clock);
  }

  private prepare() {
    const db = this.db;
    return {
      get: db.prepare<[number], Row>('SELECT * FROM tickets WHERE id = ?'),
      events: db.prepare('SELECT id, at, actor, kind, from_stage, to_stage, comment FROM events WHERE ticket_id = ? ORDER BY id'),
      atts: db.prepare('SELECT event_id, name, mime, size, sha256 FROM attachments WHERE ticket_id = ? ORDER BY id'),
      insertTicket: db.prepare(
        `INSERT INTO tickets (title, description, severity, stage, host, src_ip, dst_ip, rule_id, rule_name, source, dedup_key,
           occurrences, last_seen, last_seen_at, observables, mitre, category, created_at, updated_at, created_by)
         VALUES (@title, @description, @severity, 'new', @host, @srcIp, @dstIp, @ruleId, @ruleName, @source, @dedupKey,
           1, @time, @now, @observables, @mitre, @category, @now, @now, @actor)`,
      ),
      insertEvent: db.prepare(
        'INSERT INTO events (ticket_id, at, actor, kind, from_stage, to_stage, comment) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      insertAtt: db.prepare(
        'INSERT INTO attachments (ticket_id, event_id, name, mime, size, sha256, data) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      byDedup: db.prepare<[string, string], Row>(
        `SELECT * FROM tickets WHERE dedup_key = ? AND stage <> 'closed' AND last_seen_at >= ? ORDER BY id DESC LIMIT 1`,
      ),
      occurrence: db.prepare(
        `UPDATE tickets SET occurrences = occurrences + 1, last_seen = max(coalesce(last_seen, ''), ?), last_seen_at = ?, updated_at = ? WHERE id = ?`,
      ),
      seen: db.prepare<[string], { ticket_id: number | null }>('SELECT ticket_id FROM ingested WHERE hash = ?'),
      markSeen: db.prepare('INSERT OR IGNORE INTO ingested (hash, ticket_id, at) VALUES (?, ?, ?)'),
      touch: db.prepare('UPDATE tickets SET updated_at = ? WHERE id = ?'),
    };
  }

  private now(): string {
    return this.clock().toISOString();
  }

  async get(ref: string | number): Promise<Ticket | null> {
    const id = typeof ref === 'number' ? ref : /^\d+$/.test(ref) ? Number(ref) : NaN;
    if (!Number.isSafeInteger(id)) return null;
    const row = this.s.get.get(id);
    if (!row) return null;
    const t = toTicket(row);
    const atts = this.s.atts.all(id) as Array<Attachment & { event_id: number | null }>;
    const byEvent = new Map<number, Attachment[]>();
    for (const a of atts) {
      if (a.event_id === null) continue;
      const list = byEvent.get(a.event_id) ?? [];
      list.push({ name: a.name, mime: a.mime, size: a.size, sha256: a.sha256 });
      byEvent.set(a.event_id, list);
    }
    t.attachments = atts.map(({ name, mime, size, sha256 }) => ({ name, mime, size, sha256 }));
    t.events = (this.s.events.all(id) as Array<Record<string, string | number | null>>).map((e) => {
      const ev: TicketEvent = { at: e.at as string, actor: e.actor as string, kind: e.kind as TicketEvent['kind'] };
      if (e.from_stage) ev.from = e.from_stage as Stage;
      if (e.to_stage) ev.to = e.to_stage as Stage;
      if (e.comment) ev.comment = e.comment as string;
      const a = byEvent.get(e.id as number);
      if (a) ev.attachments = a;
      return ev;
    });
    return t;
  }

  /** Attachment bytes, for `show --save-attachments` and evidence export. */
  attachmentData(ticketId: number, sha256: string): Buffer | undefined {
    const r = this.db.prepare('SELECT data FROM attachments WHERE ticket_id = ? AND sha256 = ? LIMIT 1').get(ticketId, sha256) as
      | { data: Buffer }
      | undefined;
    return r?.data;
  }

  async list(f: TicketFilter): Promise<Ticket[]> {
    const where: string[] = [];
    const args: Array<string | number> = [];
    if (f.stages?.length) {
      where.push(`stage IN (${f.stages.map(() => '?').join(',')})`);
      args.push(...f.stages);
    }
    if (f.severity?.length) {
      where.push(`severity IN (${f.severity.map(() => '?').join(',')})`);
      args.push(...f.severity);
    }
    if (f.assignee) {
      where.push('assignee = ?');
      args.push(f.assignee);
    }
    if (f.category) {
      where.push('category = ?');
      args.push(f.category);
    }
    if (f.since) {
      where.push('created_at >= ?');
      args.push(f.since.toISOString());
    }
    if (f.search) {
      const like = `%${f.search.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
      where.push(
        `(${['title', 'description', 'host', 'src_ip', 'dst_ip', 'rule_name', 'rule_id', 'summary', 'observables']
          .map((c) => `${c} LIKE ? ESCAPE '\\'`)
          .join(' OR ')})`,
      );
      for (let i = 0; i < 9; i++) args.push(like);
    }
    const order = `${SORTS[f.sort ?? 'id']} ${f.desc ? 'DESC' : 'ASC'}, id ${f.desc ? 'DESC' : 'ASC'}`;
    const sql = `SELECT * FROM tickets${where.length ? ' WHERE ' + where.join(' AND ') : ''} ORDER BY ${order}${
      f.limit ? ` LIMIT ${Math.floor(f.limit)}` : ''
    }`;
    return (this.db.prepare(sql).all(...args) as Row[]).map(toTicket);
  }

  private insertFromAlert(alert: NormalisedAlert, actor: string, now: string): number {
    const info = this.s.insertTicket.run({
      title: alert.title,
      description: alert.description ?? '',
      severity: alert.severity,
      host: alert.host ?? null,
      srcIp: alert.srcIp ?? null,
      dstIp: alert.dstIp ?? null,
      ruleId: alert.ruleId ?? null,
      ruleName: alert.ruleName ?? null,
      source: alert.format,
      dedupKey: alert.dedupKey,
      time: alert.time,
      now,
      observables: JSON.stringify(alert.observables),
      mitre: JSON.stringify(alert.mitre),
      category: alert.category ?? null,
      actor,
    });
    const id = Number(info.lastInsertRowid);
    const ev = this.s.insertEvent.run(id, now, actor, 'created', null, 'new', `Ingested from ${alert.format} alert (${alert.time}).`);
    const raw = rawAttachment(alert);
    this.s.insertAtt.run(id, Number(ev.lastInsertRowid), raw.name, raw.mime, raw.size, raw.sha256, raw.data);
    return id;
  }

  async createFromAlert(alert: NormalisedAlert, actor: string): Promise<Ticket> {
    const id = this.db.transaction(() => this.insertFromAlert(alert, actor, this.now())).immediate();
    return (await this.get(id))!;
  }

  async findByDedupKey(key: string, since: Date): Promise<Ticket | null> {
    const r = this.s.byDedup.get(key, since.toISOString());
    return r ? toTicket(r) : null;
  }

  private occurrence(id: number, alert: NormalisedAlert, actor: string, now: string): void {
    this.s.occurrence.run(alert.time, now, now, id);
    const where = [alert.srcIp, alert.dstIp].filter(Boolean).join(' → ');
    this.s.insertEvent.run(id, now, actor, 'occurrence', null, null, `Seen again at ${alert.time}${where ? ` (${where})` : ''}.`);
  }

  async addOccurrence(id: number, alert: NormalisedAlert, actor: string): Promise<Ticket> {
    this.db.transaction(() => this.occurrence(id, alert, actor, this.now())).immediate();
    return (await this.get(id))!;
  }

  private bulkTuned = false;

  async ingestBatch(items: IngestItem[], opts: IngestOptions): Promise<IngestOutcome[]> {
    if (!this.bulkTuned) {
      // Bulk ingestion inserts into indexes keyed by random hashes: with SQLite's default 2 MB
      // page cache their pages are evicted and re-read on every batch (measured: 100k alerts
      // 5.7 s → 4.3 s with 32 MB; 8 MB keeps most of it within the 150 MB RSS budget). Bounded,
      // so peak RSS stays flat on any input size.
      if (Math.abs(Number(this.db.pragma('cache_size', { simple: true }))) < 8192) this.db.pragma('cache_size = -8192');
      // Checkpoint the WAL every ~10,000 pages rather than 1,000: fewer, larger copies into the
      // main file during a bulk run (measured ≈15 % on 100k alerts); the WAL file, on disk, grows to
      // at most that before it is copied back.
      this.db.pragma('wal_autocheckpoint = 10000');
      this.bulkTuned = true;
    }
    const since = opts.windowSince.toISOString();
    // One transaction per batch: a killed process loses the open batch as a whole, and the
    // re-run (which skips hashes already ingested) redoes it.
    return this.db
      .transaction(() => {
        const now = this.now();
        return items.map(({ alert, hash }): IngestOutcome => {
          const prior = this.s.seen.get(hash);
          if (prior) return { fate: 'duplicate', ticket: prior.ticket_id ? ref(prior.ticket_id) : undefined };
          const existing = this.s.byDedup.get(alert.dedupKey, since);
          if (alert.status === 'resolved') {
            if (!existing) {
              this.s.markSeen.run(hash, null, now);
              return { fate: 'skipped', detail: 'resolved alert with no open ticket' };
            }
            this.s.insertEvent.run(existing.id, now, opts.actor, 'occurrence', null, null, `The source reports this alert resolved at ${alert.time}.`);
            this.s.touch.run(now, existing.id);
            this.s.markSeen.run(hash, existing.id, now);
            return { fate: 'resolved-update', ticket: ref(existing.id) };
          }
          if (existing) {
            this.occurrence(existing.id, alert, opts.actor, now);
            this.s.markSeen.run(hash, existing.id, now);
            return { fate: 'occurrence', ticket: ref(existing.id) };
          }
          const id = this.insertFromAlert(alert, opts.actor, now);
          this.s.markSeen.run(hash, id, now);
          return { fate: 'created', ticket: ref(id) };
        });
      })
      .immediate();
  }

  async applyChange(id: number, change: TicketChange): Promise<Ticket> {
    this.db
      .transaction(() => {
        const row = this.s.get.get(id);
        if (!row) throw new WorkflowError(`No ticket ${id}.`);
        if (row.stage !== change.expectStage) {
          throw new StageConflictError(
            `Ticket ${id} changed under us: it is now ${row.stage}, not ${change.expectStage}.`,
            `Look again: soc-ticket show ${id}`,
          );
        }
        const now = this.now();
        const sets: string[] = ['stage = @to', 'updated_at = @now'];
        const args: Record<string, unknown> = { to: change.to, now, id };
        const map: Record<string, string> = {
          severity: 'severity',
          category: 'category',
          verdict: 'verdict',
          assignee: 'assignee',
          triagedBy: 'triaged_by',
          resolvedBy: 'resolved_by',
          summary: 'summary',
        };
        for (const [k, v] of Object.entries(change.set ?? {})) {
          if (v === undefined) continue;
          sets.push(`${map[k]} = @${k}`);
          args[k] = v;
        }
        if (change.to === 'resolved') sets.push('resolved_at = @now');
        if (change.set?.resolvedBy === null) sets.push('resolved_at = NULL');
        this.db.prepare(`UPDATE tickets SET ${sets.join(', ')} WHERE id = @id`).run(args);
        const ev = this.s.insertEvent.run(id, now, change.actor, 'transition', row.stage, change.to, change.comment ?? null);
        this.insertAttachments(id, Number(ev.lastInsertRowid), change.attachments);
      })
      .immediate();
    return (await this.get(id))!;
  }

  private insertAttachments(id: number, eventId: number, atts: AttachmentInput[] | undefined): void {
    for (const a of atts ?? []) this.s.insertAtt.run(id, eventId, a.name, a.mime, a.size, a.sha256, a.data);
  }

  async addNote(id: number, actor: string, text: string, attachments?: AttachmentInput[], kind: TicketEvent['kind'] = 'note'): Promise<Ticket> {
    this.db
      .transaction(() => {
        if (!this.s.get.get(id)) throw new WorkflowError(`No ticket ${id}.`);
        const now = this.now();
        const ev = this.s.insertEvent.run(id, now, actor, kind, null, null, text);
        this.insertAttachments(id, Number(ev.lastInsertRowid), attachments);
        this.s.touch.run(now, id);
      })
      .immediate();
    return (await this.get(id))!;
  }

  async lookups(): Promise<Lookups> {
    const agents = (this.db.prepare(`SELECT DISTINCT assignee AS a FROM tickets WHERE assignee IS NOT NULL AND assignee NOT LIKE 'team:%'`).all() as Array<{ a: string }>).map((r) => r.a);
    return { agents, teams: [], categories: [] };
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

function ref(id: number) {
  return { id, number: String(id) };
}
