import type { Ctx } from '../context.js';
import { planReopen } from '../workflow/transitions.js';
import { loadTicket } from './shared.js';
import { printTickets } from '../ui/tickets.js';

export async function run(ctx: Ctx, ref: string, opts: { reason?: string }): Promise<void> {
  const me = await ctx.actor('reopen');
  const store = await ctx.store();
  const t = await loadTicket(store, ref);
  if (!opts.reason && ctx.prompter.enabled) opts.reason = await ctx.prompter.text('--reason', `Why reopen #${t.number}?`);
  const done = await store.applyChange(t.id, planReopen(t, me, opts));
  ctx.out.success(`Reopened #${done.number}, assigned to ${done.assignee}.`);
  await printTickets(ctx.out, [done], ctx.clock());
}
