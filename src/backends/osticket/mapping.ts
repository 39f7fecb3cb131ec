// SOC vocabulary ↔ osTicket's names and ids, from the profile `admin osticket setup` wrote.
// Pure: the profile comes in, answers go out.
import type { Severity, Stage } from '../../domain/types.js';
import { SEVERITIES } from '../../domain/types.js';
import { UsageError } from '../../errors.js';
import type { OsTicketProfile, OsTicketStatusIds } from './profile.js';
import { CUSTOM_STATUS_NAMES, STOCK_PRIORITIES, STOCK_STATUSES } from './profile.js';

const STOCK_STATUS_NAMES: Record<Stage, string> = {
  new: 'Open',
  triaged: CUSTOM_STATUS_NAMES.triaged,
  assigned: CUSTOM_STATUS_NAMES.inProgress,
  resolved: 'Resolved',
  closed: 'Closed',
};
const STAGE_KEY: Record<Stage, keyof OsTicketStatusIds> = {
  new: 'open',
  triaged: 'triaged',
  assigned: 'inProgress',
  resolved: 'resolved',
  closed: 'closed',
};

const norm = (s: string) => s.trim().toLowerCase();
/** "Policy Violation" → "policy-violation": how a help topic name meets a category. */
export const slug = (s: string) => norm(s).replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

export class Mapping {
  private readonly stageByStatus = new Map<string, Stage>();
  private readonly sevByPriority = new Map<string, Severity>();
  private readonly catByTopic = new Map<string, string>();
  private readonly userByName = new Map<string, string>();

  constructor(readonly p: OsTicketProfile) {
    const names = p.names ?? {};
    for (const stage of Object.keys(STAGE_KEY) as Stage[]) {
      const id = p.statuses?.[STAGE_KEY[stage]];
      const name = (id && names.statuses?.[String(id)]) || STOCK_STATUS_NAMES[stage];
      this.stageByStatus.set(norm(name), stage);
    }
    for (const sev of SEVERITIES) {
      const id = p.priorities?.[sev] ?? STOCK_PRIORITIES[sev];
      this.sevByPriority.set(norm(names.priorities?.[String(id)] ?? sev), sev);
      this.sevByPriority.set(norm(sev), sev);
    }
    for (const [cat, id] of Object.entries(p.topics ?? {})) {
      const name = names.topics?.[String(id)];
      if (name && !this.catByTopic.has(norm(name))) this.catByTopic.set(norm(name), cat);
    }
    for (const [user, name] of Object.entries(names.agents ?? {})) this.userByName.set(norm(name), user);
  }

  /** Status name (CSV "Current Status", page "Status:") → stage; unknown open-state names count as new. */
  stageOf(status: string): Stage | undefined {
    return this.stageByStatus.get(norm(status));
  }

  statusId(stage: Stage): number {
    const key = STAGE_KEY[stage];
    const id = this.p.statuses?.[key] ?? (STOCK_STATUSES as Record<string, number>)[key];
    if (!id) {
      throw new UsageError(
        `The osTicket profile has no status for the stage ${stage} (${STOCK_STATUS_NAMES[stage]}).`,
        'An osTicket admin runs: soc-ticket admin osticket setup',
      );
    }
    return id;
  }

  statusName(stage: Stage): string {
    const id = this.p.statuses?.[STAGE_KEY[stage]];
    return (id && this.p.names?.statuses?.[String(id)]) || STOCK_STATUS_NAMES[stage];
  }

  severityOf(priority: string | undefined): Severity {
    return (priority && this.sevByPriority.get(norm(priority))) || 'normal';
  }

  priorityId(sev: Severity): number {
    return this.p.priorities?.[sev] ?? STOCK_PRIORITIES[sev];
  }

  /** Help topic name → category: the configured mapping first, then the name itself. */
  categoryOf(topic: string | undefined): string | undefined {
    if (!topic) return undefined;
    return this.catByTopic.get(norm(topic)) ?? (this.p.topics?.[slug(topic)] !== undefined ? slug(topic) : undefined);
  }

  /** Category → help topic id; the default category's topic when the category has none. */
  topicId(category: string | undefined): number | undefined {
    const t = this.p.topics ?? {};
    if (category && t[category] !== undefined) return t[category];
    if (this.p.defaultCategory && t[this.p.defaultCategory] !== undefined) return t[this.p.defaultCategory];
    return undefined;
  }

  /** "Analyst One" (what osTicket shows) → "analyst1" (what soc-ticket users type). */
  userOf(displayName: string): string {
    return this.userByName.get(norm(displayName)) ?? displayName;
  }

  displayName(user: string): string | undefined {
    return this.p.names?.agents?.[user];
  }

  agentId(user: string): number {
    const id = this.p.agents?.[user];
    if (!id) {
      const known = Object.keys(this.p.agents ?? {});
      throw new UsageError(
        `No osTicket agent ${user} in this profile (known: ${known.join(', ') || 'none'}).`,
        'An osTicket admin re-reads the agents: soc-ticket admin osticket setup',
      );
    }
    return id;
  }

  teamId(team: string): number {
    const teams = this.p.teams ?? {};
    const hit = Object.entries(teams).find(([n]) => norm(n) === norm(team));
    if (!hit) {
      throw new UsageError(
        `No osTicket team ${team} in this profile (known: ${Object.keys(teams).join(', ') || 'none'}).`,
        'An osTicket admin re-reads the teams: soc-ticket admin osticket setup',
      );
    }
    return hit[1];
  }

  teamName(team: string): string {
    return Object.keys(this.p.teams ?? {}).find((n) => norm(n) === norm(team)) ?? team;
  }

  /** osTicket's "Agent/Team" display → the SOC assignee (`user` or `team:NAME`). Agent wins. */
  assigneeOf(agent: string | undefined, team: string | undefined): string | undefined {
    if (agent) return this.userOf(agent);
    if (team) return `team:${team}`;
    return undefined;
  }
}

/** The ticket page shows "Analyst One/Tier2", "Analyst One" or "Tier2" in "Assigned To". */
export function splitAssigned(text: string | undefined, teamNames: string[]): { agent?: string; team?: string } {
  if (!text) return {};
  const isTeam = (s: string) => teamNames.some((t) => norm(t) === norm(s));
  const slash = text.lastIndexOf('/');
  if (slash > 0) {
    const a = text.slice(0, slash).trim();
    const t = text.slice(slash + 1).trim();
    if (isTeam(t) || !isTeam(a)) return { agent: a || undefined, team: t || undefined };
  }
  return isTeam(text) ? { team: text.trim() } : { agent: text.trim() };
}
