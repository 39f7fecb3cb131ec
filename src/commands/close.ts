// Leads approving closures, one or a thousand at a time. A ticket refused by a guard is
// reported and the others proceed (exit 3).
import type { Ctx } from '../context.js';
import type { Ticket } from '../domain/types.js';
import { CliError, EXIT, PartialError, UsageError } from '../errors.js';
import { planClose } from '../workflow/transitions.js';
import { parseDuration } from '../config/duration.js';
import { intOption, readStdin } from './shared.js';
import { relativeTime } from '../ui/time.js';
import { startSpinner } from '../ui/spinner.js';
import { sanitizeCell } from '../ui/sanitize.js';
import type { TicketStore } from '../backends/types.js';
import { mapLimit } from '../util/concurrency.js';

export interface CloseOptions {
  allResolved?: boolean;
  category?: string;
  olderThan?: string;
  comment?: string;
  overrideFourEyes?: boolean;
  reason?: string;
  dryRun?: boolean;
  concurrency?: string;
}

interface Result {
  id: string;
  ok: boolean;
  action: 'closed' | 'would-close' | 'refused' | 'failed';
  detail: string;
  exitCode: number;
  ticket?: Ticket;
  /** Why it was refused or failed, with its hint (reported whole when it was the only ticket). */
  error?: CliError;
}

export async function readIdsFromStdin(ctx: Ctx): Promise<string[]> {
  // One id per line; the first field of TSV from `soc-ticket list` works too. Header lines are skipped.
  return (await readStdin(ctx, 'ticket ids'))
    .split(/\r?\n/)
    .map((l) => l.split(/[\t ,]/)[0].trim().replace(/^#/, ''))
    .filter((x) => x && x.toLowerCase() !== 'id');
}

async function pick(ctx: Ctx, store: TicketStore, ids: string[], opts: CloseOptions): Promise<string[]> {
  if (ids.includes('-')) return [...ids.filter((x) => x !== '-'), ...(await readIdsFromStdin(ctx))];
  if (ids.length) return ids;
  const now = ctx.clock();
  if (opts.allResolved) {
    const cutoff = opts.olderThan ? now.getTime() - parseDuration(opts.olderThan, '--older-than') : undefined;
    const resolved = await store.list({ stages: ['resolved'], category: opts.category, sort: 'id' });
    return resolved.filter((t) => cutoff === undefined || new Date(t.resolvedAt ?? t.updatedAt).getTime() <= cutoff).map((t) => t.number);
  }
  if (opts.category || opts.olderThan) throw new UsageError('--category and --older-than go with --all-resolved.');
  if (!ctx.prompter.enabled) {
    throw new UsageError('Name the tickets to close: IDs, - (ids on stdin) or --all-resolved.', 'For example: soc-ticket close 12 15 19 --yes');
  }
  const resolved = await store.list({ stages: ['resolved'], sort: 'id' });
  if (!resolved.length) return [];
  return ctx.prompter.multi(
    'IDs',
    'Approve the closure of',
    resolved.map((t) => ({
      name: sanitizeCell(
        `#${t.number} [${t.severity}] ${t.title.slice(0, 50)} — resolved by ${t.resolvedBy ?? '?'} ${relativeTime(t.resolvedAt, now)}: ${(t.summary ?? '').slice(0, 60)}`,
      ),
      value: t.number,
    })),
  );
}

export async function run(ctx: Ctx, ids: string[], opts: CloseOptions): Promise<number> {
  const me = await ctx.actor('close');
  if (opts.reason && !opts.overrideFourEyes) throw new UsageError('--reason goes with --override-four-eyes.');
  const concurrency = intOption(opts.concurrency, '--concurrency') ?? 8;
  const store = await ctx.store();
  const refs = [...new Set(await pick(ctx, store, ids, opts))];
  if (!refs.length) {
    ctx.out.info('No resolved tickets to close.');
    if (ctx.out.mode === 'json') ctx.out.json({ results: [], closed: 0, refused: 0 });
    return EXIT.ok;
  }

  // Check every guard first, so the confirmation shows exactly what will happen.
  const planned = await mapLimit(refs, concurrency, async (ref) => {
    const t = await store.get(ref);
    if (!t) return { ref, error: new UsageError(`No ticket ${ref}.`) };
    try {
      return { ref, t, change: planClose(t, me, opts) };
    } catch (e) {
      return { ref, t, error: e as Error };
    }
  });
  const ready = planned.filter((p) => p.change);
  const results: Result[] = planned
    .filter((p) => p.error)
    .map((p) => ({ id: p.ref, ok: false, action: 'refused', detail: p.error!.message, exitCode: (p.error as CliError).exitCode ?? EXIT.unexpected, ticket: p.t, error: p.error as CliError }));

  if (opts.dryRun) {
    for (const p of ready) results.push({ id: p.t!.number, ok: true, action: 'would-close', detail: p.t!.title, exitCode: 0, ticket: p.t });
    return report(ctx, results, refs.length);
  }
  if (ready.length) {
    const question = `Approve the closure of ${ready.length} ticket${ready.length === 1 ? '' : 's'}${results.length ? ` (${results.length} refused)` : ''}?`;
    if (!(await ctx.prompter.confirm(question, ctx.globals.yes))) {
      ctx.out.info('Nothing closed.');
      return EXIT.ok;
    }
  }
  const spinner = await startSpinner(ctx.io, `Closing 0/${ready.length}`);
  let done = 0;
  const applied = await mapLimit(ready, concurrency, async (p): Promise<Result> => {
    try {
      const t = await store.applyChange(p.t!.id, p.change!, p.t);
      return { id: t.number, ok: true, action: 'closed', detail: t.title, exitCode: 0, ticket: t };
    } catch (e) {
      const err = e as CliError;
      return { id: p.t!.number, ok: false, action: 'failed', detail: err.message, exitCode: err.exitCode ?? EXIT.unexpected, error: err };
    } finally {
      spinner.update(`Closing ${++done}/${ready.length}`);
    }
  });
  spinner.stop();
  results.push(...applied);
  return report(ctx, results, refs.length);
}

async function report(ctx: Ctx, results: Result[], asked: number): Promise<number> {
  const order = new Map(results.map((r, i) => [r.id, i]));
  results.sort((a, b) => (Number(a.id) - Number(b.id)) || (order.get(a.id)! - order.get(b.id)!));
  const closed = results.filter((r) => r.action === 'closed').length;
  const failed = results.filter((r) => !r.ok);
  if (ctx.out.mode === 'json') {
    ctx.out.json({
      results: results.map(({ id, ok, action, detail, exitCode, ticket }) => ({ id, ok, action, detail, exitCode, ticket: ok ? ticket : undefined })),
      closed,
      refused: failed.length,
    });
  } else {
    await ctx.out.rows(
      [
        { header: 'ID', value: (r: Result) => r.id },
        { header: 'Result', value: (r: Result) => r.action, color: (s) => (s === 'closed' || s === 'would-close' ? ctx.out.c.green(s) : ctx.out.c.red(s)) },
        { header: 'Detail', value: (r: Result) => r.detail, max: 90 },
      ],
      results,
    );
  }
  const verb = results.some((r) => r.action === 'would-close') ? 'would close' : 'closed';
  const n = verb === 'closed' ? closed : results.filter((r) => r.action === 'would-close').length;
  ctx.out.info(`${n} ${verb}, ${failed.length} refused or failed, of ${asked}.`);
  if (!failed.length) return EXIT.ok;
  // One ticket asked for: its refusal is the command's, message, hint and exit code.
  if (asked === 1) throw failed[0].error instanceof CliError ? failed[0].error : new CliError(failed[0].detail, EXIT.unexpected);
  throw new PartialError(`${failed.length} of ${asked} tickets were not closed (see the table above).`);
}
