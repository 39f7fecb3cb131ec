import type { Ctx } from '../context.js';
import { planReopen } from '../workflow/transitions.js';
import { loadTicket, planOrAsk } from './shared.js';
import { printTickets } from '../ui/tickets.js';

export async function run(ctx: Ctx, ref: string, opts: { reason?: string }): Promise<void> {
  const me = await ctx.actor('reopen');
  const store = await ctx.store();
  const t = await loadTicket(store, ref);
  const input = { reason: opts.reason };
  const change = await planOrAsk(
    ctx,
    () => planReopen(t, me, input),
    async () => {
      input.reason = await ctx.prompter.text('--reason', `Why reopen #${t.number}?`);
    },
  );
  const done = await store.applyChange(t.id, change);
  ctx.out.success(`Reopened #${done.number}, assigned to ${done.assignee}.`);
  await printTickets(ctx.out, [done], ctx.clock());
}
