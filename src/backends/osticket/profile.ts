// What soc-ticket needs to know about one osTicket instance. Ids differ on every instance: they
// come from `admin osticket setup` (or the config), never from constants in the code.
import type { Severity } from '../../domain/types.js';
import { SEVERITIES } from '../../domain/types.js';
import { UsageError } from '../../errors.js';
import { checkUrlPolicy } from '../../config/url-policy.js';

export interface OsTicketStatusIds {
  /** Stage new. Stock id 1. */
  open: number;
  /** Stage triaged: custom open-state status "Triaged". */
  triaged: number;
  /** Stage assigned: custom open-state status "In Progress". */
  inProgress: number;
  /** Stage resolved. Stock id 2 (closed state). */
  resolved: number;
  /** Stage closed. Stock id 3 (closed state). */
  closed: number;
}

export interface OsTicketProfile {
  /** Base URL of the osTicket installation, e.g. `https://help.example.org/osticket/`. */
  url: string;
  /** Path of a PEM file with the CA that signed osTicket's certificate. */
  ca?: string;
  /** Allow http:// to a host that is not loopback (credentials then travel in clear). */
  allowInsecureHttp?: boolean;
  statuses: OsTicketStatusIds;
  /** The SOC department; tickets outside it are invisible to SOC agents. */
  departmentId?: number;
  /** soc-ticket category → osTicket help topic id (routes the ticket to the SOC department). */
  topics: Record<string, number>;
  /** severity → osTicket priority id. Stock: low 1, normal 2, high 3, emergency 4. */
  priorities: Partial<Record<Severity, number>>;
  /** agent user name → osTicket staff id. */
  agents?: Record<string, number>;
  /** team name → osTicket team id. */
  teams?: Record<string, number>;
  /**
   * Alert field → variable name of a custom ticket-form field that receives it at creation,
   * e.g. `{ host: 'asset' }`. Only `host`, `srcIp`, `dstIp`, `ruleId`, `ruleName` are used.
   */
  customFields?: Record<string, string>;
  /** Category used when an alert has none (must be a key of `topics`). */
  defaultCategory?: string;
  /** Request timeout in ms (default 15000). */
  timeoutMs?: number;
  /** Requester written on API-created tickets (default `soc-ticket <soc-ticket@localhost.localdomain>`). */
  requester?: { name: string; email: string };
  /** Display names osTicket shows (CSV, ticket page), read by `admin osticket setup`. */
  names?: OsTicketNames;
  /** Parallel requests for ingest and bulk changes (default 8). */
  concurrency?: number;
}

export interface OsTicketNames {
  /** status id → name, e.g. `{ "6": "Triaged" }`. */
  statuses?: Record<string, string>;
  /** help topic id → name. */
  topics?: Record<string, string>;
  /** priority id → name. */
  priorities?: Record<string, string>;
  /** agent user name → display name ("Analyst One"). */
  agents?: Record<string, string>;
  department?: string;
  /** agent user name → primary department / osTicket role (for whoami). */
  agentDepartments?: Record<string, string>;
  agentRoles?: Record<string, string>;
  /** agent user name → extended department access (Agents → Access), with the role in each. */
  agentAccess?: Record<string, Array<{ department: string; role?: string }>>;
  /** help topic id → department name (a topic outside the SOC department hides its tickets). */
  topicDepartments?: Record<string, string>;
}

/** Credentials; kept by the caller (config/keyring), handed to the store, never logged. */
export interface OsTicketSecrets {
  apiKey?: string;
  username?: string;
  password?: string;
}

export const STOCK_STATUSES = { open: 1, resolved: 2, closed: 3 } as const;
export const STOCK_PRIORITIES: Record<Severity, number> = { low: 1, normal: 2, high: 3, emergency: 4 };
/** Names soc-ticket creates/expects for its custom statuses. */
export const CUSTOM_STATUS_NAMES = { triaged: 'Triaged', inProgress: 'In Progress' } as const;

/** The base URL with exactly one trailing slash; refuses cleartext to a remote host. */
export function normaliseBaseUrl(raw: string, allowInsecureHttp = false): string {
  const u = checkUrlPolicy(raw, allowInsecureHttp, 'osticket.url');
  if (u.username || u.password) throw new UsageError('Put no credentials in the osTicket URL.');
  u.search = '';
  u.hash = '';
  let path = u.pathname.replace(/\/(scp|api)(\/.*)?$/, '/');
  if (!path.endsWith('/')) path += '/';
  u.pathname = path;
  return u.toString();
}

/** Checks a profile's shape; returns it with the URL normalised. */
export function validateProfile(p: OsTicketProfile): OsTicketProfile {
  if (!p || typeof p !== 'object') throw new UsageError('No osTicket profile.', 'Run: soc-ticket admin osticket setup');
  const url = normaliseBaseUrl(p.url, p.allowInsecureHttp);
  const s = p.statuses;
  for (const k of ['open', 'triaged', 'inProgress', 'resolved', 'closed'] as const) {
    if (!s || !Number.isInteger(s[k]) || s[k] <= 0) {
      throw new UsageError(`osTicket profile has no status id for ${k}.`, 'Run: soc-ticket admin osticket setup');
    }
  }
  for (const [sev, id] of Object.entries(p.priorities ?? {})) {
    if (!(SEVERITIES as readonly string[]).includes(sev)) throw new UsageError(`osTicket profile: unknown severity "${sev}" in priorities.`);
    if (!Number.isInteger(id)) throw new UsageError(`osTicket profile: priority id for ${sev} is not a number.`);
  }
  return { ...p, url, topics: p.topics ?? {}, priorities: { ...STOCK_PRIORITIES, ...(p.priorities ?? {}) } };
}
