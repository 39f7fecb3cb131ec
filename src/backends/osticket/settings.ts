// The osTicket profile and secrets, read from soc-ticket's configuration (env > profile > global).
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../../config/config.js';
import type { Env } from '../../config/paths.js';
import type { Severity } from '../../domain/types.js';
import { UsageError } from '../../errors.js';
import type { OsTicketNames, OsTicketProfile, OsTicketSecrets, OsTicketStatusIds } from './profile.js';
import type { SessionStore } from './session.js';

/** What `admin osticket setup` writes into `osticket.mapping` (JSON). */
export interface StoredMapping {
  statuses?: Partial<OsTicketStatusIds>;
  departmentId?: number;
  priorities?: Partial<Record<Severity, number>>;
  agents?: Record<string, number>;
  teams?: Record<string, number>;
  customFields?: Record<string, string>;
  /** category → help topic id (the `topics.<category>` settings override it). */
  topics?: Record<string, number>;
  names?: OsTicketNames;
}

export function readMapping(cfg: Config): StoredMapping {
  const raw = cfg.get('osticket.mapping');
  if (!raw) return {};
  try {
    const m = JSON.parse(raw) as StoredMapping;
    return m && typeof m === 'object' ? m : {};
  } catch {
    throw new UsageError(`osticket.mapping of profile ${cfg.profile} is not valid JSON.`, 'Re-create it: soc-ticket admin osticket setup');
  }
}

export function parseRequester(s: string | undefined): { name: string; email: string } {
  const m = /^\s*(.*?)\s*<([^<>\s]+@[^<>\s]+)>\s*$/.exec(s ?? '');
  if (m) return { name: m[1] || m[2], email: m[2] };
  if (s && /^[^\s@]+@[^\s@]+$/.test(s.trim())) return { name: s.trim(), email: s.trim() };
  return { name: 'soc-ticket', email: 'soc-ticket@localhost.localdomain' };
}

export function profileFromConfig(cfg: Config): OsTicketProfile {
  const url = cfg.get('osticket.url');
  if (!url) {
    throw new UsageError(`Profile ${cfg.profile} uses osTicket but has no osticket.url.`, 'soc-ticket admin profile add NAME --backend osticket --url https://help.example.org/');
  }
  const m = readMapping(cfg);
  const topics: Record<string, number> = { ...(m.topics ?? {}) };
  for (const [cat, id] of Object.entries(cfg.withPrefix('topics.'))) {
    const n = Number(id);
    if (Number.isInteger(n) && n > 0) topics[cat] = n;
  }
  const conc = Number(cfg.get('osticket.concurrency'));
  const timeout = Number(cfg.get('osticket.timeout'));
  return {
    url,
    ca: cfg.get('osticket.ca'),
    allowInsecureHttp: cfg.get('osticket.allowInsecureHttp') === 'true',
    statuses: { open: 1, resolved: 2, closed: 3, ...(m.statuses ?? {}) } as OsTicketStatusIds,
    departmentId: m.departmentId,
    topics,
    priorities: m.priorities ?? {},
    agents: m.agents,
    teams: m.teams,
    customFields: m.customFields,
    defaultCategory: cfg.get('osticket.defaultCategory'),
    requester: parseRequester(cfg.get('osticket.requester')),
    names: m.names,
    concurrency: Number.isInteger(conc) && conc > 0 ? Math.min(conc, 64) : 8,
    timeoutMs: Number.isFinite(timeout) && timeout > 0 ? timeout : 15_000,
  };
}

export function secretsFromConfig(cfg: Config): OsTicketSecrets {
  return {
    apiKey: cfg.get('osticket.apiKey') || undefined,
    username: cfg.get('osticket.username') || undefined,
    password: cfg.get('osticket.password') || undefined,
  };
}

function stateDir(env: Env): string {
  return join(env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state'), 'soc-ticket');
}

export function sessionPath(env: Env, profile: string): string {
  return join(stateDir(env), `osticket-session-${profile}.json`);
}

/** The second session's cookie (parallel exports), removed by logout with the first. */
export function exportSessionPath(env: Env, profile: string): string {
  return join(stateDir(env), `osticket-session-${profile}.export.json`);
}

/** The session cookie between runs: a 0600 file in a 0700 directory, never printed. */
export function fileSessionStore(path: string): SessionStore & { remove(): void } {
  return {
    load() {
      try {
        return readFileSync(path, 'utf8');
      } catch {
        return undefined;
      }
    },
    save(state: string) {
      mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
      const tmp = `${path}.${process.pid}.tmp`;
      writeFileSync(tmp, state, { mode: 0o600 });
      chmodSync(tmp, 0o600);
      renameSync(tmp, path);
    },
    remove() {
      rmSync(path, { force: true });
    },
  };
}
