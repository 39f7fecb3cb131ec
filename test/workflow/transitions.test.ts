import { describe, expect, it } from 'vitest';
import {
  nextStepHint,
  planAssign,
  planClose,
  planNote,
  planReopen,
  planResolve,
  planTriage,
} from '../../src/workflow/transitions.js';
import type { Ticket, Stage } from '../../src/domain/types.js';
import type { Actor } from '../../src/workflow/roles.js';
import { CliError, EXIT } from '../../src/errors.js';

const lead: Actor = { user: 'lena', role: 'lead', teams: [] };
const lead2: Actor = { user: 'leo', role: 'lead', teams: [] };
const ana: Actor = { user: 'ana', role: 'analyst', teams: ['tier2'] };
const bob: Actor = { user: 'bob', role: 'analyst', teams: [] };
const bot: Actor = { user: 'siem', role: 'bot', teams: [] };

function ticket(stage: Stage, extra: Partial<Ticket> = {}): Ticket {
  return {
    id: 7,
    number: '7',
    title: 'ET SCAN Nmap',
    description: '',
    severity: 'normal',
    stage,
    occurrences: 1,
    observables: [],
    mitre: [],
    createdAt: '2026-12-01T00:00:00.000Z',
    updatedAt: '2026-12-01T00:00:00.000Z',
    createdBy: 'siem',
    ...extra,
  };
}

/** The refusal a plan throws, for assertions on its message, hint and exit code. */
function refusal(fn: () => unknown): CliError {
  try {
    fn();
  } catch (e) {
    return e as CliError;
  }
  throw new Error('expected a refusal, the transition was allowed');
}

describe('triage', () => {
  const good = { severity: 'high', category: 'malware', verdict: 'true-positive' };

  it('moves new → triaged and records who, verdict, severity, category', () => {
    const c = planTriage(ticket('new'), ana, good);
    expect(c).toMatchObject({ expectStage: 'new', to: 'triaged', actor: 'ana' });
    expect(c.set).toMatchObject({ severity: 'high', category: 'malware', verdict: 'true-positive', triagedBy: 'ana' });
    expect(c.comment).toContain('verdict true-positive');
  });

  it('names every missing field and the command that fixes it', () => {
    const e = refusal(() => planTriage(ticket('new'), ana, { category: 'malware' }));
    expect(e.exitCode).toBe(EXIT.workflow);
    expect(e.message).toBe('Missing --severity, --verdict.');
    expect(e.hint).toContain('soc-ticket triage 7 --severity');
  });

  it('refuses an unknown severity, verdict or category', () => {
    expect(refusal(() => planTriage(ticket('new'), ana, { ...good, severity: 'urgent' })).message).toContain('--severity urgent');
    expect(refusal(() => planTriage(ticket('new'), ana, { ...good, verdict: 'maybe' })).message).toContain('--verdict maybe');
    const e = refusal(() => planTriage(ticket('new'), ana, { ...good, category: 'weird', categories: ['malware'] }));
    expect(e.message).toContain('--category weird');
    expect(e.hint).toContain('admin categories add weird');
  });

  it('refuses a ticket past triage, naming its stage and the next step', () => {
    const e = refusal(() => planTriage(ticket('assigned', { assignee: 'ana' }), ana, good));
    expect(e.exitCode).toBe(EXIT.workflow);
    expect(e.message).toContain('is assigned; triage needs it to be new or triaged');
    expect(e.hint).toContain('soc-ticket resolve 7');
  });

  it('is refused to a bot before any field is looked at', () => {
    expect(refusal(() => planTriage(ticket('new'), bot, {})).exitCode).toBe(EXIT.role);
  });
});

describe('assign', () => {
  it('lets an analyst claim an unassigned triaged ticket with --to me', () => {
    const c = planAssign(ticket('triaged'), ana, { to: 'me' });
    expect(c).toMatchObject({ to: 'assigned', set: { assignee: 'ana' } });
    expect(c.comment).toBe('Claimed by ana.');
  });

  it('refuses an analyst handing work to someone else', () => {
    const e = refusal(() => planAssign(ticket('triaged'), ana, { to: 'bob' }));
    expect(e.exitCode).toBe(EXIT.role);
    expect(e.message).toContain('assign tickets to others');
  });

  it('refuses an analyst taking over a ticket assigned to someone else', () => {
    const e = refusal(() => planAssign(ticket('assigned', { assignee: 'bob' }), ana, { to: 'me' }));
    expect(e.exitCode).toBe(EXIT.role);
    expect(e.message).toContain('already assigned to bob');
  });

  it('lets a lead assign to a user or a known team, and reassign', () => {
    expect(planAssign(ticket('triaged'), lead, { to: 'team:tier2', knownTeams: ['tier2'] }).set?.assignee).toBe('team:tier2');
    const c = planAssign(ticket('assigned', { assignee: 'bob' }), lead, { to: 'ana' });
    expect(c.comment).toBe('Assigned to ana (was bob).');
  });

  it('refuses unknown users and teams when the role file lists them', () => {
    expect(refusal(() => planAssign(ticket('triaged'), lead, { to: 'team:red', knownTeams: ['tier2'] })).message).toContain('No team named red');
    expect(refusal(() => planAssign(ticket('triaged'), lead, { to: 'zed', knownUsers: ['ana'] })).message).toContain('No user named zed');
  });

  it('refuses an untriaged ticket and a missing --to', () => {
    const e = refusal(() => planAssign(ticket('new'), lead, { to: 'ana' }));
    expect(e.exitCode).toBe(EXIT.workflow);
    expect(e.hint).toContain('soc-ticket triage 7');
    expect(refusal(() => planAssign(ticket('triaged'), lead, {})).message).toBe('Missing --to.');
  });
});

describe('resolve', () => {
  it('lets the assignee (or a member of the assigned team) resolve with a summary', () => {
    expect(planResolve(ticket('assigned', { assignee: 'ana' }), ana, { summary: ' Host isolated ' })).toMatchObject({
      to: 'resolved',
      set: { summary: 'Host isolated', resolvedBy: 'ana' },
    });
    expect(planResolve(ticket('assigned', { assignee: 'team:tier2' }), ana, { summary: 'done' }).to).toBe('resolved');
  });

  it('refuses a summary-less resolve, naming --summary', () => {
    const e = refusal(() => planResolve(ticket('assigned', { assignee: 'ana' }), ana, { summary: '  ' }));
    expect(e.exitCode).toBe(EXIT.workflow);
    expect(e.message).toBe('Missing --summary.');
  });

  it('refuses an analyst resolving someone else’s ticket', () => {
    const e = refusal(() => planResolve(ticket('assigned', { assignee: 'bob' }), ana, { summary: 'x' }));
    expect(e.exitCode).toBe(EXIT.role);
    expect(e.message).toContain('assigned to bob, not to ana');
  });

  it('lets the triaging analyst resolve a false positive without assignment, nobody else', () => {
    const fp = ticket('triaged', { verdict: 'false-positive', triagedBy: 'ana' });
    expect(planResolve(fp, ana, { summary: 'scanner of the vuln team' }).expectStage).toBe('triaged');
    expect(refusal(() => planResolve(fp, bob, { summary: 'x' })).exitCode).toBe(EXIT.role);
    expect(planResolve(fp, lead, { summary: 'x' }).to).toBe('resolved');
  });

  it('requires assignment for a true positive', () => {
    const e = refusal(() => planResolve(ticket('triaged', { verdict: 'true-positive', triagedBy: 'ana' }), ana, { summary: 'x' }));
    expect(e.exitCode).toBe(EXIT.workflow);
    expect(e.hint).toContain('assign 7 --to me');
  });
});

describe('close (four eyes)', () => {
  const resolved = ticket('resolved', { resolvedBy: 'lena', assignee: 'lena' });

  it('lets another lead approve', () => {
    expect(planClose(resolved, lead2)).toMatchObject({ expectStage: 'resolved', to: 'closed', comment: 'Closure approved by leo.' });
  });

  it('refuses the resolver approving their own work', () => {
    const e = refusal(() => planClose(resolved, lead));
    expect(e.exitCode).toBe(EXIT.role);
    expect(e.message).toContain('Four eyes');
    expect(e.hint).toContain('--override-four-eyes --reason');
  });

  it('records an override with its reason, and requires the reason', () => {
    expect(planClose(resolved, lead, { overrideFourEyes: true, reason: 'night shift' }).comment).toContain('Four-eyes override: night shift');
    expect(refusal(() => planClose(resolved, lead, { overrideFourEyes: true })).message).toBe('Missing --reason.');
  });

  it('is refused to analysts and for tickets not resolved', () => {
    expect(refusal(() => planClose(resolved, ana)).exitCode).toBe(EXIT.role);
    expect(refusal(() => planClose(ticket('assigned'), lead2)).exitCode).toBe(EXIT.workflow);
  });
});

describe('reopen', () => {
  it('sends a resolved or closed ticket back to assigned, to whoever worked it', () => {
    const c = planReopen(ticket('closed', { assignee: 'ana', resolvedBy: 'ana' }), lead, { reason: 'IOC seen again' });
    expect(c).toMatchObject({ to: 'assigned', set: { assignee: 'ana', resolvedBy: null }, comment: 'Reopened: IOC seen again' });
    expect(planReopen(ticket('resolved', { resolvedBy: 'bob' }), lead, { reason: 'r' }).set?.assignee).toBe('bob');
  });

  it('needs a reason, a lead, and a resolved or closed ticket', () => {
    expect(refusal(() => planReopen(ticket('closed'), lead, {})).message).toBe('Missing --reason.');
    expect(refusal(() => planReopen(ticket('closed'), ana, { reason: 'r' })).exitCode).toBe(EXIT.role);
    expect(refusal(() => planReopen(ticket('new'), lead, { reason: 'r' })).exitCode).toBe(EXIT.workflow);
  });
});

describe('note and hints', () => {
  it('needs text, and is not for bots', () => {
    expect(planNote(ticket('new'), ana, ' seen on 3 hosts ')).toBe('seen on 3 hosts');
    expect(refusal(() => planNote(ticket('new'), ana, '')).message).toBe('Missing --message.');
    expect(refusal(() => planNote(ticket('new'), bot, 'x')).exitCode).toBe(EXIT.role);
  });

  it('suggests the next step of every stage', () => {
    const hints = (['new', 'triaged', 'assigned', 'resolved', 'closed'] as Stage[]).map((s) => nextStepHint(ticket(s)));
    expect(hints.map((h) => h.split(':')[1].trim().split(' ')[1])).toEqual(['triage', 'assign', 'resolve', 'close', 'reopen']);
  });
});
