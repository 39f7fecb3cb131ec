// The five-step workflow: new → triaged → assigned → resolved → closed, plus reopen.
// Each plan* function checks one transition's guards against a ticket and returns the change the
// store applies atomically; a refusal names what is missing and the command that would fix it.
// Pure: no I/O, no clock (the store stamps the time).
import type { Assignee, Severity, Stage, Ticket, Verdict } from '../domain/types.js';
import { SEVERITIES, VERDICTS } from '../domain/types.js';
import type { TicketChange, AttachmentInput } from '../backends/types.js';
import { MissingFieldsError, RoleError, WorkflowError } from '../errors.js';
import { authorize, type Actor } from './roles.js';

function requireStage(ticket: Ticket, allowed: Stage[], verb: string, hint?: string): void {
  if (allowed.includes(ticket.stage)) return;
  throw new WorkflowError(
    `Ticket ${ticket.number} is ${ticket.stage}; ${verb} needs it to be ${allowed.join(' or ')}.`,
    hint ?? nextStepHint(ticket),
  );
}

/** What the user probably wants to do next with a ticket in this stage. */
export function nextStepHint(t: Ticket): string {
  switch (t.stage) {
    case 'new':
      return `Triage it first: soc-ticket triage ${t.number} --severity S --category C --verdict V`;
    case 'triaged':
      return `Assign it: soc-ticket assign ${t.number} --to USER|team:NAME|me`;
    case 'assigned':
      return `Resolve it: soc-ticket resolve ${t.number} --summary TEXT`;
    case 'resolved':
      return `A lead approves the closure: soc-ticket close ${t.number}`;
    case 'closed':
      return `Reopen it: soc-ticket reopen ${t.number} --reason TEXT`;
  }
}

function missing(fields: string[], example: string): never {
  throw new MissingFieldsError(fields, `For example: ${example}`);
}

export interface TriageInput {
  severity?: string;
  category?: string;
  verdict?: string;
  note?: string;
  /** When set, the category must be one of these. */
  categories?: string[];
}

export function planTriage(t: Ticket, actor: Actor, input: TriageInput): TicketChange {
  authorize(actor, 'triage');
  requireStage(t, ['new', 'triaged'], 'triage');
  const absent = (['severity', 'category', 'verdict'] as const).filter((f) => !input[f]);
  if (absent.length) {
    missing([...absent], `soc-ticket triage ${t.number} --severity high --category malware --verdict true-positive`);
  }
  const severity = input.severity!.toLowerCase();
  if (!(SEVERITIES as readonly string[]).includes(severity)) {
    throw new WorkflowError(`--severity ${input.severity} is not one of ${SEVERITIES.join(', ')}.`);
  }
  const verdict = input.verdict!.toLowerCase();
  if (!(VERDICTS as readonly string[]).includes(verdict)) {
    throw new WorkflowError(`--verdict ${input.verdict} is not one of ${VERDICTS.join(', ')}.`);
  }
  const category = input.category!;
  if (input.categories?.length && !input.categories.includes(category)) {
    throw new WorkflowError(
      `--category ${category} is not a known category (${input.categories.join(', ')}).`,
      `A lead adds it: soc-ticket admin categories add ${category}`,
    );
  }
  const lines = [`Triage: verdict ${verdict}, severity ${severity}, category ${category}.`];
  if (input.note) lines.push(input.note);
  return {
    expectStage: t.stage,
    to: 'triaged',
    actor: actor.user,
    comment: lines.join('\n'),
    set: { severity: severity as Severity, category, verdict: verdict as Verdict, triagedBy: actor.user },
  };
}

export interface AssignInput {
  /** A user name, `team:NAME`, or `me`. */
  to?: string;
  knownTeams?: string[];
  knownUsers?: string[];
}

export function planAssign(t: Ticket, actor: Actor, input: AssignInput): TicketChange {
  if (!input.to) {
    authorize(actor, 'claim');
    requireStage(t, ['triaged', 'assigned'], 'assign');
    missing(['to'], `soc-ticket assign ${t.number} --to me`);
  }
  const target: Assignee = input.to === 'me' ? actor.user : input.to!;
  const claiming = target === actor.user;
  // Claiming an unassigned triaged ticket is an analyst's right; handing work to others is a lead's.
  authorize(actor, claiming ? 'claim' : 'assign');
  requireStage(t, ['triaged', 'assigned'], 'assign');
  if (claiming && actor.role !== 'lead' && t.assignee && t.assignee !== actor.user) {
    throw new RoleError(
      `Ticket ${t.number} is already assigned to ${t.assignee}; only a lead can take it over.`,
      `Ask a lead: soc-ticket assign ${t.number} --to ${actor.user}`,
    );
  }
  if (target.startsWith('team:')) {
    const team = target.slice(5);
    if (!team) throw new WorkflowError('--to team: needs a team name, e.g. --to team:tier2.');
    if (input.knownTeams && !input.knownTeams.includes(team)) {
      throw new WorkflowError(
        `No team named ${team} (known: ${input.knownTeams.join(', ') || 'none'}).`,
        `A lead creates it: soc-ticket admin teams add ${team} --members USER,...`,
      );
    }
  } else if (input.knownUsers && !input.knownUsers.includes(target)) {
    throw new WorkflowError(
      `No user named ${target} (known: ${input.knownUsers.join(', ') || 'none'}).`,
      `A lead adds them: soc-ticket admin users add ${target} --role analyst`,
    );
  }
  if (t.stage === 'assigned' && t.assignee === target) {
    throw new WorkflowError(`Ticket ${t.number} is already assigned to ${target}.`);
  }
  return {
    expectStage: t.stage,
    to: 'assigned',
    actor: actor.user,
    comment: claiming ? `Claimed by ${target}.` : `Assigned to ${target}${t.assignee ? ` (was ${t.assignee})` : ''}.`,
    set: { assignee: target },
  };
}

/** Is the actor the assignee, or a member of the assigned team? */
export function isAssignedTo(t: Ticket, actor: Actor): boolean {
  if (!t.assignee) return false;
  if (t.assignee === actor.user) return true;
  return t.assignee.startsWith('team:') && actor.teams.includes(t.assignee.slice(5));
}

export interface ResolveInput {
  summary?: string;
  attachments?: AttachmentInput[];
}

export function planResolve(t: Ticket, actor: Actor, input: ResolveInput): TicketChange {
  authorize(actor, 'resolve');
  // A false positive or benign verdict may skip assignment: the triaging analyst resolves it.
  const benign = t.verdict === 'false-positive' || t.verdict === 'benign';
  if (t.stage === 'triaged' && benign) {
    if (actor.role !== 'lead' && t.triagedBy !== actor.user) {
      throw new RoleError(
        `Ticket ${t.number} was triaged ${t.verdict} by ${t.triagedBy}; only they or a lead may resolve it without assignment.`,
        `Claim it first: soc-ticket assign ${t.number} --to me`,
      );
    }
  } else {
    requireStage(t, ['assigned'], 'resolve', t.stage === 'triaged' ? `Assign it first: soc-ticket assign ${t.number} --to me` : undefined);
    if (actor.role !== 'lead' && !isAssignedTo(t, actor)) {
      throw new RoleError(
        `Ticket ${t.number} is assigned to ${t.assignee}, not to ${actor.user}.`,
        `Ask a lead to reassign it: soc-ticket assign ${t.number} --to ${actor.user}`,
      );
    }
  }
  if (!input.summary?.trim()) {
    missing(['summary'], `soc-ticket resolve ${t.number} --summary "Actions taken; analysis; evidence"`);
  }
  return {
    expectStage: t.stage,
    to: 'resolved',
    actor: actor.user,
    comment: `Resolution: ${input.summary!.trim()}`,
    set: { summary: input.summary!.trim(), resolvedBy: actor.user },
    attachments: input.attachments,
  };
}

export interface CloseInput {
  overrideFourEyes?: boolean;
  reason?: string;
  comment?: string;
}

export function planClose(t: Ticket, actor: Actor, input: CloseInput = {}): TicketChange {
  authorize(actor, 'close');
  requireStage(t, ['resolved'], 'close');
  let comment = `Closure approved by ${actor.user}.`;
  if (t.resolvedBy === actor.user) {
    if (!input.overrideFourEyes) {
      throw new RoleError(
        `Four eyes: ${actor.user} resolved ticket ${t.number} and cannot also approve its closure.`,
        `Another lead approves it, or: soc-ticket close ${t.number} --override-four-eyes --reason TEXT`,
      );
    }
    if (!input.reason?.trim()) missing(['reason'], `soc-ticket close ${t.number} --override-four-eyes --reason "only lead on shift"`);
    comment += ` Four-eyes override: ${input.reason!.trim()}`;
  }
  if (input.comment) comment += `\n${input.comment}`;
  return { expectStage: t.stage, to: 'closed', actor: actor.user, comment };
}

export function planReopen(t: Ticket, actor: Actor, input: { reason?: string }): TicketChange {
  authorize(actor, 'reopen');
  requireStage(t, ['resolved', 'closed'], 'reopen');
  if (!input.reason?.trim()) missing(['reason'], `soc-ticket reopen ${t.number} --reason "IOC seen again"`);
  // Back to whoever worked it; a ticket resolved without assignment goes back to its resolver.
  const assignee = t.assignee ?? t.resolvedBy ?? actor.user;
  return {
    expectStage: t.stage,
    to: 'assigned',
    actor: actor.user,
    comment: `Reopened: ${input.reason!.trim()}`,
    set: { assignee, resolvedBy: null },
  };
}

export function planNote(t: Ticket, actor: Actor, text: string | undefined): string {
  authorize(actor, 'note');
  if (!text?.trim()) missing(['message'], `soc-ticket note ${t.number} -m "Blocked the IP at the firewall"`);
  return text!.trim();
}
