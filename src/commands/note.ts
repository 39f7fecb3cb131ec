import type { Ctx } from '../context.js';
import { planNote } from '../workflow/transitions.js';
import { loadTicket, planOrAsk, textOrStdin } from './shared.js';
import { printTickets } from '../ui/tickets.js';
import { gatherEvidence, evidenceLines } from './evidence.js';

export async function run(ctx: Ctx, ref: string, opts: { message?: string; attach?: string[]; kibanaReport?: string }): Promise<void> {
  const me = await ctx.actor('note');
  const store = await ctx.store();
  const t = await loadTicket(store, ref);
  let text = await textOrStdin(ctx, opts.message);
  let body = await planOrAsk(
    ctx,
    () => planNote(t, me, text),
    async () => {
      text = await ctx.prompter.text('--message', `Note on #${t.number}`);
    },
  );
  const attachments = await gatherEvidence(ctx, store, opts.attach, opts.kibanaReport);
  if (attachments.length) body += '\n' + evidenceLines(attachments);
  const done = await store.addNote(t.id, me.user, body, attachments);
  ctx.out.success(`Note added to #${done.number}${attachments.length ? ` with ${attachments.length} attachment(s)` : ''}.`);
  await printTickets(ctx.out, [done], ctx.clock());
}
