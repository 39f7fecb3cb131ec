// The vocabulary every layer shares. No I/O here.

export const STAGES = ['new', 'triaged', 'assigned', 'resolved', 'closed'] as const;
export type Stage = (typeof STAGES)[number];

export const SEVERITIES = ['low', 'normal', 'high', 'emergency'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const VERDICTS = ['true-positive', 'false-positive', 'benign'] as const;
export type Verdict = (typeof VERDICTS)[number];

export const ROLES = ['analyst', 'lead', 'bot'] as const;
export type Role = (typeof ROLES)[number];

export type ObservableType = 'ip' | 'domain' | 'url' | 'hash' | 'user' | 'email';
export interface Observable {
  type: ObservableType;
  value: string;
}

/** An assignee is an agent's user name, or `team:NAME`. */
export type Assignee = string;

export interface Attachment {
  name: string;
  size: number;
  sha256: string;
  mime: string;
}

export type EventKind = 'created' | 'transition' | 'note' | 'occurrence' | 'enrichment' | 'escalation';

/** One line of the audit trail: who did what, when. */
export interface TicketEvent {
  at: string; // ISO 8601
  actor: string;
  kind: EventKind;
  from?: Stage;
  to?: Stage;
  comment?: string;
  attachments?: Attachment[];
}

export interface Ticket {
  id: number;
  /** What humans quote: osTicket's ticket number, or the id on the embedded store. */
  number: string;
  title: string;
  description: string;
  severity: Severity;
  stage: Stage;
  category?: string;
  verdict?: Verdict;
  assignee?: Assignee;
  host?: string;
  srcIp?: string;
  dstIp?: string;
  ruleId?: string;
  ruleName?: string;
  source?: string; // alert format
  dedupKey?: string;
  occurrences: number;
  lastSeen?: string;
  observables: Observable[];
  mitre: string[];
  createdAt: string;
  updatedAt: string;
  createdBy: string;
  triagedBy?: string;
  resolvedBy?: string;
  resolvedAt?: string;
  summary?: string;
  /** Present on `get`, absent on `list`. */
  events?: TicketEvent[];
  attachments?: Attachment[];
}
