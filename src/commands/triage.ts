import type { Ctx } from '../context.js';
import { SEVERITIES, VERDICTS } from '../domain/types.js';
import { planTriage } from '../workflow/transitions.js';
import { loadTicket } from './shared.js';
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
  if (p.enabled) {
    opts.severity ??= await p.select('--severity', `Severity of #${t.number}`, SEVERITIES.map((s) => ({ name: s, value: s })));
    opts.category ??= await p.select('--category', 'Category', categories.map((s) => ({ name: s, value: s })));
    opts.verdict ??= await p.select('--verdict', 'Verdict', VERDICTS.map((s) => ({ name: s, value: s })));
  }
  const change = planTriage(t, me, { ...opts, categories });
  if (opts.enrich) {
    const { enrichTicket } = await import('./enrich.js');
    await enrichTicket(ctx, store, t, me.user, { failSoft: true });
  }
  t = await store.applyChange(t.id, change);
  ctx.out.success(`Triaged #${t.number}: ${t.verdict}, ${t.severity}, ${t.category}.`);
  await printTickets(ctx.out, [t], ctx.clock());
}
