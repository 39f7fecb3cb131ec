// From normalised alerts to tickets: dedup, flood control, outbox, summary.
// Every alert ends up on a ticket, in the outbox, or in the rejects file: never nowhere.
import { createHash } from 'node:crypto';
import type { NormalisedAlert } from '../alerts/types.js';
import type { BatchIngest, IngestOutcome, TicketStore } from '../backends/types.js';
import { BackendError, CliError } from '../errors.js';
import type { StateDb } from './state.js';
import type { RejectsFile } from './rejects.js';

export type Fate = 'created' | 'occurrence' | 'resolved-update' | 'duplicate' | 'skipped' | 'rejected' | 'queued';

export interface FateReport {
  fate: Fate;
  source?: string;
  line?: number;
  ticket?: { id: number; number: string };
  detail?: string;
  alert?: NormalisedAlert;
}

export interface Summary {
  created: number;
  occurrences: number;
  resolvedUpdates: number;
  duplicates: number;
  skipped: number;
  rejected: number;
  queued: number;
  /** Of the above, how many came out of the outbox. */
  fromOutbox: number;
  outboxLeft: number;
  /** The backend failed during the run: what could not be delivered is queued. */
  backendError?: string;
}

export interface IngestorOptions {
  store: TicketStore;
  state: StateDb;
  actor: string;
  windowMs: number;
  clock: () => Date;
  maxNewPerMinute?: number;
  dryRun?: boolean;
  rejects: RejectsFile;
  onFate?: (r: FateReport) => void;
  batchSize?: number;
}

export function alertHash(a: Pick<NormalisedAlert, 'format' | 'raw'>): string {
  return createHash('sha256').update(a.format).update('\0').update(a.raw).digest('hex');
}

interface Pending {
  alert: NormalisedAlert;
  hash: string;
  source?: string;
  line?: number;
}

export class Ingestor {
  readonly summary: Summary = {
    created: 0,
    occurrences: 0,
    resolvedUpdates: 0,
    duplicates: 0,
    skipped: 0,
    rejected: 0,
    queued: 0,
    fromOutbox: 0,
    outboxLeft: 0,
  };
  private batch: Pending[] = [];
  private createdAt: number[] = [];
  private backendDown?: string;
  private dryKeys = new Map<string, string>();
  private readonly batchStore?: BatchIngest;

  constructor(private readonly o: IngestorOptions) {
    const s = o.store as TicketStore & Partial<BatchIngest>;
    // The embedded store takes whole batches in one transaction; flood control needs the
    // per-alert path, which knows when it is about to open a ticket.
    if (typeof s.ingestBatch === 'function' && !o.maxNewPerMinute && !o.dryRun) this.batchStore = s as BatchIngest;
  }

  private report(r: FateReport): void {
    const s = this.summary;
    if (r.fate === 'created') s.created++;
    else if (r.fate === 'occurrence') s.occurrences++;
    else if (r.fate === 'resolved-update') s.resolvedUpdates++;
    else if (r.fate === 'duplicate') s.duplicates++;
    else if (r.fate === 'skipped') s.skipped++;
    else if (r.fate === 'rejected') s.rejected++;
    else if (r.fate === 'queued') s.queued++;
    this.o.onFate?.(r);
  }

  reject(source: string, line: number, reason: string, text: string, field?: string): void {
    if (!this.o.dryRun) this.o.rejects.write({ source, line, reason, field, text });
    this.report({ fate: 'rejected', source, line, detail: reason });
  }

  skip(source: string, line: number, reason: string): void {
    this.report({ fate: 'skipped', source, line, detail: reason });
  }

  async add(alert: NormalisedAlert, source?: string, line?: number): Promise<void> {
    const p: Pending = { alert, hash: alertHash(alert), source, line };
    if (this.o.dryRun) return this.dryRun(p);
    if (this.batchStore) {
      this.batch.push(p);
      if (this.batch.length >= (this.o.batchSize ?? 1000)) await this.flush();
      return;
    }
    await this.deliverOne(p);
  }

  async flush(): Promise<void> {
    if (!this.batch.length || !this.batchStore) return;
    const items = this.batch;
    this.batch = [];
    let outcomes: IngestOutcome[];
    try {
      outcomes = await this.batchStore.ingestBatch(items, { actor: this.o.actor, windowSince: this.since() });
    } catch (e) {
      if (!(e instanceof BackendError)) throw e;
      this.backendDown = e.message;
      for (const p of items) this.queue(p, `backend: ${e.message}`);
      return;
    }
    outcomes.forEach((oc, i) => this.report({ fate: oc.fate, ticket: oc.ticket, detail: oc.detail, source: items[i].source, line: items[i].line, alert: items[i].alert }));
  }

  /** Deliver what earlier runs queued; stops at the first backend failure or the flood limit. */
  async retryOutbox(): Promise<void> {
    if (this.o.dryRun) return;
    for (;;) {
      const entries = this.o.state.pending(500);
      if (!entries.length) break;
      let progressed = false;
      for (const e of entries) {
        if (this.backendDown) break;
        if (this.overLimit()) return;
        const before = this.summary.queued;
        await this.deliverOne({ alert: e.alert, hash: e.hash, source: e.source ?? undefined, line: e.line ?? undefined }, e.id);
        if (this.summary.queued === before) {
          this.summary.fromOutbox++;
          progressed = true;
        } else {
          this.summary.queued--; // it was already queued: not a new queueing
        }
      }
      if (!progressed || this.backendDown) break;
    }
  }

  private since(): Date {
    return new Date(this.o.clock().getTime() - this.o.windowMs);
  }

  private overLimit(): boolean {
    const max = this.o.maxNewPerMinute;
    if (!max) return false;
    const cutoff = this.o.clock().getTime() - 60_000;
    while (this.createdAt.length && this.createdAt[0] <= cutoff) this.createdAt.shift();
    return this.createdAt.length >= max;
  }

  private queue(p: Pending, reason: string, outboxId?: number): void {
    if (outboxId === undefined) this.o.state.enqueue(p.hash, p.alert, reason, p.source, p.line);
    else this.o.state.deliveryFailed(outboxId, reason);
    this.report({ fate: 'queued', source: p.source, line: p.line, detail: reason, alert: p.alert });
  }

  private async deliverOne(p: Pending, outboxId?: number): Promise<void> {
    const { store, state, actor } = this.o;
    const done = (r: FateReport, ticketId: number | null) => {
      state.transaction(() => {
        state.markIngested(p.hash, ticketId);
        if (outboxId !== undefined) state.delivered(outboxId);
      });
      this.report({ ...r, source: p.source, line: p.line, alert: p.alert });
    };
    const prior = state.wasIngested(p.hash);
    if (prior) {
      if (outboxId !== undefined) state.delivered(outboxId);
      return this.report({ fate: 'duplicate', source: p.source, line: p.line, ticket: prior.ticketId ? { id: prior.ticketId, number: String(prior.ticketId) } : undefined });
    }
    if (this.backendDown) return this.queue(p, `backend: ${this.backendDown}`, outboxId);
    try {
      const existing = await store.findByDedupKey(p.alert.dedupKey, this.since());
      if (p.alert.status === 'resolved') {
        if (!existing) return done({ fate: 'skipped', detail: 'resolved alert with no open ticket' }, null);
        const t = await store.addNote(existing.id, actor, `The source reports this alert resolved at ${p.alert.time}.`, undefined, 'occurrence');
        return done({ fate: 'resolved-update', ticket: { id: t.id, number: t.number } }, t.id);
      }
      if (existing) {
        const t = await store.addOccurrence(existing.id, p.alert, actor);
        return done({ fate: 'occurrence', ticket: { id: t.id, number: t.number } }, t.id);
      }
      if (this.overLimit()) {
        if (outboxId === undefined) this.queue(p, 'flood control (--max-new-per-minute)');
        return;
      }
      const t = await store.createFromAlert(p.alert, actor);
      this.createdAt.push(this.o.clock().getTime());
      done({ fate: 'created', ticket: { id: t.id, number: t.number } }, t.id);
    } catch (e) {
      if (e instanceof BackendError) {
        this.backendDown = e.message;
        return this.queue(p, `backend: ${e.message}`, outboxId);
      }
      if (e instanceof CliError) {
        // The backend refused this alert (e.g. osTicket's validation): keep it as a reject.
        if (outboxId !== undefined) state.delivered(outboxId);
        return this.reject(p.source ?? 'outbox', p.line ?? 0, e.message, p.alert.raw);
      }
      throw e;
    }
  }

  private async dryRun(p: Pending): Promise<void> {
    if (this.o.state.wasIngested(p.hash)) return this.report({ fate: 'duplicate', source: p.source, line: p.line, alert: p.alert });
    const inRun = this.dryKeys.get(p.alert.dedupKey);
    const existing = inRun ? undefined : await this.o.store.findByDedupKey(p.alert.dedupKey, this.since());
    if (p.alert.status === 'resolved') {
      return this.report({ fate: existing || inRun ? 'resolved-update' : 'skipped', source: p.source, line: p.line, alert: p.alert, detail: existing ? `ticket ${existing.number}` : inRun ? 'a ticket new in this run' : 'resolved alert with no open ticket' });
    }
    if (existing) return this.report({ fate: 'occurrence', ticket: { id: existing.id, number: existing.number }, source: p.source, line: p.line, alert: p.alert, detail: `ticket ${existing.number}` });
    if (inRun) return this.report({ fate: 'occurrence', source: p.source, line: p.line, alert: p.alert, detail: `new ticket of line ${inRun}` });
    this.dryKeys.set(p.alert.dedupKey, `${p.source}:${p.line}`);
    this.report({ fate: 'created', source: p.source, line: p.line, alert: p.alert, detail: 'would open a ticket' });
  }

  async finish(): Promise<Summary> {
    await this.flush();
    this.summary.outboxLeft = this.o.dryRun ? this.o.state.outboxSize() : this.o.state.outboxSize();
    if (this.backendDown) this.summary.backendError = this.backendDown;
    await this.o.rejects.close();
    return this.summary;
  }
}
