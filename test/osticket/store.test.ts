// The osTicket store's operations against answers recorded from a real osTicket 1.18.1.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OsTicketStore } from '../../src/backends/osticket/store.js';
import type { OsTicketProfile } from '../../src/backends/osticket/profile.js';
import { AlertRejectedError, OsTicketAuthError, OsTicketPermissionError, OsTicketRefusedError } from '../../src/backends/osticket/errors.js';
import { StateDb } from '../../src/ingest/state.js';
import { openDb } from '../../src/backends/local/db.js';
import { EXIT, StageConflictError } from '../../src/errors.js';
import type { NormalisedAlert } from '../../src/alerts/types.js';
import { LOGIN, form, osticket, recorded, type Step } from './replay.js';

const PROFILE: Omit<OsTicketProfile, 'url'> = {
  statuses: { open: 1, triaged: 6, inProgress: 7, resolved: 2, closed: 3 },
  topics: { malware: 12, phishing: 13, intrusion: 14 },
  priorities: {},
  agents: { analyst1: 2, analyst2: 3, lead1: 4, limited1: 5 },
  teams: { Tier2: 2 },
  names: { statuses: { '1': 'Open', '2': 'Resolved', '3': 'Closed', '6': 'Triaged', '7': 'In Progress' }, topics: { '12': 'Malware', '13': 'Phishing', '14': 'Intrusion' }, agents: { analyst1: 'Analyst One', analyst2: 'Analyst Two', lead1: 'Lead One' } },
};

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

async function store(steps: Step[], secrets: { apiKey?: string; username?: string; password?: string } = { apiKey: 'k-123', username: 'analyst1', password: 'pw' }) {
  const stub = await osticket(steps);
  const dir = mkdtempSync(join(tmpdir(), 'ost-store-'));
  const state = new StateDb(await openDb(join(dir, 'state.db')));
  const notices: string[] = [];
  const s = new OsTicketStore({ profile: { ...PROFILE, url: stub.base }, secrets, state, notice: (m) => notices.push(m) });
  cleanup.push(() => stub.close(), () => s.close(), () => rmSync(dir, { recursive: true, force: true }));
  return { stub, s, state, notices };
}

const alert: NormalisedAlert = {
  format: 'suricata',
  title: 'ET SCAN Potential SSH Scan',
  description: 'payload <script>alert(1)</script>',
  severity: 'high',
  time: '2025-08-12T18:00:01.714Z',
  srcIp: '45.47.94.21',
  dstIp: '172.31.37.109',
  ruleId: '2001219',
  mitre: [],
  observables: [{ type: 'ip', value: '45.47.94.21' }],
  category: 'malware',
  dedupKey: 'suricata:1|2001219',
  raw: '{"event_type":"alert"}',
};

const VIEW: Step = { method: 'GET', path: 'scp/tickets.php', reply: 'ticket-view.200.html' };

describe('ingest through the API', () => {
  it('creates with topic, priority, an HTML message (escaped) and the raw event attached', async () => {
    const { stub, s, state } = await store([
      {
        method: 'POST',
        path: 'api/tickets.json',
        reply: 'api-create.201.http',
        check: (req) => {
          expect(req.headers['x-api-key']).toBe('k-123');
          const b = req.json as Record<string, any>;
          expect(b.topicId).toBe(12);
          expect(b.priorityId).toBe(3);
          expect(b.message).toMatch(/^data:text\/html;charset=utf-8,/);
          expect(b.message).toContain('&lt;script&gt;');
          expect(b.message).toContain('Dedup key:</b> suricata:1|2001219');
          expect(Buffer.from(b.attachments[0]['alert-suricata.json'].split(',')[1], 'base64').toString()).toBe(alert.raw);
          expect(b.alert).toBe(false);
        },
      },
    ], { apiKey: 'k-123' });
    const [oc] = await s.ingestBatch([{ alert, hash: 'h1' }], { actor: 'bot', windowSince: new Date(0) });
    expect(oc.fate).toBe('created');
    expect(oc.ticket?.number).toMatch(/^\d{6}$/);
    expect(state.dedupGet(alert.dedupKey)?.number).toBe(oc.ticket?.number);
    expect(state.wasIngested('h1')).toBeTruthy();
    // The same event again: nothing sent (the stub would fail on a second create).
    const [again] = await s.ingestBatch([{ alert, hash: 'h1' }], { actor: 'bot', windowSince: new Date(0) });
    expect(again.fate).toBe('duplicate');
    stub.assertDone();
  });

  it('a repeat with agent credentials re-checks the ticket with its preview (once per run) and notes it', async () => {
    const { stub, s, state } = await store([
      ...LOGIN,
      // ticket-preview.200.http: ticket 2 / 629340, Open.
      { method: 'GET', path: 'scp/ajax.php/tickets/2/preview', reply: 'ticket-preview.200.http' },
      { method: 'POST', path: 'scp/ajax.php/lock/ticket/2', reply: 'lock.200.http', times: 2 },
      { method: 'POST', path: 'scp/tickets.php', reply: 'postnote.302.http', times: 2, check: (r) => expect(form(r).get('note')).toContain('Seen again') },
    ]);
    state.cachePut('meta', 'osticket.dedup-index', new Date().toISOString());
    state.dedupPut(alert.dedupKey, 2, '629340');
    const r = await s.ingestBatch([{ alert, hash: 'r1' }, { alert: { ...alert, time: '2025-08-12T18:05:00.000Z' }, hash: 'r2' }], { actor: 'bot', windowSince: new Date(0) });
    expect(r.map((x) => x.fate)).toEqual(['occurrence', 'occurrence']);
    expect(r[0].ticket?.number).toBe('629340');
    stub.assertDone();
  });

  it('a repeat whose ticket was closed in osTicket’s own UI opens a new ticket instead of noting the closed one', async () => {
    const closedPreview = () => {
      const rec = recorded('ticket-preview.200.http');
      return { ...rec, body: Buffer.from(rec.body.toString('utf8').replace('<span>Open</span> &mdash; <span>High</span>', '<span>Closed</span>')) };
    };
    const { stub, s, state } = await store([
      ...LOGIN,
      { method: 'GET', path: 'scp/ajax.php/tickets/2/preview', reply: closedPreview() },
      { method: 'POST', path: 'api/tickets.json', reply: 'api-create.201.http' },
    ]);
    state.cachePut('meta', 'osticket.dedup-index', new Date().toISOString());
    state.dedupPut(alert.dedupKey, 2, '629340');
    const [oc] = await s.ingestBatch([{ alert, hash: 'c1' }], { actor: 'bot', windowSince: new Date(0) });
    expect(oc.fate).toBe('created');
    // (The recorded create answer happens to carry the same number; the index now points at the new
    // ticket, known by number only until its id is needed.)
    expect(state.dedupGet(alert.dedupKey)).toMatchObject({ ticketId: -Number(oc.ticket!.number), number: oc.ticket!.number, suppressed: 0 });
    stub.assertDone();
  });

  it('a repeat with an API key only is counted and suppressed, and said so', async () => {
    const { stub, s, state, notices } = await store([{ method: 'POST', path: 'api/tickets.json', reply: 'api-create.201.http' }], { apiKey: 'k' });
    const r = await s.ingestBatch([{ alert, hash: 'a' }, { alert: { ...alert, time: '2025-08-12T18:05:00Z' }, hash: 'b' }], { actor: 'bot', windowSince: new Date(0) });
    expect(r.map((x) => x.fate)).toEqual(['created', 'occurrence']);
    expect(state.dedupGet(alert.dedupKey)?.suppressed).toBe(1);
    await s.close();
    expect(notices.join()).toMatch(/1 repeated alert\(s\) were counted and suppressed/);
    stub.assertDone();
  });

  it('osTicket validation (500) becomes a per-alert reject; the next alert still goes in', async () => {
    const { stub, s } = await store([
      { method: 'POST', path: 'api/tickets.json', reply: 'api-create-missing-subject.500.http' },
      { method: 'POST', path: 'api/tickets.json', reply: 'api-create.201.http' },
    ], { apiKey: 'k' });
    const r = await s.ingestBatch([{ alert, hash: 'x' }, { alert: { ...alert, dedupKey: 'other' }, hash: 'y' }], { actor: 'bot', windowSince: new Date(0) });
    expect(r[0]).toEqual({ fate: 'rejected', detail: 'osTicket refused the ticket: Issue Summary is a required field' });
    expect(r[1].fate).toBe('created');
    stub.assertDone();
  });

  it('401 explains both causes: a wrong key, or a key bound to another IP', async () => {
    const { stub, s } = await store([{ method: 'POST', path: 'api/tickets.json', reply: 'api-create-bad-key.401.http' }]);
    const err = await s.createFromAlert(alert, 'bot').catch((e) => e);
    expect(err).toBeInstanceOf(OsTicketAuthError);
    expect(err.exitCode).toBe(EXIT.backend);
    expect(err.hint).toMatch(/key is wrong/);
    expect(err.hint).toMatch(/bound to another IP/);
    stub.assertDone();
  });

  it('malformed JSON (400) is a reject of that alert', async () => {
    const { stub, s } = await store([{ method: 'POST', path: 'api/tickets.json', reply: 'api-create-malformed.400.http' }]);
    await expect(s.createFromAlert(alert, 'bot')).rejects.toBeInstanceOf(AlertRejectedError);
    stub.assertDone();
  });
});

describe('show', () => {
  it('parses the ticket page into details, thread entries and events with ISO times', async () => {
    const { stub, s } = await store([...LOGIN, VIEW]);
    const t = (await s.get(2))!;
    expect(t).toMatchObject({ id: 2, number: '629340', title: 'Suspicious binary on WS-042', stage: 'new', severity: 'high', category: 'malware', assignee: 'analyst1' });
    expect(t.createdAt).toBe('2026-12-04T05:55:16.000Z');
    const texts = t.events!.map((e) => e.comment ?? '');
    expect(texts).toContain('osTicket: Updated by Analyst One — Priority Level changed from Normal to High');
    expect(t.events!.find((e) => e.comment?.includes('with status of Resolved'))?.to).toBe('resolved');
    expect(t.events!.every((e, i, a) => i === 0 || a[i - 1].at <= e.at)).toBe(true);
    expect(t.attachments!.map((a) => a.name)).toContain('evidence.csv');
    stub.assertDone();
  });

  it('an invisible ticket is a permission refusal (exit 4), an unknown one is null', async () => {
    const { stub, s } = await store([
      ...LOGIN,
      { method: 'GET', path: 'scp/tickets.php', reply: 'ticket-view-access-denied.200.http' },
      { method: 'GET', path: 'scp/tickets.php', reply: 'ticket-view-unknown-number.200.http', times: 2 },
    ]);
    const err = await s.get(5).catch((e) => e);
    expect(err).toBeInstanceOf(OsTicketPermissionError);
    expect(err.exitCode).toBe(EXIT.role);
    expect(await s.get('999999')).toBeNull();
    stub.assertDone();
  });
});

describe('list', () => {
  it('exports the open queue, looks ids up by number and filters client-side', async () => {
    const { stub, s } = await store([
      ...LOGIN,
      { method: 'POST', path: 'scp/ajax.php/tickets/export/1', reply: 'export-start.201.http', check: (r) => expect(form(r).getAll('fields[]')).toContain('status__id') },
      { method: 'POST', path: 'scp/ajax.php/export/3bTXae/check', reply: 'export-check-ready.201.http' },
      { method: 'GET', path: 'scp/export.php', reply: 'export-download-open.200.http' },
      { method: 'GET', path: 'scp/ajax.php/tickets/number-lookup', reply: 'number-lookup.200.http', check: (r) => expect(r.query.get('q')).toBe('629340') },
    ]);
    const ts = await s.list({ stages: ['new'], category: 'malware' });
    expect(ts).toHaveLength(1);
    expect(ts[0]).toMatchObject({ id: 2, number: '629340', stage: 'new', severity: 'high', assignee: 'analyst1', updatedAt: '2026-12-04T05:56:03.000Z' });
    stub.assertDone();
  });

  it('list --all exports the open and closed queues at once, each in its own session of the agent', async () => {
    // Each session's login page sets its own cookie; osTicket loses an export when the same session
    // sends another request meanwhile, so every request of one export must carry one cookie.
    const page = (sid: string) => {
      const r = recorded('login-page.200.http');
      return { ...r, headers: { ...r.headers, 'set-cookie': (r.headers['set-cookie'] as string[]).map((c) => c.replace('OSTSESSID=REDACTED', `OSTSESSID=${sid}`)) } };
    };
    const start = recorded('export-start.201.http');
    const ready = recorded('export-check-ready.201.http');
    const { stub, s } = await store([
      { method: 'GET', path: 'scp/login.php', reply: page('first') },
      { method: 'GET', path: 'scp/login.php', reply: page('second') },
      { method: 'POST', path: 'scp/login.php', reply: 'login-ajax-ok.200.http', times: 2 },
      { method: 'GET', path: 'scp/index.php', reply: 'index.200.http', times: 2 },
      { method: 'POST', path: 'scp/ajax.php/tickets/export/1', reply: { ...start, body: Buffer.from('{"eid":"open01","interval":5}') } },
      { method: 'POST', path: 'scp/ajax.php/tickets/export/8', reply: { ...start, body: Buffer.from('{"eid":"closed","interval":5}') } },
      { method: 'POST', path: 'scp/ajax.php/export/open01/check', reply: ready },
      { method: 'POST', path: 'scp/ajax.php/export/closed/check', reply: ready },
      // The two downloads may come in either order: each is answered by its export id.
      { method: 'GET', path: 'scp/export.php', times: 2, reply: (r) => recorded(r.query.get('id') === 'open01' ? 'export-download-open.200.http' : 'export-download-closed.200.http') },
      { method: 'GET', path: 'scp/ajax.php/tickets/number-lookup', reply: 'number-lookup.200.http', times: 4 },
    ]);
    const ts = await s.list({});
    expect(ts.map((t) => [t.number, t.stage]).sort()).toEqual([['101315', 'new'], ['141251', 'closed'], ['259725', 'new'], ['629340', 'new']]);
    const cookieOf = (path: string) => new Set(stub.requests.filter((r) => r.path.includes(path)).map((r) => String(r.headers.cookie)));
    const open = cookieOf('open01');
    const closed = cookieOf('closed');
    expect(open.size).toBe(1);
    expect(closed.size).toBe(1);
    expect([...open][0]).not.toBe([...closed][0]);
    stub.assertDone();
  });

  it('takes export ids with _ and - (seen live: "b_NdyV")', async () => {
    const start = recorded('export-start.201.http');
    const { stub, s } = await store([
      ...LOGIN,
      { method: 'POST', path: 'scp/ajax.php/tickets/export/1', reply: { ...start, body: Buffer.from('{"eid":"b_Nd-V","interval":5}') } },
      { method: 'POST', path: 'scp/ajax.php/export/b_Nd-V/check', reply: 'export-check-ready.201.http' },
      { method: 'GET', path: 'scp/export.php', reply: 'export-download-open.200.http', check: (r) => expect(r.query.get('id')).toBe('b_Nd-V') },
      { method: 'GET', path: 'scp/ajax.php/tickets/number-lookup', reply: 'number-lookup.200.http', times: 3 },
    ]);
    expect((await s.list({ stages: ['new'] })).length).toBe(3);
    stub.assertDone();
  });

  it('an export id lost by osTicket ("No such export") is started again', async () => {
    const { stub, s } = await store([
      ...LOGIN,
      { method: 'POST', path: 'scp/ajax.php/tickets/export/1', reply: 'export-start.201.http', times: 2 },
      { method: 'POST', path: 'scp/ajax.php/export/3bTXae/check', reply: 'export-check-gone.404.http' },
      { method: 'POST', path: 'scp/ajax.php/export/3bTXae/check', reply: 'export-check-ready.201.http' },
      { method: 'GET', path: 'scp/export.php', reply: 'export-download-open.200.http' },
      { method: 'GET', path: 'scp/ajax.php/tickets/number-lookup', reply: 'number-lookup.200.http', times: 3 },
    ]);
    const ts = await s.list({ stages: ['new'] });
    expect(ts.map((t) => t.number).sort()).toEqual(['101315', '259725', '629340']);
    stub.assertDone();
  });
});

describe('transitions', () => {
  it('triage: priority edit, then status Triaged with the structured note as comment', async () => {
    const { stub, s } = await store([
      ...LOGIN,
      VIEW,
      { method: 'POST', path: 'scp/ajax.php/tickets/2/field/priority/edit', reply: 'field-edit-priority.201.http', check: (r) => expect(form(r).get('priority')).toBe('4') },
      {
        method: 'POST',
        path: 'scp/ajax.php/tickets/2/status',
        reply: 'status-ok.201.http',
        check: (r) => {
          expect(form(r).get('status_id')).toBe('6');
          expect(form(r).get('comments')).toMatch(/\[soc-ticket\] triage[\s\S]*Verdict: true-positive/);
        },
      },
    ]);
    const t = await s.applyChange(2, { expectStage: 'new', to: 'triaged', actor: 'analyst1', comment: 'looks bad', set: { severity: 'emergency', category: 'malware', verdict: 'true-positive', triagedBy: 'analyst1' } });
    expect(t).toMatchObject({ stage: 'triaged', severity: 'emergency', verdict: 'true-positive' });
    stub.assertDone();
  });

  it('refuses when the ticket moved under us, before writing anything', async () => {
    const { stub, s } = await store([...LOGIN, VIEW]);
    await expect(s.applyChange(2, { expectStage: 'triaged', to: 'assigned', actor: 'lead1', set: { assignee: 'analyst2' } })).rejects.toBeInstanceOf(StageConflictError);
    stub.assertDone();
  });

  it('close without osTicket permission: the msg_error is a permission refusal (exit 4)', async () => {
    const page = { ...VIEW };
    const { stub, s } = await store([...LOGIN, page, { method: 'POST', path: 'scp/ajax.php/tickets/2/status', reply: 'status-no-permission.200.http' }], { username: 'limited1', password: 'x' });
    // The recorded ticket is Open; ask to close it as if it were (the guard is the workflow's job).
    const err = await s.applyChange(2, { expectStage: 'new', to: 'closed', actor: 'limited1' }).catch((e) => e);
    expect(err).toBeInstanceOf(OsTicketPermissionError);
    expect(err.exitCode).toBe(EXIT.role);
    expect(err.message).toMatch(/You do not have permission to resolve\/close tickets/);
    stub.assertDone();
  });

  it('a closure planned on a ticket just read re-checks its stage with the small preview, not the page (bulk close)', async () => {
    const PREVIEW: Step = { method: 'GET', path: 'scp/ajax.php/tickets/2774/preview', reply: 'ticket-preview-resolved.200.http' };
    const { stub, s } = await store([...LOGIN, VIEW, PREVIEW, { method: 'POST', path: 'scp/ajax.php/tickets/2774/status', reply: 'status-ok.201.http', check: (req) => expect(form(req).get('status_id')).toBe('3') }]);
    // The recorded Resolved preview is of ticket 2774 / 556069; the planned ticket stands for it.
    const planned = { ...(await s.get(2))!, id: 2774, number: '556069', stage: 'resolved' as const };
    const before = stub.requests.length;
    const after = await s.applyChange(planned.id, { expectStage: 'resolved', to: 'closed', actor: 'lead1' }, planned);
    expect(stub.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual(['GET /osticket/scp/ajax.php/tickets/2774/preview', 'POST /osticket/scp/ajax.php/tickets/2774/status']);
    expect(after.stage).toBe('closed');
    stub.assertDone();
  });

  it('a ticket reopened since the plan is not closed: the preview shows it open (exit 5, no status change sent)', async () => {
    // ticket-preview.200.http: ticket 2 / 629340, "Open — High".
    const { stub, s } = await store([...LOGIN, VIEW, { method: 'GET', path: 'scp/ajax.php/tickets/2/preview', reply: 'ticket-preview.200.http' }]);
    const t = (await s.get(2))!;
    const err = await s.applyChange(t.id, { expectStage: 'resolved', to: 'closed', actor: 'lead1' }, { ...t, stage: 'resolved' }).catch((e) => e);
    expect(err).toBeInstanceOf(StageConflictError);
    expect(err.exitCode).toBe(EXIT.workflow);
    expect(err.message).toMatch(/now new, not resolved/);
    stub.assertDone();
  });

  it('a preview that is not the planned ticket is not trusted', async () => {
    const { stub, s } = await store([...LOGIN, VIEW, { method: 'GET', path: 'scp/ajax.php/tickets/2/preview', reply: 'ticket-preview-resolved.200.http' }]);
    const t = (await s.get(2))!;
    const err = await s.applyChange(t.id, { expectStage: 'resolved', to: 'closed', actor: 'lead1' }, { ...t, stage: 'resolved' }).catch((e) => e);
    expect(err.exitCode).toBe(EXIT.backend);
    expect(err.message).toMatch(/preview of ticket 629340/);
    stub.assertDone();
  });

  it('two leads racing: the one whose preview still said Resolved is refused by osTicket itself (exit 5)', async () => {
    const { stub, s } = await store([
      ...LOGIN,
      VIEW,
      { method: 'GET', path: 'scp/ajax.php/tickets/2774/preview', reply: 'ticket-preview-resolved.200.http' },
      { method: 'POST', path: 'scp/ajax.php/tickets/2774/status', reply: 'status-same.200.http' },
    ]);
    const planned = { ...(await s.get(2))!, id: 2774, number: '556069', stage: 'resolved' as const };
    const err = await s.applyChange(planned.id, { expectStage: 'resolved', to: 'closed', actor: 'lead2' }, planned).catch((e) => e);
    expect(err).toBeInstanceOf(OsTicketRefusedError);
    expect(err.exitCode).toBe(EXIT.workflow);
    expect(err.message).toMatch(/already set to/);
    stub.assertDone();
  });

  it('assign --to me on an unassigned ticket claims it; 201 counts even with the misleading dialog body', async () => {
    const view = { method: 'GET' as const, path: 'scp/tickets.php', reply: { status: 200, body: unassignedTriaged() } };
    const { stub, s } = await store([
      ...LOGIN,
      view,
      { method: 'POST', path: 'scp/ajax.php/tickets/2/claim', reply: 'claim.201.http', check: (r) => expect(form(r).get('assignee')).toBe('s2') },
      { method: 'POST', path: 'scp/ajax.php/tickets/2/status', reply: 'status-ok.201.http', check: (r) => expect(form(r).get('status_id')).toBe('7') },
    ]);
    const t = await s.applyChange(2, { expectStage: 'triaged', to: 'assigned', actor: 'analyst1', set: { assignee: 'analyst1' } });
    expect(t.assignee).toBe('analyst1');
    stub.assertDone();
  });

  it('assign to a team uses the team id; an already-claimed ticket cannot be claimed (403 → exit 4)', async () => {
    const view = { method: 'GET' as const, path: 'scp/tickets.php', reply: { status: 200, body: unassignedTriaged() }, times: 2 };
    const { stub, s } = await store([
      ...LOGIN,
      view,
      { method: 'POST', path: 'scp/ajax.php/tickets/2/assign/teams', reply: 'assign-team.201.http', check: (r) => expect(form(r).get('assignee')).toBe('t2') },
      { method: 'POST', path: 'scp/ajax.php/tickets/2/status', reply: 'status-ok.201.http' },
      { method: 'POST', path: 'scp/ajax.php/tickets/2/claim', reply: 'claim-already-assigned.403.http' },
    ]);
    expect((await s.applyChange(2, { expectStage: 'triaged', to: 'assigned', actor: 'lead1', set: { assignee: 'team:Tier2' } })).assignee).toBe('team:Tier2');
    const err = await s.applyChange(2, { expectStage: 'triaged', to: 'assigned', actor: 'analyst1', set: { assignee: 'analyst1' } }).catch((e) => e);
    expect(err.exitCode).toBe(EXIT.role);
    stub.assertDone();
  });

  it('resolve: upload, lock, note with the file and status Resolved in one POST', async () => {
    const { stub, s } = await store([
      ...LOGIN,
      { method: 'GET', path: 'scp/tickets.php', reply: { status: 200, body: unassignedTriaged().replace(/(Status:<\/th>[\s\S]*?>)Triaged(<\/a>)/, '$1In Progress$2') } },
      { method: 'POST', path: 'scp/ajax.php/form/upload/attach', reply: 'upload.200.http', check: (r) => expect(r.body.toString()).toContain('filename="edr.log"') },
      { method: 'POST', path: 'scp/ajax.php/lock/ticket/2', reply: 'lock.200.http' },
      {
        method: 'POST',
        path: 'scp/tickets.php',
        reply: 'postnote.302.http',
        check: (r) => {
          const f = form(r);
          expect(f.get('a')).toBe('postnote');
          expect(f.get('lockCode')).toBe('Bsxmjgeq6e');
          expect(f.get('note_status_id')).toBe('2');
          expect(f.get('attach:note[]')).toMatch(/^\d+,edr\.log$/);
          expect(f.get('__CSRFToken__')).toBe('CSRF-REDACTED');
        },
      },
    ]);
    const data = Buffer.from('log line');
    const t = await s.applyChange(2, { expectStage: 'assigned', to: 'resolved', actor: 'analyst1', comment: 'Resolution: done', set: { summary: 'done', resolvedBy: 'analyst1' }, attachments: [{ name: 'edr.log', mime: 'text/plain', size: data.length, sha256: 'x', data }] });
    expect(t).toMatchObject({ stage: 'resolved', summary: 'done', resolvedBy: 'analyst1' });
    stub.assertDone();
  });

  it('a note on a ticket locked by another agent is refused with a clear reason', async () => {
    const { stub, s } = await store([...LOGIN, VIEW, { method: 'POST', path: 'scp/ajax.php/lock/ticket/2', reply: 'lock-held-by-other.200.http' }]);
    const err = await s.addNote(2, 'analyst2', 'hello').catch((e) => e);
    expect(err).toBeInstanceOf(OsTicketRefusedError);
    expect(err.message).toMatch(/Currently locked by Analyst One/);
    stub.assertDone();
  });
});

/** The recorded page with its status set to Triaged and nobody assigned (a state the recording did not capture). */
function unassignedTriaged(): string {
  const html = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'osticket', 'ticket-view.200.html'), 'utf8');
  return html
    .replace(/(Status:<\/th>[\s\S]*?>)\s*Open\s*(<\/a>)/, '$1Triaged$2')
    .replace(/(<th[^>]*>Assigned To:<\/th>\s*<td>)[\s\S]*?(<\/td>)/, '$1— Unassigned —$2');
}
