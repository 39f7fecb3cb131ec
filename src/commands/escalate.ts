// `escalate ID --to thehive`: the ticket becomes a TheHive 5 alert whose (type, source, sourceRef)
// is stable, so a re-run never duplicates it; the alert id and link are recorded on the ticket.
import type { Ctx } from '../context.js';
import type { Ticket } from '../domain/types.js';
import { UsageError } from '../errors.js';
import { TheHiveClient, ticketToHiveAlert, type CreatedAlert } from '../integrations/thehive.js';
import { startSpinner } from '../ui/spinner.js';
import { loadTicket } from './shared.js';
import { readCaSetting } from './service-settings.js';

export interface EscalateOptions {
  to?: string;
}

const ALERT_TYPE = 'soc-ticket';
const NOTE_HEAD = 'Escalated to TheHive: alert ';

const TLP_NAMES: Record<string, number> = { clear: 0, white: 0, green: 1, amber: 2, 'amber+strict': 3, red: 4 };
const PAP_NAMES: Record<string, number> = { clear: 0, white: 0, green: 1, amber: 2, red: 3 };

/** thehive.tlp / thehive.pap: a number, or a name (amber, red…). Range is checked by ticketToHiveAlert. */
function level(value: string | undefined, names: Record<string, number>, key: string): number {
  const v = (value ?? '2').trim().toLowerCase();
  if (/^\d+$/.test(v)) return Number(v);
  if (v in names) return names[v];
  throw new UsageError(`${key} "${value}" is neither a number nor one of ${Object.keys(names).join(', ')}.`);
}

/** An escalation already recorded on the ticket, by this command on an earlier run. */
export function recordedEscalation(t: Ticket): { id: string; url?: string } | undefined {
  for (const e of t.events ?? []) {
    const text = e.comment ?? '';
    const at = text.indexOf(NOTE_HEAD);
    if (at < 0 || (e.kind !== 'escalation' && at !== 0)) continue;
    const m = /^(\S+)/.exec(text.slice(at + NOTE_HEAD.length));
    if (!m) continue;
    const url = /(https?:\/\/\S+)/.exec(text)?.[1];
    return { id: m[1], url };
  }
  return undefined;
}

export async function run(ctx: Ctx, ref: string, opts: EscalateOptions = {}): Promise<void> {
  const me = await ctx.actor('escalate');
  const to = opts.to ?? 'thehive';
  if (to !== 'thehive') throw new UsageError(`--to ${to}: the only escalation target is thehive.`);
  const cfg = ctx.config();
  const tlp = level(cfg.get('thehive.tlp'), TLP_NAMES, 'thehive.tlp');
  const pap = level(cfg.get('thehive.pap'), PAP_NAMES, 'thehive.pap');
  const source = cfg.get('thehive.source') || 'soc-ticket';
  const client = new TheHiveClient({
    url: cfg.get('thehive.url') ?? '',
    apiKey: cfg.get('thehive.apiKey') ?? '',
    ca: readCaSetting(cfg, 'thehive.ca'),
    organisation: cfg.get('thehive.organisation') || undefined,
    profile: cfg.profile,
  });

  const store = await ctx.store();
  const t = await loadTicket(store, ref);
  const prior = recordedEscalation(t);
  if (prior) {
    ctx.out.info(`#${t.number} was already escalated to TheHive as alert ${prior.id}; nothing to do.`);
    await print(ctx, t, { id: prior.id, url: prior.url ?? client.alertUrl(prior.id), created: false }, true);
    return;
  }

  const alert = ticketToHiveAlert(t, {
    tlp,
    pap,
    source,
    type: ALERT_TYPE,
    // The ticket number: with type and source it is what TheHive refuses to duplicate.
    sourceRef: t.number,
    tags: ['soc-ticket', ...(t.source ? [`format:${t.source}`] : [])],
  });
  const spinner = await startSpinner(ctx.io, `TheHive: escalating #${t.number}…`);
  let res: CreatedAlert;
  try {
    res = await client.createAlert(alert);
  } finally {
    spinner.stop();
  }
  const how = res.created ? 'created' : 'it already existed (an earlier run), linked';
  await store.addNote(
    t.id,
    me.user,
    `${NOTE_HEAD}${res.id} (${how}) — ${res.url}\n` +
      `type ${ALERT_TYPE}, source ${source}, sourceRef ${t.number}, severity ${alert.severity}, TLP ${tlp}, PAP ${pap}, ${alert.observables.length} observable(s).`,
    [],
    'escalation',
  );
  ctx.out.success(
    res.created
      ? `Escalated #${t.number} to TheHive: alert ${res.id}.`
      : `#${t.number} was already in TheHive as alert ${res.id}; linked it on the ticket.`,
  );
  await print(ctx, t, res, false);
}

async function print(ctx: Ctx, t: Ticket, a: { id: string; url: string; created: boolean }, alreadyRecorded: boolean): Promise<void> {
  if (ctx.out.mode === 'json') {
    ctx.out.json({ ticket: t.number, target: 'thehive', alertId: a.id, url: a.url, created: a.created, alreadyRecorded });
    return;
  }
  type Row = typeof a;
  await ctx.out.rows<Row>(
    [
      { header: 'Ticket', value: () => t.number },
      { header: 'Alert', value: (r) => r.id },
      { header: 'Created', value: (r) => (r.created ? 'yes' : 'no') },
      { header: 'URL', value: (r) => r.url },
    ],
    [a],
  );
}
