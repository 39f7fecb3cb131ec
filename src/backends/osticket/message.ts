// What soc-ticket writes into osTicket and reads back: the alert as the ticket's first message,
// and the structured internal notes that carry the SOC fields osTicket has no column for
// (verdict, who triaged/resolved, the summary). Pure string work; every value in here may be
// attacker-controlled, so everything written is HTML-escaped and everything read is matched by
// line prefix only.
import type { NormalisedAlert } from '../../alerts/types.js';
import type { Observable, ObservableType, Stage } from '../../domain/types.js';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const oneLine = (s: string) => s.replace(/[\r\n\t]+/g, ' ').trim();

/** Labels of the alert block; `Dedup key` is how the local dedup index is rebuilt from tickets. */
export const ALERT_LABELS = {
  format: 'Alert format',
  severity: 'Severity',
  time: 'Alert time',
  host: 'Host',
  srcIp: 'Source IP',
  dstIp: 'Destination IP',
  ruleId: 'Rule id',
  ruleName: 'Rule name',
  mitre: 'MITRE',
  category: 'Category',
  observables: 'Observables',
  dedupKey: 'Dedup key',
} as const;

export const ALERT_MARK = '[soc-ticket] alert';
export const NOTE_MARK = '[soc-ticket]';

/** The alert as an HTML message: one `Label: value` line each, the description after. */
export function alertMessageHtml(a: NormalisedAlert): string {
  const lines: Array<[string, string | undefined]> = [
    [ALERT_LABELS.format, a.format],
    [ALERT_LABELS.severity, a.severity],
    [ALERT_LABELS.time, a.time],
    [ALERT_LABELS.host, a.host],
    [ALERT_LABELS.srcIp, a.srcIp],
    [ALERT_LABELS.dstIp, a.dstIp],
    [ALERT_LABELS.ruleId, a.ruleId],
    [ALERT_LABELS.ruleName, a.ruleName],
    [ALERT_LABELS.mitre, a.mitre.length ? a.mitre.join(', ') : undefined],
    [ALERT_LABELS.category, a.category],
    [ALERT_LABELS.observables, a.observables.length ? a.observables.map((o) => `${o.type}=${o.value}`).join(' ; ') : undefined],
    [ALERT_LABELS.dedupKey, a.dedupKey],
  ];
  const body = lines
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `<b>${escapeHtml(k)}:</b> ${escapeHtml(oneLine(v!))}<br />`)
    .join('\n');
  const desc = a.description ? `\n<p><b>Description:</b></p>\n<pre>${escapeHtml(a.description)}</pre>` : '';
  return `<p><b>${escapeHtml(ALERT_MARK)}</b></p>\n<p>\n${body}\n</p>${desc}`;
}

export interface ParsedAlertMessage {
  format?: string;
  host?: string;
  srcIp?: string;
  dstIp?: string;
  ruleId?: string;
  ruleName?: string;
  mitre: string[];
  category?: string;
  observables: Observable[];
  dedupKey?: string;
  time?: string;
  description?: string;
}

const OBS_TYPES: ObservableType[] = ['ip', 'domain', 'url', 'hash', 'user', 'email'];

/** The first message's text (as htmlToText gives it) → the alert fields; undefined if not ours. */
export function parseAlertMessage(text: string): ParsedAlertMessage | undefined {
  const lines = text.split('\n');
  if (!lines.some((l) => l.trim() === ALERT_MARK)) return undefined;
  const out: ParsedAlertMessage = { mitre: [], observables: [] };
  const byLabel = new Map<string, string>();
  let i = 0;
  for (; i < lines.length; i++) {
    const l = lines[i];
    if (/^Description:\s*$/.test(l.trim())) break;
    const m = /^([A-Za-z][A-Za-z ]{1,20}):\s?(.*)$/.exec(l);
    if (m && !byLabel.has(m[1])) byLabel.set(m[1], m[2].trim());
  }
  if (i < lines.length) out.description = lines.slice(i + 1).join('\n').trim() || undefined;
  const g = (k: keyof typeof ALERT_LABELS) => byLabel.get(ALERT_LABELS[k]) || undefined;
  out.format = g('format');
  out.time = g('time');
  out.host = g('host');
  out.srcIp = g('srcIp');
  out.dstIp = g('dstIp');
  out.ruleId = g('ruleId');
  out.ruleName = g('ruleName');
  out.category = g('category');
  out.dedupKey = g('dedupKey');
  const mitre = g('mitre');
  if (mitre) out.mitre = mitre.split(',').map((s) => s.trim()).filter(Boolean);
  const obs = g('observables');
  if (obs) {
    for (const part of obs.split(' ; ')) {
      const eq = part.indexOf('=');
      const type = part.slice(0, eq).trim() as ObservableType;
      if (eq > 0 && OBS_TYPES.includes(type)) out.observables.push({ type, value: part.slice(eq + 1).trim() });
    }
  }
  return out;
}

/** A structured internal note: `[soc-ticket] <kind>` then `Key: value` lines, then free text. */
export interface SocNote {
  kind: 'triage' | 'assign' | 'resolve' | 'close' | 'reopen' | 'occurrence' | 'note' | 'transition';
  actor: string;
  from?: Stage;
  to?: Stage;
  fields: Record<string, string>;
  text?: string;
}

const NOTE_FIELDS = ['Actor', 'Stage', 'Verdict', 'Severity', 'Category', 'Assignee', 'Triaged by', 'Resolved by', 'Summary', 'Evidence'];

export function socNoteHtml(n: SocNote): string {
  const lines: string[] = [`<b>${escapeHtml(`${NOTE_MARK} ${n.kind}`)}</b>`];
  lines.push(`Actor: ${escapeHtml(oneLine(n.actor))}`);
  if (n.to) lines.push(`Stage: ${n.from ? `${n.from} → ` : ''}${n.to}`);
  for (const [k, v] of Object.entries(n.fields)) if (v) lines.push(`${escapeHtml(k)}: ${escapeHtml(oneLine(v))}`);
  let html = `<p>${lines.join('<br />\n')}</p>`;
  if (n.text) html += `\n<p>${escapeHtml(n.text).replace(/\r?\n/g, '<br />\n')}</p>`;
  return html;
}

/** An internal note's text → the structured note, or undefined when it is not one of ours. */
export function parseSocNote(text: string): SocNote | undefined {
  const lines = text.split('\n');
  const head = lines.findIndex((l) => l.trim().startsWith(NOTE_MARK + ' '));
  if (head < 0 || head > 2) return undefined;
  const kind = lines[head].trim().slice(NOTE_MARK.length + 1).trim() as SocNote['kind'];
  const fields: Record<string, string> = {};
  let actor = '';
  let from: Stage | undefined;
  let to: Stage | undefined;
  let i = head + 1;
  for (; i < lines.length; i++) {
    const m = /^([A-Za-z][A-Za-z ]{1,15}):\s?(.*)$/.exec(lines[i].trim());
    if (!m || !NOTE_FIELDS.includes(m[1])) break;
    if (m[1] === 'Actor') actor = m[2].trim();
    else if (m[1] === 'Stage') {
      const s = /^(?:(\w+)\s*→\s*)?(\w+)$/.exec(m[2].trim());
      if (s) {
        from = (s[1] as Stage) || undefined;
        to = s[2] as Stage;
      }
    } else fields[m[1]] = m[2].trim();
  }
  const rest = lines.slice(i).join('\n').trim();
  return { kind, actor, from, to, fields, text: rest || undefined };
}
