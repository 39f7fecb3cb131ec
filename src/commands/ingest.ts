import type { Ctx } from '../context.js';
import { EXIT, UsageError } from '../errors.js';
import { intOption } from './shared.js';
import { makeIngestor, normaliseOptions, type IngestSettings } from '../ingest/run.js';
import type { FateReport, Summary } from '../ingest/pipeline.js';
import { sanitizeCell } from '../ui/sanitize.js';
import { startSpinner } from '../ui/spinner.js';
import type { AlertFormat } from '../alerts/types.js';

export interface IngestOptions {
  format?: AlertFormat;
  dryRun?: boolean;
  rejects?: string;
  maxNewPerMinute?: string;
  dedupWindow?: string;
  retry?: boolean;
  listen?: string;
  tokenFile?: string;
  tlsCert?: string;
  tlsKey?: string;
  maxBody?: string;
}

export async function run(ctx: Ctx, files: string[], opts: IngestOptions): Promise<number> {
  const me = await ctx.actor('ingest');
  const settings: IngestSettings = {
    format: opts.format,
    dryRun: opts.dryRun,
    rejects: opts.rejects,
    maxNewPerMinute: intOption(opts.maxNewPerMinute, '--max-new-per-minute'),
    dedupWindow: opts.dedupWindow,
  };
  if (opts.listen) {
    if (files.length) throw new UsageError('--listen takes no files.');
    const { serveWebhook } = await import('../ingest/webhook.js');
    return serveWebhook(ctx, me.user, settings, {
      listen: opts.listen,
      tokenFile: opts.tokenFile,
      tlsCert: opts.tlsCert,
      tlsKey: opts.tlsKey,
      maxBody: intOption(opts.maxBody, '--max-body') ?? 5 * 1024 * 1024,
    });
  }
  const readsStdin = !files.length || files.includes('-');
  if (readsStdin && !opts.retry && ctx.io.stdinIsTTY) {
    throw new UsageError('ingest reads alerts from files or standard input, and stdin is a terminal.', 'Pipe alerts in (… | soc-ticket ingest) or name files: soc-ticket ingest alerts.ndjson');
  }
  // Every batch of alerts survives a few scavenges, and V8 answers by growing the young
  // generation up to 3 × 16 MB it never gives back; holding it at its start size keeps a
  // 1 GB run under 150 MB RSS at no measurable cost in speed (bench/ingest/README.md).
  (await import('node:v8')).setFlagsFromString('--semi-space-growth-factor=1');
  const { parsedInputs } = await import('../ingest/parsed.js');
  const store = await ctx.store();
  const out = ctx.out;
  const dry: FateReport[] = [];
  const touched = new Map<number, { id: number; number: string; fate: string }>();
  let moreTickets = 0;
  const onFate = (r: FateReport) => {
    if (r.fate === 'rejected' || (r.fate === 'skipped' && ctx.io.env.SOC_TICKET_VERBOSE)) {
      out.warn(`${r.source ?? '?'}:${r.line ?? '?'}: ${r.fate}: ${r.detail}`);
    }
    if (opts.dryRun) dry.push(r);
    else if (r.ticket && !touched.has(r.ticket.id)) {
      // A bounded list: a million-alert run must not keep a million entries just to print them.
      if (touched.size < MAX_LISTED) touched.set(r.ticket.id, { ...r.ticket, fate: r.fate });
      else moreTickets++;
    }
  };
  const { ingestor, rejects } = await makeIngestor(ctx, store, me.user, settings, onFate);
  const spinner = await startSpinner(ctx.io, 'Ingesting…');
  let n = 0;
  try {
    await ingestor.retryOutbox();
    if (!opts.retry) {
      const nopts = normaliseOptions(ctx, settings);
      const maxObjectBytes = Number(ctx.config().get('ingest.maxObjectBytes')) || undefined;
      for await (const p of parsedInputs(files, ctx.io.stdin, { maxObjectBytes }, nopts)) {
        if (++n % 1000 === 0) spinner.update(`Ingesting… ${n} items`);
        await ingestor.take(p);
      }
    }
  } finally {
    spinner.stop();
  }
  const summary = await ingestor.finish();
  if (opts.dryRun) await printDryRun(ctx, dry, summary);
  else if (out.mode === 'json') out.json({ summary, rejectsFile: rejects.count ? rejects.path : null, tickets: [...touched.values()], ...(moreTickets ? { moreTickets } : {}) });
  else if (touched.size) await printTouched(ctx, [...touched.values()], moreTickets);
  printSummary(ctx, summary, rejects.count ? rejects.path : undefined, !!opts.dryRun);
  if (summary.backendError && !summary.created && !summary.occurrences && !summary.fromOutbox) return EXIT.backend;
  if (summary.rejected || summary.backendError) return EXIT.partial;
  return EXIT.ok;
}

/** Tickets listed after a run (stdout); the summary counts them all. */
const MAX_LISTED = 10_000;

async function printTouched(ctx: Ctx, rows: Array<{ id: number; number: string; fate: string }>, more: number) {
  const limit = ctx.out.mode === 'table' ? 50 : Infinity;
  await ctx.out.rows(
    [
      { header: 'ID', value: (r: (typeof rows)[0]) => r.number },
      { header: 'Fate', value: (r: (typeof rows)[0]) => r.fate },
    ],
    rows.slice(0, limit),
  );
  const hidden = Math.max(0, rows.length - limit) + more;
  if (hidden) ctx.out.info(`… and ${hidden} more tickets (soc-ticket list).`);
}

async function printDryRun(ctx: Ctx, rows: FateReport[], summary: Summary) {
  if (ctx.out.mode === 'json') {
    return ctx.out.json({
      summary,
      alerts: rows.map((r) => ({ source: r.source, line: r.line, fate: r.fate, detail: r.detail, ticket: r.ticket, alert: r.alert && { ...r.alert, raw: undefined } })),
    });
  }
  await ctx.out.rows(
    [
      { header: 'Where', value: (r: FateReport) => `${r.source ?? ''}:${r.line ?? ''}` },
      { header: 'Fate', value: (r: FateReport) => r.fate },
      { header: 'Severity', value: (r: FateReport) => r.alert?.severity },
      { header: 'Format', value: (r: FateReport) => r.alert?.format },
      { header: 'Title', value: (r: FateReport) => r.alert?.title, max: 50 },
      { header: 'Dedup key', value: (r: FateReport) => r.alert?.dedupKey, max: 30 },
      { header: 'Detail', value: (r: FateReport) => r.detail, max: 40 },
    ],
    rows,
  );
}

function printSummary(ctx: Ctx, s: Summary, rejectsFile: string | undefined, dry: boolean) {
  const parts = [
    `${s.created} ${dry ? 'would be created' : 'created'}`,
    `${s.occurrences} occurrences`,
    `${s.resolvedUpdates} resolved-updates`,
    `${s.duplicates} already ingested`,
    `${s.skipped} skipped (non-alert events)`,
    `${s.rejected} rejected`,
    `${s.queued} queued`,
  ];
  ctx.out.info(`${dry ? 'Dry run: ' : ''}${parts.join(', ')}.`);
  if (s.fromOutbox) ctx.out.info(`${s.fromOutbox} delivered from the outbox.`);
  if (rejectsFile) ctx.out.warn(`Rejected input kept in ${sanitizeCell(rejectsFile)}`);
  if (s.backendError) ctx.out.warn(`Backend failed (${s.backendError}); ${s.outboxLeft} alerts wait in the outbox: soc-ticket ingest --retry`);
  else if (s.outboxLeft) ctx.out.info(`${s.outboxLeft} alerts wait in the outbox (flood control): soc-ticket ingest --retry`);
}
