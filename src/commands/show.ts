import type { Ctx } from '../context.js';
import type { Ticket, TicketEvent } from '../domain/types.js';
import { loadTicket } from './shared.js';
import { sanitizeText } from '../ui/sanitize.js';
import { severityColor, stageColor } from '../ui/color.js';
import { relativeTime } from '../ui/time.js';
import { nextStepHint } from '../workflow/transitions.js';

export async function run(ctx: Ctx, ref: string, opts: { raw?: boolean }): Promise<void> {
  await ctx.actor('show');
  const store = await ctx.store();
  const t = await loadTicket(store, ref);
  if (ctx.out.mode === 'json') return ctx.out.json(t);
  ctx.io.stdout.write(render(ctx, t) + '\n');
  if (opts.raw && 'attachmentData' in store) {
    for (const a of t.attachments ?? []) {
      if (!a.name.startsWith('alert-')) continue;
      const data = (store as unknown as { attachmentData(id: number, sha: string): Buffer | undefined }).attachmentData(t.id, a.sha256);
      if (data) ctx.io.stdout.write(`\n--- ${sanitizeText(a.name)}\n${sanitizeText(data.toString('utf8'))}\n`);
    }
  }
}

export function render(ctx: Ctx, t: Ticket): string {
  const c = ctx.out.c;
  const human = ctx.out.mode === 'table';
  const now = ctx.clock();
  const when = (iso: string | undefined) => (iso ? (human ? `${iso} (${relativeTime(iso, now)})` : iso) : '');
  const s = sanitizeText;
  const lines: string[] = [];
  lines.push(`${c.bold(`#${s(t.number)}`)} ${c.bold(s(t.title))}`);
  const field = (name: string, value: string | undefined) => {
    if (value) lines.push(`  ${c.dim(name.padEnd(12))}${value}`);
  };
  field('Stage', stageColor(c, t.stage));
  field('Severity', severityColor(c, t.severity));
  field('Category', s(t.category));
  field('Verdict', s(t.verdict));
  field('Assignee', s(t.assignee));
  field('Source', s(t.source));
  field('Host', s(t.host));
  field('Source IP', s(t.srcIp));
  field('Dest IP', s(t.dstIp));
  field('Rule', s([t.ruleId, t.ruleName].filter(Boolean).join(' ')));
  field('MITRE', s(t.mitre.join(', ')));
  field('Seen', t.occurrences > 1 ? `${t.occurrences} times, last ${when(t.lastSeen)}` : undefined);
  field('Dedup key', s(t.dedupKey));
  field('Created', `${when(t.createdAt)} by ${s(t.createdBy)}`);
  field('Resolved', t.resolvedBy ? `${when(t.resolvedAt)} by ${s(t.resolvedBy)}` : undefined);
  if (t.observables.length) {
    lines.push(`  ${c.dim('Observables')}`);
    for (const o of t.observables) lines.push(`    ${o.type.padEnd(7)} ${s(o.value)}`);
  }
  if (t.description) lines.push('', indent(s(t.description)));
  if (t.summary) lines.push('', c.bold('Resolution'), indent(s(t.summary)));
  if (t.events?.length) {
    lines.push('', c.bold('Audit trail'));
    for (const e of compactOccurrences(t.events)) lines.push(renderEvent(ctx, e, when));
  }
  if (t.attachments?.length) {
    lines.push('', c.bold('Attachments'));
    for (const a of t.attachments) lines.push(`  ${s(a.name)}  ${a.mime}  ${a.size} B  sha256:${a.sha256}`);
  }
  if (human && t.stage !== 'closed') lines.push('', c.dim(`Next: ${nextStepHint(t)}`));
  return lines.join('\n');
}

function renderEvent(ctx: Ctx, e: TicketEvent, when: (iso: string) => string): string {
  const c = ctx.out.c;
  const what =
    e.kind === 'transition' || e.kind === 'created'
      ? `${e.from ? `${e.from} → ` : ''}${e.to ?? ''}`
      : e.kind;
  const head = `  ${c.dim(when(e.at))}  ${sanitizeText(e.actor)}  ${c.bold(what)}`;
  const body = e.comment ? '\n' + indent(sanitizeText(e.comment), 6) : '';
  const atts = (e.attachments ?? []).map((a) => `\n      📎 ${sanitizeText(a.name)} (${a.size} B, sha256:${a.sha256.slice(0, 16)}…)`).join('');
  return head + body + atts;
}

/** Thousands of repeats would drown the trail: keep the first and last three of each run. */
function compactOccurrences(events: TicketEvent[]): TicketEvent[] {
  const out: TicketEvent[] = [];
  let run: TicketEvent[] = [];
  const flush = () => {
    if (run.length <= 6) out.push(...run);
    else {
      out.push(...run.slice(0, 3));
      out.push({ at: run[3].at, actor: run[3].actor, kind: 'occurrence', comment: `… ${run.length - 6} more occurrences …` });
      out.push(...run.slice(-3));
    }
    run = [];
  };
  for (const e of events) {
    if (e.kind === 'occurrence') run.push(e);
    else {
      flush();
      out.push(e);
    }
  }
  flush();
  return out;
}

function indent(text: string, n = 2): string {
  return text
    .split('\n')
    .map((l) => ' '.repeat(n) + l)
    .join('\n');
}
