import type { Ctx } from '../context.js';
import { planAssign, type AssignInput } from '../workflow/transitions.js';
import { loadTicket, planOrAsk } from './shared.js';
import { printTickets } from '../ui/tickets.js';

export async function run(ctx: Ctx, ref: string, opts: { to?: string }): Promise<void> {
  // Claiming is an analyst's right, handing out work a lead's. The part we can tell from the
  // flags is checked before the store opens; taking over a claimed ticket is checked with it.
  const who = await ctx.actor();
  const handingOut = !!opts.to && opts.to !== 'me' && opts.to !== who.user;
  const me = await ctx.actor(handingOut ? 'assign' : 'claim');
  const roles = me.roles;
  const store = await ctx.store();
  const t = await loadTicket(store, ref);
  const known = roles.scope === 'none' ? undefined : roles.data;
  const input: AssignInput = {
    to: opts.to,
    // osTicket knows its own agents and teams; the role file speaks for the embedded store only.
    knownUsers: known && store.kind === 'local' ? Object.keys(known.users) : undefined,
    knownTeams: known && store.kind === 'local' ? Object.keys(known.teams) : undefined,
  };
  const change = await planOrAsk(
    ctx,
    () => planAssign(t, me, input),
    async () => {
      const others = me.role === 'lead' ? Object.keys(roles.data.users).filter((u) => u !== me.user && roles.data.users[u] !== 'bot') : [];
      const teams = me.role === 'lead' ? Object.keys(roles.data.teams) : [];
      input.to = await ctx.prompter.select('--to', `Assign #${t.number} to`, [
        { name: `me (${me.user})`, value: 'me' },
        ...others.map((u) => ({ name: u, value: u })),
        ...teams.map((n) => ({ name: `team:${n}`, value: `team:${n}` })),
      ]);
    },
  );
  const done = await store.applyChange(t.id, change);
  ctx.out.success(`#${done.number} assigned to ${done.assignee}.`);
  await printTickets(ctx.out, [done], ctx.clock());
}
