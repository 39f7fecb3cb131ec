import type { Ctx } from '../context.js';
import { planAssign } from '../workflow/transitions.js';
import { loadTicket } from './shared.js';
import { printTickets } from '../ui/tickets.js';

export async function run(ctx: Ctx, ref: string, opts: { to?: string }): Promise<void> {
  // Claiming is an analyst's right, handing out work a lead's: which one is checked with the ticket.
  const me = await ctx.actor();
  const roles = me.roles;
  const store = await ctx.store();
  const t = await loadTicket(store, ref);
  if (!opts.to && ctx.prompter.enabled) {
    const users = Object.keys(roles.data.users).filter((u) => roles.data.users[u] !== 'bot');
    const choices = [
      { name: `me (${me.user})`, value: 'me' },
      ...users.filter((u) => u !== me.user).map((u) => ({ name: u, value: u })),
      ...Object.keys(roles.data.teams).map((n) => ({ name: `team:${n}`, value: `team:${n}` })),
    ];
    opts.to = await ctx.prompter.select('--to', `Assign #${t.number} to`, choices);
  }
  const known = roles.scope === 'none' ? undefined : roles.data;
  const change = planAssign(t, me, {
    to: opts.to,
    knownUsers: known && store.kind === 'local' ? Object.keys(known.users) : undefined,
    knownTeams: known && store.kind === 'local' ? Object.keys(known.teams) : undefined,
  });
  const done = await store.applyChange(t.id, change);
  ctx.out.success(`#${done.number} assigned to ${done.assignee}.`);
  await printTickets(ctx.out, [done], ctx.clock());
}
