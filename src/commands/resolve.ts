import type { Ctx } from '../context.js';
import { planResolve } from '../workflow/transitions.js';
import { loadTicket, planOrAsk, textOrStdin } from './shared.js';
import { printTickets } from '../ui/tickets.js';
import { gatherEvidence, evidenceLines } from './evidence.js';

export interface ResolveOptions {
  summary?: string;
  attach?: string[];
  kibanaReport?: string;
}

export async function run(ctx: Ctx, ref: string, opts: ResolveOptions): Promise<void> {
  const me = await ctx.actor('resolve');
  const store = await ctx.store();
  const t = await loadTicket(store, ref);
  const input = { summary: await textOrStdin(ctx, opts.summary) };
  // Guards first: a refused resolve must not start uploads or Kibana jobs.
  await planOrAsk(
    ctx,
    () => planResolve(t, me, input),
    async () => {
      input.summary = await ctx.prompter.text('--summary', `Resolution of #${t.number} (actions, analysis)`);
    },
  );
  const attachments = await gatherEvidence(ctx, store, opts.attach, opts.kibanaReport);
  const change = planResolve(t, me, { ...input, attachments });
  if (attachments.length) change.comment += '\n' + evidenceLines(attachments);
  const done = await store.applyChange(t.id, change);
  ctx.out.success(`Resolved #${done.number}; a lead approves the closure (soc-ticket close ${done.number}).`);
  await printTickets(ctx.out, [done], ctx.clock());
}
