import type { Ctx } from '../../context.js';
import { UsageError } from '../../errors.js';
import { editRoles } from './roles-edit.js';

export async function add(ctx: Ctx, name: string, opts: { members?: string }): Promise<void> {
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(name)) throw new UsageError(`Team name "${name}" may hold only letters, digits and . _ -.`);
  const members = (opts.members ?? '').split(',').map((m) => m.trim()).filter(Boolean);
  await editRoles(ctx, (d) => {
    const unknown = members.filter((m) => !d.users[m]);
    if (unknown.length) throw new UsageError(`Not in the role file: ${unknown.join(', ')}. Add them first (admin users add).`);
    d.teams[name] = [...new Set([...(d.teams[name] ?? []), ...members])];
  });
  ctx.out.done(`Team ${name}: ${members.join(', ') || 'no members yet'}.`, { team: name, members });
}

export async function remove(ctx: Ctx, name: string): Promise<void> {
  await editRoles(ctx, (d) => {
    if (!d.teams[name]) throw new UsageError(`No team ${name}.`);
    delete d.teams[name];
  });
  ctx.out.done(`Team ${name} removed.`, { team: name, removed: true });
}

export async function list(ctx: Ctx): Promise<void> {
  const me = await ctx.actor('admin');
  const rows = Object.entries(me.roles.data.teams).map(([team, members]) => ({ team, members: members.join(',') }));
  if (ctx.out.mode === 'json') return ctx.out.json(rows);
  await ctx.out.rows(
    [
      { header: 'Team', value: (r: (typeof rows)[0]) => r.team },
      { header: 'Members', value: (r: (typeof rows)[0]) => r.members },
    ],
    rows,
    { empty: 'No teams.' },
  );
}
