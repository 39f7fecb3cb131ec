import type { Ctx } from '../context.js';
import { PERMISSIONS } from '../workflow/roles.js';

export async function run(ctx: Ctx): Promise<void> {
  const me = await ctx.actor();
  const cfg = ctx.config();
  const info = {
    user: me.user,
    role: me.role,
    teams: me.teams,
    may: [...PERMISSIONS[me.role]],
    labMode: me.labMode,
    roleFile: me.roles.scope === 'none' ? null : me.roles.path,
    profile: cfg.profile,
    backend: cfg.get('backend'),
  };
  if (ctx.out.mode === 'json') return ctx.out.json(info);
  await ctx.out.rows(
    [
      { header: 'Field', value: (r: [string, string]) => r[0] },
      { header: 'Value', value: (r: [string, string]) => r[1] },
    ],
    [
      ['user', info.user],
      ['role', info.role + (info.labMode ? ' (lab mode: no role file)' : '')],
      ['teams', info.teams.join(',')],
      ['may', info.may.join(',')],
      ['role file', info.roleFile ?? ''],
      ['profile', info.profile],
      ['backend', info.backend ?? 'local'],
    ],
  );
}
