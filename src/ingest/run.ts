// Shared by `ingest` (files, stdin) and the webhook receiver: config → Ingestor.
import { join } from 'node:path';
import type { Ctx } from '../context.js';
import type { TicketStore } from '../backends/types.js';
import { parseDuration } from '../config/duration.js';
import { StateDb } from './state.js';
import { RejectsFile } from './rejects.js';
import { Ingestor, type FateReport } from './pipeline.js';
import type { AlertFormat } from '../alerts/types.js';
import type { Severity } from '../domain/types.js';

export interface IngestSettings {
  format?: AlertFormat;
  dryRun?: boolean;
  rejects?: string;
  maxNewPerMinute?: number;
  dedupWindow?: string;
}

export async function openState(ctx: Ctx, store: TicketStore): Promise<StateDb> {
  if ('db' in store && store.kind === 'local') return new StateDb((store as unknown as { db: StateDb['db'] }).db, ctx.clock);
  const { openDb } = await import('../backends/local/db.js');
  const cfg = ctx.config();
  return new StateDb(await openDb(join(cfg.dataDir, `state-${cfg.profile}.db`)), ctx.clock);
}

export function rejectsPath(ctx: Ctx, flag?: string): string {
  if (flag) return flag;
  const configured = ctx.config().get('ingest.rejects');
  if (configured) return configured;
  const stamp = ctx.clock().toISOString().replace(/[:.]/g, '-');
  return join(ctx.config().dataDir, 'rejects', `ingest-${stamp}-${process.pid}.ndjson`);
}

/** Severity overrides from config: `severity.<format>.<native value> = high`. */
export function severityOverrides(ctx: Ctx): Partial<Record<AlertFormat, Record<string, Severity>>> {
  const out: Partial<Record<AlertFormat, Record<string, Severity>>> = {};
  for (const [k, v] of Object.entries(ctx.config().withPrefix('severity.'))) {
    const dot = k.indexOf('.');
    if (dot < 0) continue;
    const fmt = k.slice(0, dot) as AlertFormat;
    (out[fmt] ??= {})[k.slice(dot + 1)] = v.toLowerCase() as Severity;
  }
  return out;
}

export function normaliseOptions(ctx: Ctx, s: IngestSettings) {
  const generic = ctx.config().withPrefix('generic.');
  return {
    format: s.format,
    severityOverrides: severityOverrides(ctx),
    generic: Object.keys(generic).length ? generic : undefined,
  };
}

export async function makeIngestor(ctx: Ctx, store: TicketStore, actor: string, s: IngestSettings, onFate?: (r: FateReport) => void) {
  const cfg = ctx.config();
  const state = await openState(ctx, store);
  const rejects = new RejectsFile(rejectsPath(ctx, s.rejects));
  const windowMs = parseDuration(s.dedupWindow ?? cfg.get('dedup.window') ?? '24h', '--dedup-window');
  const ingestor = new Ingestor({ store, state, actor, windowMs, clock: ctx.clock, maxNewPerMinute: s.maxNewPerMinute, dryRun: s.dryRun, rejects, onFate });
  return { ingestor, state, rejects };
}
