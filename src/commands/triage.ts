import type { Ctx } from '../context.js';
import { SEVERITIES, VERDICTS } from '../domain/types.js';
import { planTriage, type TriageInput } from '../workflow/transitions.js';
import { loadTicket, planOrAsk } from './shared.js';
import { printTickets } from '../ui/tickets.js';

export interface TriageOptions {
  severity?: string;
  category?: string;
  verdict?: string;
  note?: string;
  enrich?: boolean;
}

export async function run(ctx: Ctx, ref: string, opts: TriageOptions): Promise<void> {
  const me = await ctx.actor('triage');
  const categories = ctx.config().categories;
  const p = ctx.prompter;
  const store = await ctx.store();
  let t = await loadTicket(store, ref);
  const input: TriageInput = { ...opts, categories };
  const choices = (xs: readonly string[]) => xs.map((x) => ({ name: x, value: x }));
  const change = await planOrAsk(
    ctx,
    () => planTriage(t, me, input),
    async (missing) => {
      if (missing.includes('severity')) input.severity = await p.select('--severity', `Severity of #${t.number}`, choices(SEVERITIES));
      if (missing.includes('category')) input.category = await p.select('--category', 'Category', choices(categories));
      if (missing.includes('verdict')) input.verdict = await p.select('--verdict', 'Verdict', choices(VERDICTS));
    },
  );
  if (opts.enrich) {
    const { enrichTicket } = await import('./enrich.js');
    await enrichTicket(ctx, store, t, me.user, { failSoft: true });
  }
  t = await store.applyChange(t.id, change);
  ctx.out.success(`Triaged #${t.number}: ${t.verdict}, ${t.severity}, ${t.category}.`);
  await printTickets(ctx.out, [t], ctx.clock());
}
