// `enrich ID` and `triage --enrich`: the ticket's public observables looked up in MISP, the answer
// shown and kept on the ticket as an internal note. Private, reserved and loopback values never
// leave the host; answers are cached per value in the local state DB for misp.cacheTtl.
import type { Ctx } from '../context.js';
import type { TicketStore } from '../backends/types.js';
import type { Observable, Ticket } from '../domain/types.js';
import { BackendError, EXIT } from '../errors.js';
import type { StateDb } from '../ingest/state.js';
import { openState } from '../ingest/run.js';
import { enrichableObservables } from '../integrations/observables.js';
import { safeOrigin } from '../integrations/http.js';
import {
  formatMispNote,
  MispClient,
  type MispCache,
  type MispCacheEntry,
  type MispReport,
  type MispValueResult,
} from '../integrations/misp.js';
import type { Column } from '../ui/output.js';
import { startSpinner } from '../ui/spinner.js';
import { loadTicket } from './shared.js';
import { durationSetting, readCaSetting } from './service-settings.js';

export interface EnrichOptions {
  /** Warn and go on when MISP is unreachable or refuses the key (triage --enrich). */
  failSoft: boolean;
  /** Ask MISP even for values with a fresh cached answer. */
  refresh?: boolean;
}

export interface EnrichOutcome {
  /** The ticket after the enrichment note (or as given when nothing was recorded). */
  ticket: Ticket;
  report?: MispReport;
  /** Why nothing was looked up. */
  skipped?: string;
}

export async function run(ctx: Ctx, ref: string, opts: { refresh?: boolean } = {}): Promise<number> {
  const me = await ctx.actor('enrich');
  const store = await ctx.store();
  const t = await loadTicket(store, ref);
  const outcome = await enrichTicket(ctx, store, t, me.user, { failSoft: false, refresh: opts.refresh });
  await printReport(ctx, outcome);
  return outcome.report?.partial ? EXIT.partial : EXIT.ok;
}

export async function enrichTicket(ctx: Ctx, store: TicketStore, ticket: Ticket, actorUser: string, opts: EnrichOptions): Promise<EnrichOutcome> {
  const cfg = ctx.config();
  // Settings first: a misconfigured profile is a usage error even in triage, before anything is written.
  const url = cfg.get('misp.url') ?? '';
  const timeoutMs = durationSetting(cfg, 'misp.timeout', '15s');
  const cacheTtlMs = durationSetting(cfg, 'misp.cacheTtl', '6h');
  const ca = readCaSetting(cfg, 'misp.ca');

  const wanted = enrichableObservables(ticketObservables(ticket));
  if (!wanted.length) {
    const skipped = `No public observables on #${ticket.number} to look up (private, reserved and loopback values are never sent).`;
    ctx.out.info(skipped);
    return { ticket, skipped };
  }

  const cache = new StateMispCache(() => openState(ctx, store), `misp ${safeOrigin(url)}`);
  const client = new MispClient({
    url,
    apiKey: cfg.get('misp.apiKey') ?? '',
    ca,
    timeoutMs,
    cacheTtlMs,
    cache,
    profile: cfg.profile,
    now: () => ctx.clock().getTime(),
  });
  const types = Object.fromEntries(wanted.map((o) => [o.value, o.mispTypes.join(',')]));
  const spinner = await startSpinner(ctx.io, `MISP: looking up ${wanted.length} value(s) of #${ticket.number}…`);
  let report: MispReport;
  try {
    report = await client.lookup(
      wanted.map((o) => o.value),
      { types, refresh: opts.refresh },
    );
  } catch (err) {
    if (!(opts.failSoft && err instanceof BackendError)) throw err;
    ctx.out.warn(`MISP enrichment skipped: ${err.message}`);
    if (err.hint) ctx.out.info(`  ${err.hint}`);
    return { ticket, skipped: err.message };
  } finally {
    spinner.stop();
    await cache.close(store);
  }

  const updated = await store.addNote(ticket.id, actorUser, formatMispNote(report), [], 'enrichment');
  summarise(ctx, updated, report);
  return { ticket: updated, report };
}

/** The ticket's observables plus its source/destination IPs (deduplicated by the caller). */
function ticketObservables(t: Ticket): Observable[] {
  const extra: Observable[] = [];
  if (t.srcIp) extra.push({ type: 'ip', value: t.srcIp });
  if (t.dstIp) extra.push({ type: 'ip', value: t.dstIp });
  return [...(t.observables ?? []), ...extra];
}

function summarise(ctx: Ctx, t: Ticket, r: MispReport): void {
  const known = r.results.filter((x) => x.hits > 0);
  const listed = r.results.filter((x) => x.warninglists.length);
  const cached = r.results.filter((x) => x.cached).length;
  ctx.out.success(
    `Enriched #${t.number}: ${r.results.length} value(s) checked, ${known.length} known to MISP, ` +
      `${listed.length} on warninglists${cached ? ` (${cached} from cache)` : ''}; recorded as an internal note.`,
  );
  if (known.length) {
    ctx.out.info(`  Known to MISP: ${known.map((x) => `${x.value} (${x.hits} hit(s)${x.toIds ? ', to_ids' : ''})`).join(', ')}`);
  }
  if (listed.length) ctx.out.info(`  On warninglists (likely benign): ${listed.map((x) => x.value).join(', ')}`);
  if (r.partial) {
    ctx.out.warn(`Partial result from MISP${r.unchecked.length ? `: not checked ${r.unchecked.join(', ')}` : ''}.`);
    for (const e of r.errors) ctx.out.warn(e);
  }
}

const show = (items: string[]) => (items.length ? items.join('; ') : '');

function columns(): Column<MispValueResult>[] {
  return [
    { header: 'Value', value: (r) => r.value, max: 60 },
    { header: 'Type', value: (r) => r.type },
    { header: 'Hits', value: (r) => `${r.hits}${r.incomplete ? '+' : ''}` },
    { header: 'Events', value: (r) => show(r.events.map((e) => `#${e.id}${e.info ? ` ${e.info}` : ''}`)), max: 50 },
    { header: 'Tags', value: (r) => r.tags.join(', '), max: 40 },
    { header: 'To_ids', value: (r) => (r.hits ? (r.toIds ? 'yes' : 'no') : '') },
    { header: 'Warninglist', value: (r) => show(r.warninglists), max: 50 },
  ];
}

async function printReport(ctx: Ctx, o: EnrichOutcome): Promise<void> {
  const r = o.report;
  if (ctx.out.mode === 'json') {
    ctx.out.json({
      ticket: o.ticket.number,
      source: r?.source ?? null,
      checkedAt: r?.checkedAt ?? null,
      partial: r?.partial ?? false,
      results: r?.results ?? [],
      unchecked: r?.unchecked ?? [],
      errors: r?.errors ?? [],
      ...(o.skipped ? { skipped: o.skipped } : {}),
    });
    return;
  }
  await ctx.out.rows(columns(), r?.results ?? [], { empty: 'Nothing was looked up.' });
}

/** MISP answers in the state DB (opened on first use), namespaced by MISP origin; unreadable rows are misses. */
class StateMispCache implements MispCache {
  private state?: Promise<StateDb>;

  constructor(
    private readonly open: () => Promise<StateDb>,
    private readonly ns: string,
  ) {}

  private db(): Promise<StateDb> {
    return (this.state ??= this.open());
  }

  async get(value: string): Promise<MispCacheEntry | undefined> {
    const row = (await this.db()).cacheGet(this.ns, value);
    if (!row) return undefined;
    try {
      const e = JSON.parse(row.value) as MispCacheEntry;
      return e && typeof e.storedAt === 'number' && e.result && typeof e.result.hits === 'number' ? e : undefined;
    } catch {
      return undefined;
    }
  }

  async set(value: string, entry: MispCacheEntry): Promise<void> {
    (await this.db()).cachePut(this.ns, value, JSON.stringify(entry));
  }

  /** The embedded store shares its SQLite handle with the state DB; only a separate one is closed. */
  async close(store: TicketStore): Promise<void> {
    if (!this.state) return;
    const state = await this.state.catch(() => undefined);
    if (!state) return;
    const shared = (store as unknown as { db?: unknown }).db === state.db;
    if (!shared && state.db.open) state.db.close();
  }
}
