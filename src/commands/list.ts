import type { Ctx } from '../context.js';
import { STAGES, SEVERITIES, type Severity, type Stage } from '../domain/types.js';
import { UsageError } from '../errors.js';
import { parseDuration } from '../config/duration.js';
import { ticketColumns } from '../ui/tickets.js';
import { intOption } from './shared.js';
import type { TicketFilter } from '../backends/types.js';

export interface ListOptions {
  stage?: string;
  severity?: string;
  assignee?: string;
  category?: string;
  since?: string;
  search?: string;
  sort?: TicketFilter['sort'];
  desc?: boolean;
  limit?: string;
  all?: boolean;
}

export function parseStages(text: string | undefined, all: boolean | undefined): Stage[] | undefined {
  if (!text) return all ? undefined : ['new', 'triaged', 'assigned', 'resolved'];
  const out = new Set<Stage>();
  for (const s of text.split(',').map((x) => x.trim().toLowerCase()).filter(Boolean)) {
    if (s === 'open') ['new', 'triaged', 'assigned'].forEach((x) => out.add(x as Stage));
    else if ((STAGES as readonly string[]).includes(s)) out.add(s as Stage);
    else throw new UsageError(`--stage ${s} is not one of ${STAGES.join(', ')}, open.`);
  }
  return [...out];
}

function parseSeverities(text: string | undefined): Severity[] | undefined {
  if (!text) return undefined;
  return text.split(',').map((x) => {
    const s = x.trim().toLowerCase();
    if (!(SEVERITIES as readonly string[]).includes(s)) throw new UsageError(`--severity ${s} is not one of ${SEVERITIES.join(', ')}.`);
    return s as Severity;
  });
}

export async function run(ctx: Ctx, opts: ListOptions): Promise<void> {
  const me = await ctx.actor('list');
  const filter: TicketFilter = {
    stages: parseStages(opts.stage, opts.all),
    severity: parseSeverities(opts.severity),
    assignee: opts.assignee === 'me' ? me.user : opts.assignee,
    category: opts.category,
    since: opts.since ? new Date(ctx.clock().getTime() - parseDuration(opts.since, '--since')) : undefined,
    search: opts.search,
    sort: opts.sort,
    desc: opts.desc,
    limit: intOption(opts.limit, '--limit'),
  };
  const store = await ctx.store();
  const tickets = await store.list(filter);
  if (ctx.out.mode === 'json') return ctx.out.json(tickets);
  await ctx.out.rows(ticketColumns(ctx.out, ctx.clock()), tickets, { empty: 'No tickets match.' });
}
