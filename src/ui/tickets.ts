// How tickets look in tables and TSV.
import type { Ticket } from '../domain/types.js';
import type { Column, Output } from './output.js';
import { severityColor, stageColor } from './color.js';
import { relativeTime } from './time.js';

export function ticketColumns(out: Output, now: Date): Column<Ticket>[] {
  const human = out.mode === 'table';
  const c = out.c;
  return [
    { header: 'ID', value: (t) => t.number },
    { header: 'Stage', value: (t) => t.stage, color: (s) => stageColor(c, s) },
    { header: 'Severity', value: (t) => t.severity, color: (s) => severityColor(c, s) },
    { header: 'Title', value: (t) => t.title, max: 60 },
    { header: 'Category', value: (t) => t.category },
    { header: 'Assignee', value: (t) => t.assignee },
    { header: 'Seen', value: (t) => (t.occurrences > 1 ? `×${t.occurrences}` : human ? '' : '1') },
    { header: human ? 'Updated' : 'Updated', value: (t) => (human ? relativeTime(t.updatedAt, now) : t.updatedAt) },
  ];
}

/** Write commands: the resulting ticket(s) on stdout (JSON, or a table/TSV row). */
export async function printTickets(out: Output, tickets: Ticket[], now: Date): Promise<void> {
  if (out.mode === 'json') {
    out.json(tickets.length === 1 ? tickets[0] : tickets);
    return;
  }
  await out.rows(ticketColumns(out, now), tickets);
}
