// The seam between commands/workflow and a place that keeps tickets.
import type { NormalisedAlert } from '../alerts/types.js';
import type { Assignee, Attachment, Severity, Stage, Ticket, TicketEvent, Verdict } from '../domain/types.js';

export interface TicketFilter {
  stages?: Stage[];
  severity?: Severity[];
  assignee?: string;
  category?: string;
  since?: Date;
  search?: string;
  sort?: 'id' | 'created' | 'updated' | 'severity' | 'stage';
  desc?: boolean;
  limit?: number;
}

/** A file to attach, already read and hashed by the caller. */
export interface AttachmentInput extends Attachment {
  data: Buffer;
}

/** What a transition writes, computed by the workflow module and applied atomically by the store. */
export interface TicketChange {
  /** The stage the ticket must be in; the store refuses (StageConflictError) otherwise. */
  expectStage: Stage;
  to: Stage;
  actor: string;
  comment?: string;
  set?: {
    severity?: Severity;
    category?: string;
    verdict?: Verdict;
    assignee?: Assignee | null;
    triagedBy?: string;
    resolvedBy?: string | null;
    summary?: string;
  };
  attachments?: AttachmentInput[];
}

export interface Lookups {
  agents: string[];
  teams: string[];
  categories: string[];
}

export interface TicketStore {
  readonly kind: 'local' | 'osticket';
  /** Largest attachment this backend accepts, in bytes. */
  readonly maxAttachmentBytes: number;
  /** Resolve an id or a ticket number. */
  get(ref: string | number): Promise<Ticket | null>;
  list(filter: TicketFilter): Promise<Ticket[]>;
  createFromAlert(alert: NormalisedAlert, actor: string): Promise<Ticket>;
  /** The ticket (not closed) that carries this dedup key and was seen since `since`. */
  findByDedupKey(key: string, since: Date): Promise<Ticket | null>;
  addOccurrence(id: number, alert: NormalisedAlert, actor: string): Promise<Ticket>;
  /**
   * Apply a planned transition. `known` is the ticket as the caller just read it to plan the
   * change; a backend may use it instead of reading the ticket again (see OsTicketStore).
   */
  applyChange(id: number, change: TicketChange, known?: Ticket): Promise<Ticket>;
  addNote(id: number, actor: string, text: string, attachments?: AttachmentInput[], kind?: TicketEvent['kind']): Promise<Ticket>;
  lookups(): Promise<Lookups>;
  close(): Promise<void>;
}

/** One alert on its way into a store: `hash` identifies the exact event (sha256 of its raw text). */
export interface IngestItem {
  alert: NormalisedAlert;
  hash: string;
}

/** `rejected`: the backend refused this one alert (e.g. osTicket's validation); `detail` says why. */
export type IngestFate = 'created' | 'occurrence' | 'resolved-update' | 'duplicate' | 'skipped' | 'rejected';

export interface IngestOutcome {
  fate: IngestFate;
  ticket?: { id: number; number: string };
  detail?: string;
}

export interface IngestOptions {
  actor: string;
  /** Repeats of a dedup key seen since this instant fold into its ticket. */
  windowSince: Date;
}

/** Stores that can take a whole batch in one transaction (the embedded one) offer this. */
export interface BatchIngest {
  ingestBatch(items: IngestItem[], opts: IngestOptions): Promise<IngestOutcome[]>;
}

/**
 * What a remote store's ingestBatch error may carry when the backend failed part-way through:
 * `delivered[i]` is the outcome of `items[i]` if that alert got through before the failure, so
 * only the others are queued (osTicket creates ticket by ticket, there is no batch transaction).
 */
export interface PartialBatchFailure {
  delivered: Array<IngestOutcome | undefined>;
}
