import type { Ctx } from '../../context.js';
import type { Role } from '../../domain/types.js';
import { UsageError } from '../../errors.js';
import { editRoles } from './roles-edit.js';
import { teamsOf } from '../../config/roles-file.js';

const NAME = /^[A-Za-z0-9._@-]{1,64}$/;

export async function add(ctx: Ctx, name: string, opts: { role: Role }): Promise<void> {
  if (!NAME.test(name)) throw new UsageError(`User name "${name}" may hold only letters, digits and . _ @ - (at most 64).`);
  await editRoles(ctx, (d) => {
    d.users[name] = opts.role;
  });
  ctx.out.done(`${name} is now ${opts.role}.`, { user: name, role: opts.role });
}

export async function remove(ctx: Ctx, name: string): Promise<void> {
  await editRoles(ctx, (d) => {
    if (!d.users[name]) throw new UsageError(`No user ${name} in the role file.`);
    delete d.users[name];
    for (const members of Object.values(d.teams)) members.splice(0, members.length, ...members.filter((m) => m !== name));
  });
  ctx.out.done(`${name} removed.`, { user: name, removed: true });
}

export async function list(ctx: Ctx): Promise<void> {
  const me = await ctx.actor('admin');
  const d = me.roles.data;
  const rows = Object.entries(d.users).map(([user, role]) => ({ user, role, teams: teamsOf(d, user).join(',') }));
  if (ctx.out.mode === 'json') return ctx.out.json({ file: me.roles.scope === 'none' ? null : me.roles.path, users: rows });
  if (me.roles.scope !== 'none') ctx.out.info(`Role file: ${me.roles.path} (${me.roles.scope})`);
  await ctx.out.rows(
    [
      { header: 'User', value: (r: (typeof rows)[0]) => r.user },
      { header: 'Role', value: (r: (typeof rows)[0]) => r.role },
      { header: 'Teams', value: (r: (typeof rows)[0]) => r.teams },
    ],
    rows,
    { empty: 'No role file: single-user lab mode (you act as lead).' },
  );
}
