// TheHive 5: escalate a ticket as an alert. Idempotent — TheHive refuses a second alert with the
// same (type, source, sourceRef); we then find the existing one with the query API and return it.
import type { Observable, Severity, Ticket } from '../domain/types.js';
import { BackendError, UsageError } from '../errors.js';
import { httpRequest, MB, parseJson, serverSays, type HttpResponse, type HttpSettings } from './http.js';

export type HiveDataType = 'ip' | 'domain' | 'url' | 'hash' | 'mail' | 'other';

export interface HiveObservableInput {
  dataType: HiveDataType;
  data: string;
  message?: string;
  tags?: string[];
  ioc?: boolean;
}

export interface HiveAlertInput {
  type: string;
  source: string;
  sourceRef: string;
  title: string;
  description: string;
  /** 1 low, 2 medium, 3 high, 4 critical. */
  severity: 1 | 2 | 3 | 4;
  /** Epoch milliseconds. */
  date?: number;
  /** 0 clear/white, 1 green, 2 amber, 3 amber+strict, 4 red. */
  tlp: number;
  /** 0 clear/white, 1 green, 2 amber, 3 red. */
  pap: number;
  tags: string[];
  observables: HiveObservableInput[];
  externalLink?: string;
}

export interface TheHiveClientOptions {
  url: string;
  apiKey: string;
  ca?: string;
  /** Per request; default 15 s. */
  timeoutMs?: number;
  /** Sent as X-Organisation when the key's user belongs to several organisations. */
  organisation?: string;
  /** Profile name, for error messages. */
  profile?: string;
}

export interface CreatedAlert {
  id: string;
  /** false when the alert already existed (a re-run) and was looked up instead. */
  created: boolean;
  /** Where a human opens it. */
  url: string;
}

export const SEVERITY_TO_HIVE: Record<Severity, 1 | 2 | 3 | 4> = { low: 1, normal: 2, high: 3, emergency: 4 };

const DATATYPE: Record<Observable['type'], HiveDataType> = {
  ip: 'ip',
  domain: 'domain',
  url: 'url',
  hash: 'hash',
  email: 'mail',
  user: 'other',
};

export interface TicketToHiveOptions {
  tlp: number;
  pap: number;
  source: string;
  type: string;
  tags?: string[];
  /** Default: `soc-ticket-<ticket.number>`; must be stable so re-runs are recognised. */
  sourceRef?: string;
  /** A link back to the ticket. */
  externalLink?: string;
}

function checkLevel(name: string, v: number, max: number): number {
  if (!Number.isInteger(v) || v < 0 || v > max) {
    throw new UsageError(`${name} must be an integer 0–${max} (got ${v}).`, `Set thehive.${name.toLowerCase()} in the profile.`);
  }
  return v;
}

/** Map a ticket to the body of POST /api/v1/alert. Pure. */
export function ticketToHiveAlert(ticket: Ticket, opts: TicketToHiveOptions): HiveAlertInput {
  const tlp = checkLevel('TLP', opts.tlp, 4);
  const pap = checkLevel('PAP', opts.pap, 3);
  if (!opts.source || !opts.type) throw new UsageError('TheHive alert source and type must not be empty.');

  const observables: HiveObservableInput[] = [];
  const seen = new Set<string>();
  const add = (dataType: HiveDataType, data: string | undefined, message?: string, tags?: string[]) => {
    const d = (data ?? '').trim();
    if (!d) return;
    const key = `${dataType}\u0000${dataType === 'other' ? d : d.toLowerCase()}`;
    if (seen.has(key)) return;
    seen.add(key);
    observables.push({ dataType, data: d, ...(message ? { message } : {}), ...(tags?.length ? { tags } : {}) });
  };
  for (const o of ticket.observables ?? []) {
    add(DATATYPE[o.type] ?? 'other', o.value, o.type === 'user' ? 'user account' : undefined, o.type === 'user' ? ['user'] : undefined);
  }
  add('ip', ticket.srcIp, 'source IP');
  add('ip', ticket.dstIp, 'destination IP');

  const details: string[] = [];
  const row = (k: string, v: string | number | undefined) => {
    if (v !== undefined && v !== '') details.push(`| ${k} | ${String(v).replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`);
  };
  row('Ticket', ticket.number);
  row('Severity', ticket.severity);
  row('Stage', ticket.stage);
  row('Category', ticket.category);
  row('Host', ticket.host);
  row('Rule', [ticket.ruleId, ticket.ruleName].filter(Boolean).join(' — ') || undefined);
  row('Alert format', ticket.source);
  row('Occurrences', ticket.occurrences);
  row('First seen', ticket.createdAt);
  row('Last seen', ticket.lastSeen);
  row('MITRE ATT&CK', ticket.mitre?.length ? ticket.mitre.join(', ') : undefined);
  row('Assignee', ticket.assignee);
  const description = [
    ticket.description?.trim() || ticket.title,
    '',
    '| Field | Value |',
    '|---|---|',
    ...details,
    ...(ticket.summary ? ['', `**Summary:** ${ticket.summary}`] : []),
  ].join('\n');

  const tags = [...new Set([...(opts.tags ?? []), ...(ticket.mitre ?? []), ...(ticket.category ? [`category:${ticket.category}`] : [])])];
  const date = Date.parse(ticket.createdAt);
  return {
    type: opts.type,
    source: opts.source,
    sourceRef: opts.sourceRef ?? `soc-ticket-${ticket.number}`,
    title: ticket.title,
    description,
    severity: SEVERITY_TO_HIVE[ticket.severity] ?? 2,
    ...(Number.isFinite(date) ? { date } : {}),
    tlp,
    pap,
    tags,
    observables,
    ...(opts.externalLink ? { externalLink: opts.externalLink } : {}),
  };
}

/** TheHive's "already exists" answer: 4.x/5.x CreateError, 3.x ConflictError. */
function isDuplicate(res: HttpResponse): boolean {
  if (![400, 409, 500].includes(res.status)) return false;
  const j = parseJson(res.body) as { type?: unknown; message?: unknown } | undefined;
  const msg = typeof j?.message === 'string' ? j.message : '';
  const type = typeof j?.type === 'string' ? j.type : '';
  return /CreateError|ConflictError/.test(type) && /already exist/i.test(msg);
}

export class TheHiveClient {
  private readonly base: string;
  private readonly http: HttpSettings;
  private readonly apiKey: string;
  private readonly organisation?: string;
  private readonly profile?: string;

  constructor(opts: TheHiveClientOptions) {
    if (!opts.url) throw new UsageError('TheHive URL is not set.', 'Set thehive.url in the profile.');
    if (!opts.apiKey) throw new UsageError('TheHive API key is not set.', 'Set thehive.apiKey (or SOC_TICKET_THEHIVE_KEY).');
    let u: URL;
    try {
      u = new URL(opts.url);
    } catch {
      throw new UsageError('thehive.url is not a URL.');
    }
    if (!/^https?:$/.test(u.protocol)) throw new UsageError('thehive.url must be http(s).');
    this.base = u.href.replace(/\/+$/, '');
    this.apiKey = opts.apiKey;
    this.organisation = opts.organisation;
    this.profile = opts.profile;
    this.http = { service: 'TheHive', ca: opts.ca, caKey: 'thehive.ca', timeoutMs: opts.timeoutMs ?? 15_000, maxResponseBytes: 10 * MB };
  }

  alertUrl(id: string): string {
    return `${this.base}/alerts/${encodeURIComponent(id)}/details`;
  }

  private headers(): Record<string, string> {
    return {
      authorization: `Bearer ${this.apiKey}`,
      accept: 'application/json',
      ...(this.organisation ? { 'x-organisation': this.organisation } : {}),
    };
  }

  private refused(res: HttpResponse): BackendError | undefined {
    const where = this.profile ? `in profile ${this.profile}` : 'in the profile';
    if (res.status === 401) return new BackendError(`TheHive refused the API key (401): check thehive.apiKey ${where}.`);
    if (res.status === 403) {
      return new BackendError(
        `TheHive denied the request (403): ${serverSays(res.body) || 'permission missing'}.`,
        'The API key user needs the manageAlert/create permission in the target organisation.',
      );
    }
    return undefined;
  }

  async createAlert(input: HiveAlertInput, signal?: AbortSignal): Promise<CreatedAlert> {
    const res = await httpRequest(this.http, {
      method: 'POST',
      url: `${this.base}/api/v1/alert`,
      headers: this.headers(),
      json: input,
      signal,
    });
    const refused = this.refused(res);
    if (refused) throw refused;
    if (res.status === 201 || res.status === 200) {
      const id = (parseJson(res.body) as { _id?: unknown } | undefined)?._id;
      if (typeof id !== 'string' || !id) throw new BackendError('TheHive created the alert but its answer has no _id.');
      return { id, created: true, url: this.alertUrl(id) };
    }
    if (isDuplicate(res)) {
      const existing = await this.findAlert(input.type, input.source, input.sourceRef, signal);
      if (!existing) {
        throw new BackendError(
          `TheHive says alert ${input.type}:${input.source}:${input.sourceRef} already exists, but the query found none (it may belong to another organisation).`,
        );
      }
      return { id: existing, created: false, url: this.alertUrl(existing) };
    }
    throw new BackendError(`TheHive did not create the alert (${res.status}): ${serverSays(res.body)}`);
  }

  /** The _id of the alert with this (type, source, sourceRef), or undefined. */
  async findAlert(type: string, source: string, sourceRef: string, signal?: AbortSignal): Promise<string | undefined> {
    const query = [
      { _name: 'listAlert' },
      {
        _name: 'filter',
        _and: [
          { _field: 'sourceRef', _value: sourceRef },
          { _field: 'source', _value: source },
          { _field: 'type', _value: type },
        ],
      },
      { _name: 'page', from: 0, to: 1 },
    ];
    const res = await httpRequest(this.http, {
      method: 'POST',
      url: `${this.base}/api/v1/query?name=soc-ticket-find-alert`,
      headers: this.headers(),
      json: { query },
      signal,
    });
    const refused = this.refused(res);
    if (refused) throw refused;
    if (res.status !== 200) throw new BackendError(`TheHive alert query failed (${res.status}): ${serverSays(res.body)}`);
    const list = parseJson(res.body);
    if (!Array.isArray(list)) throw new BackendError('TheHive alert query answered with something that is not a list.');
    const first = list.find((a) => a && typeof a === 'object' && typeof (a as { _id?: unknown })._id === 'string') as
      | { _id: string }
      | undefined;
    return first?._id;
  }
}
