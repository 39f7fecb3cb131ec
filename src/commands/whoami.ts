import type { Ctx } from '../context.js';
import type { Config } from '../config/config.js';
import { PERMISSIONS } from '../workflow/roles.js';

interface OsTicketIdentity {
  url: string | null;
  /** The agent this profile logs in as; null with an API key only. */
  agent: string | null;
  name: string | null;
  /** The agent's osTicket role (in its primary department). */
  role: string | null;
  /** Primary department first, then extended access ("SOC (All Access)"). */
  departments: string[];
  /** Where role and departments come from: the ids `admin osticket setup` read. */
  known: boolean;
}

/** What osTicket knows about this profile's agent, as `admin osticket setup` recorded it (no network). */
async function osticketIdentity(cfg: Config): Promise<OsTicketIdentity> {
  const { readMapping } = await import('../backends/osticket/settings.js');
  const names = readMapping(cfg).names ?? {};
  const agent = cfg.get('osticket.username') || null;
  const primary = agent ? names.agentDepartments?.[agent] : undefined;
  const extended = (agent && names.agentAccess?.[agent]) || [];
  const departments = [...(primary ? [primary] : []), ...extended.filter((a) => a.department !== primary).map((a) => (a.role ? `${a.department} (${a.role})` : a.department))];
  const role = (agent && names.agentRoles?.[agent]) || null;
  return {
    url: cfg.get('osticket.url') || null,
    agent,
    name: (agent && names.agents?.[agent]) || null,
    role,
    departments,
    known: !!(agent && (role || primary)),
  };
}

export async function run(ctx: Ctx): Promise<void> {
  const me = await ctx.actor();
  const cfg = ctx.config();
  const backend = cfg.get('backend') || 'local';
  const osticket = backend === 'osticket' ? await osticketIdentity(cfg) : undefined;
  const info = {
    user: me.user,
    role: me.role,
    teams: me.teams,
    may: [...PERMISSIONS[me.role]],
    labMode: me.labMode,
    roleFile: me.roles.scope === 'none' ? null : me.roles.path,
    profile: cfg.profile,
    backend,
    ...(osticket ? { osticket } : {}),
  };
  if (ctx.out.mode === 'json') return ctx.out.json(info);
  const rows: Array<[string, string]> = [
    ['user', info.user],
    ['role', info.role + (info.labMode ? ' (lab mode: no role file)' : '')],
    ['teams', info.teams.join(',')],
    ['may', info.may.join(',')],
    ['role file', info.roleFile ?? ''],
    ['profile', info.profile],
    ['backend', backend],
  ];
  if (osticket) {
    const unknown = 'unknown (an osTicket admin runs: soc-ticket admin osticket setup)';
    rows.push(
      ['osTicket URL', osticket.url ?? ''],
      ['osTicket agent', osticket.agent ? `${osticket.agent}${osticket.name ? ` (${osticket.name})` : ''}` : 'none: API key only (soc-ticket login)'],
    );
    if (osticket.agent) {
      rows.push(['osTicket role', osticket.role ?? unknown], ['departments', osticket.departments.length ? osticket.departments.join(', ') : unknown]);
    }
  }
  await ctx.out.rows(
    [
      { header: 'Field', value: (r: [string, string]) => r[0] },
      { header: 'Value', value: (r: [string, string]) => r[1] },
    ],
    rows,
  );
}
