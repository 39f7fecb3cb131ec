// osTicket's views of a ticket (the staff page, a CSV export row) → soc-ticket's Ticket. Pure.
import type { Attachment, Stage, Ticket, TicketEvent, Verdict } from '../../domain/types.js';
import type { Mapping } from './mapping.js';
import { splitAssigned } from './mapping.js';
import { parseAlertMessage, parseSocNote, type SocNote } from './message.js';
import { csvDateToIso, type TicketPage, type ThreadEntry } from './parse.js';

/** CSV export columns we ask for, in order (INTERFACE.md §c1). */
export const EXPORT_FIELDS = ['number', 'created', 'cdata__subject', 'cdata__priority', 'topic_id', 'status__id', 'lastupdate', 'closed', 'staff_id', 'team_id', 'dept_id', 'thread_count'];

function attachmentsOf(e: ThreadEntry): Attachment[] {
  // osTicket does not give hashes; the signed download URL is not kept (it expires).
  return e.attachments.map((a) => ({ name: a.name, size: a.size ?? 0, sha256: '', mime: guessMime(a.name) }));
}

function guessMime(name: string): string {
  const ext = name.toLowerCase().split('.').pop() ?? '';
  return ({ json: 'application/json', txt: 'text/plain', log: 'text/plain', csv: 'text/csv', pdf: 'application/pdf', png: 'image/png', html: 'text/html', zip: 'application/zip' } as Record<string, string>)[ext] ?? 'application/octet-stream';
}

const KIND_TO_EVENT: Partial<Record<SocNote['kind'], TicketEvent['kind']>> = {
  occurrence: 'occurrence',
  note: 'note',
};

/** The staff page → a Ticket with its audit trail (osTicket's thread entries and events). */
export function ticketFromPage(page: TicketPage, map: Mapping): Ticket {
  const stage: Stage = map.stageOf(page.status) ?? (/closed|resolved/i.test(page.status) ? 'closed' : 'new');
  const entries = page.thread.filter((x): x is ThreadEntry => x.kind === 'entry');
  const first = entries.find((e) => e.type === 'message');
  const alert = first ? parseAlertMessage(first.bodyText) : undefined;
  const teamNames = Object.keys(map.p.teams ?? {});
  const who = splitAssigned(page.assignedTo, teamNames);
  const t: Ticket = {
    id: page.id,
    number: page.number,
    title: page.subject,
    description: alert ? (alert.description ?? '') : (first?.bodyText ?? ''),
    severity: map.severityOf(page.priority),
    stage,
    category: map.categoryOf(page.helpTopic) ?? alert?.category,
    assignee: map.assigneeOf(who.agent, who.team),
    host: alert?.host,
    srcIp: alert?.srcIp,
    dstIp: alert?.dstIp,
    ruleId: alert?.ruleId,
    ruleName: alert?.ruleName,
    source: alert?.format,
    dedupKey: alert?.dedupKey,
    occurrences: 1,
    lastSeen: alert?.time,
    observables: alert?.observables ?? [],
    mitre: alert?.mitre ?? [],
    createdAt: first?.time ?? page.thread.find((x) => x.time)?.time ?? '',
    updatedAt: '',
    createdBy: first ? (first.poster || 'osTicket') : 'osTicket',
  };
  const events: TicketEvent[] = [];
  const attachments: Attachment[] = [];
  let lastAssignee: string | undefined;
  for (const x of page.thread) {
    const at = x.time ?? '';
    if (x.kind === 'event') {
      const status = /changed the status to (.+)$|with status of (.+)$/i.exec(x.text);
      const to = status ? map.stageOf((status[1] ?? status[2]).trim()) : undefined;
      events.push({ at, actor: x.actor ? map.userOf(x.actor) : '', kind: 'transition', to, comment: `osTicket: ${x.text}` });
      continue;
    }
    const atts = attachmentsOf(x);
    attachments.push(...atts);
    const note = x.type === 'note' ? parseSocNote(x.bodyText) : undefined;
    if (x === first) {
      events.push({ at, actor: t.createdBy, kind: 'created', to: 'new', comment: alert ? `Ingested from ${alert.format ?? 'an'} alert${alert.time ? ` (${alert.time})` : ''}.` : x.bodyText, attachments: atts.length ? atts : undefined });
      continue;
    }
    if (!note) {
      const kind: TicketEvent['kind'] = 'note';
      const label = x.type === 'message' ? 'requester' : x.type === 'response' ? 'reply' : 'note';
      events.push({ at, actor: x.poster, kind, comment: `${label === 'note' ? '' : `(${label}) `}${x.title && x.title !== 'Status Changed' ? `${x.title}: ` : ''}${x.bodyText}`.trim(), attachments: atts.length ? atts : undefined });
      continue;
    }
    const actor = note.actor || x.poster;
    if (note.kind === 'occurrence') {
      t.occurrences++;
      t.lastSeen = note.fields['Seen'] ?? at;
    }
    const ev: TicketEvent = { at, actor, kind: KIND_TO_EVENT[note.kind] ?? (note.to ? 'transition' : 'note'), comment: note.text, attachments: atts.length ? atts : undefined };
    if (note.to) {
      ev.from = note.from;
      ev.to = note.to;
    }
    events.push(ev);
    const f = note.fields;
    if (note.kind === 'triage') {
      if (f['Verdict']) t.verdict = f['Verdict'] as Verdict;
      t.triagedBy = f['Triaged by'] ?? actor;
    }
    if (note.kind === 'resolve') {
      t.resolvedBy = f['Resolved by'] ?? actor;
      t.resolvedAt = at;
      if (f['Summary'] !== undefined) t.summary = note.text ?? f['Summary'];
    }
    if (note.kind === 'reopen') {
      t.resolvedBy = undefined;
      t.resolvedAt = undefined;
    }
    if (f['Assignee'] && (note.kind === 'assign' || note.kind === 'reopen')) lastAssignee = f['Assignee'];
  }
  // osTicket hands a ticket to whoever closes it (class.ticket.php setStatus); the SOC assignee
  // of a resolved or closed ticket is the one our notes recorded.
  if ((stage === 'resolved' || stage === 'closed') && lastAssignee) t.assignee = lastAssignee;
  // Entries and osTicket's own events are rendered in separate runs; one time line reads better.
  t.events = events.map((e, i) => ({ e, i })).sort((a, b) => (a.e.at < b.e.at ? -1 : a.e.at > b.e.at ? 1 : a.i - b.i)).map((x) => x.e);
  t.attachments = attachments;
  const times = events.map((e) => e.at).filter(Boolean).sort();
  t.updatedAt = times[times.length - 1] ?? t.createdAt;
  return t;
}
/** One CSV export row (header → value) → a Ticket without its trail; id filled in by the caller. */
export function ticketFromCsv(row: Record<string, string>, map: Mapping, tzOffsetMinutes = 0): Ticket {
  const status = row['Current Status'] ?? '';
  const stage: Stage = map.stageOf(status) ?? (row['Closed Date'] ? 'closed' : 'new');
  const agent = row['Agent Assigned'] || undefined;
  const team = row['Team Assigned'] || undefined;
  const created = csvDateToIso(row['Date Created'], tzOffsetMinutes) ?? '';
  const closed = csvDateToIso(row['Closed Date'], tzOffsetMinutes);
  return {
    id: 0,
    number: row['Ticket Number'] ?? '',
    title: row['Subject'] ?? '',
    description: '',
    severity: map.severityOf(row['Priority']),
    stage,
    category: map.categoryOf(row['Help Topic']),
    assignee: map.assigneeOf(agent, team),
    occurrences: 1,
    observables: [],
    mitre: [],
    createdAt: created,
    updatedAt: csvDateToIso(row['Last Updated'], tzOffsetMinutes) ?? created,
    createdBy: '',
    resolvedAt: stage === 'resolved' || stage === 'closed' ? closed : undefined,
  };
}
