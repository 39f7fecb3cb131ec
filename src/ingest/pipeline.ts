// From normalised alerts to tickets: dedup, flood control, outbox, summary.
// Every alert ends up on a ticket, in the outbox, or in the rejects file: never nowhere.
import { createHash } from 'node:crypto';
import type { NormalisedAlert } from '../alerts/types.js';
import type { BatchIngest, IngestOutcome, PartialBatchFailure, TicketStore } from '../backends/types.js';
import { BackendError, CliError } from '../errors.js';
import type { StateDb } from './state.js';
import type { Parsed } from './parsed.js';
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

  /** One outcome of reading the input: an alert to deliver, or a skip or reject to report. */
  async take(p: Parsed): Promise<void> {
    if (p.kind === 'reject') this.reject(p.source, p.line, p.reason, p.text, p.field);
    else if (p.kind === 'skip') this.skip(p.source, p.line, p.reason);
    else await this.add(p.alert, p.source, p.line);
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
      if (this.batch.length >= (this.o.batchSize ?? 2000)) await this.flush();
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
      // A remote store may have delivered part of the batch before it failed: only the rest is queued.
      const delivered = (e as Partial<PartialBatchFailure>).delivered;
      items.forEach((p, i) => {
        const oc = delivered?.[i];
        if (oc) this.batchOutcome(p, oc);
        else this.queue(p, `backend: ${e.message}`);
      });
      return;
    }
    outcomes.forEach((oc, i) => this.batchOutcome(items[i], oc));
  }

  private batchOutcome(p: Pending, oc: IngestOutcome): void {
    if (oc.fate === 'rejected') this.reject(p.source ?? 'input', p.line ?? 0, oc.detail ?? 'refused by the backend', p.alert.raw);
    else this.report({ fate: oc.fate, ticket: oc.ticket, detail: oc.detail, source: p.source, line: p.line, alert: p.alert });
  }

  /** Deliver what earlier runs queued; stops at the first backend failure or the flood limit. */
  async retryOutbox(): Promise<void> {
    if (this.o.dryRun) return;
    let afterId = 0;
    for (;;) {
      // Entries that fail stay in the outbox; paging by id visits each one once per call.
      const entries = this.o.state.pending(500, afterId);
      if (!entries.length) break;
      for (const e of entries) {
        afterId = e.id;
        if (this.backendDown || this.overLimit()) return;
        const delivered = await this.deliverOne({ alert: e.alert, hash: e.hash, source: e.source ?? undefined, line: e.line ?? undefined }, e.id);
        if (delivered) this.summary.fromOutbox++;
      }
    }
  }

  /** A long-running receiver tries the backend again after a failure, once per request. */
  clearBackendError(): void {
    this.backendDown = undefined;
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

  /** Into the outbox (or, for an entry already there, note the failed attempt). */
  private queue(p: Pending, reason: string, outboxId?: number): false {
    if (outboxId === undefined) {
      this.o.state.enqueue(p.hash, p.alert, reason, p.source, p.line);
      this.report({ fate: 'queued', source: p.source, line: p.line, detail: reason, alert: p.alert });
    } else this.o.state.deliveryFailed(outboxId, reason);
    return false;
  }

  /**
   * One alert to the store. Returns false when it stays (or is put) in the outbox.
   * On a store with ingestBatch the ticket and the event hash commit in one transaction, so a
   * process killed at any point neither loses the alert nor counts it twice.
   */
  private async deliverOne(p: Pending, outboxId?: number): Promise<boolean> {
    const { store, state, actor } = this.o;
    const settle = (r: FateReport) => {
      if (outboxId !== undefined) state.delivered(outboxId);
      this.report({ ...r, source: p.source, line: p.line, alert: p.alert });
      return true;
    };
    const prior = state.wasIngested(p.hash);
    if (prior) return settle({ fate: 'duplicate', ticket: prior.ticketId ? { id: prior.ticketId, number: String(prior.ticketId) } : undefined });
    if (this.backendDown) return this.queue(p, `backend: ${this.backendDown}`, outboxId);
    try {
      const existing = await store.findByDedupKey(p.alert.dedupKey, this.since());
      const opensTicket = !existing && p.alert.status !== 'resolved';
      if (opensTicket && this.overLimit()) {
        if (outboxId === undefined) this.queue(p, 'flood control (--max-new-per-minute)');
        return false;
      }
      const atomic = store as TicketStore & Partial<BatchIngest>;
      if (typeof atomic.ingestBatch === 'function') {
        const [oc] = await atomic.ingestBatch([{ alert: p.alert, hash: p.hash }], { actor, windowSince: this.since() });
        if (oc.fate === 'created') this.createdAt.push(this.o.clock().getTime());
        if (oc.fate === 'rejected') {
          if (outboxId !== undefined) state.delivered(outboxId);
          this.reject(p.source ?? 'outbox', p.line ?? 0, oc.detail ?? 'refused by the backend', p.alert.raw);
          return true;
        }
        return settle({ fate: oc.fate, ticket: oc.ticket, detail: oc.detail });
      }
      // A remote store: the ticket first, then the hash. A kill in between makes the re-run
      // find the ticket by its dedup key (an occurrence), never a second ticket.
      const done = (r: FateReport, ticketId: number | null) => {
        state.transaction(() => {
          state.markIngested(p.hash, ticketId);
          if (outboxId !== undefined) state.delivered(outboxId);
        });
        this.report({ ...r, source: p.source, line: p.line, alert: p.alert });
        return true;
      };
      if (p.alert.status === 'resolved') {
        if (!existing) return done({ fate: 'skipped', detail: 'resolved alert with no open ticket' }, null);
        const t = await store.addNote(existing.id, actor, `The source reports this alert resolved at ${p.alert.time}.`, undefined, 'occurrence');
        return done({ fate: 'resolved-update', ticket: { id: t.id, number: t.number } }, t.id);
      }
      if (existing) {
        const t = await store.addOccurrence(existing.id, p.alert, actor);
        return done({ fate: 'occurrence', ticket: { id: t.id, number: t.number } }, t.id);
      }
      const t = await store.createFromAlert(p.alert, actor);
      this.createdAt.push(this.o.clock().getTime());
      return done({ fate: 'created', ticket: { id: t.id, number: t.number } }, t.id);
    } catch (e) {
      if (e instanceof BackendError) {
        this.backendDown = e.message;
        return this.queue(p, `backend: ${e.message}`, outboxId);
      }
      if (e instanceof CliError) {
        // The backend refused this alert (e.g. osTicket's validation): keep it as a reject.
        if (outboxId !== undefined) state.delivered(outboxId);
        this.reject(p.source ?? 'outbox', p.line ?? 0, e.message, p.alert.raw);
        return true;
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
