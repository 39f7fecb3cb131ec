// The staff-panel session against answers recorded from a real osTicket 1.18.1.
import { afterEach, describe, expect, it } from 'vitest';
import { OsTicketSession } from '../../src/backends/osticket/session.js';
import { OsTicketAuthError } from '../../src/backends/osticket/errors.js';
import { EXIT } from '../../src/errors.js';
import { LOGIN, form, osticket, type Step } from './replay.js';

let stubs: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(stubs.map((s) => s.close()));
  stubs = [];
});

async function session(steps: Step[], secrets = { username: 'analyst1', password: 'pw-1' }, stored?: string) {
  const stub = await osticket(steps);
  stubs.push(stub);
  let saved = stored;
  const s = new OsTicketSession({
    profile: { url: stub.base },
    secrets,
    sessionStore: { load: () => saved, save: (x) => (saved = x) },
  });
  return { stub, s, saved: () => saved };
}

describe('osTicket login', () => {
  it('logs in with the page token and keeps the session cookie and the logged-in CSRF token', async () => {
    const { stub, s, saved } = await session([
      LOGIN[0],
      {
        ...LOGIN[1],
        check: (req) => {
          const f = form(req);
          expect(f.get('__CSRFToken__')).toBe('CSRF-REDACTED');
          expect(f.get('userid')).toBe('analyst1');
          expect(f.get('passwd')).toBe('pw-1');
          expect(f.get('do')).toBe('scplogin');
        },
      },
      LOGIN[2],
      {
        method: 'GET',
        path: 'scp/ajax.php/tickets/number-lookup',
        reply: 'number-lookup.200.http',
        check: (req) => expect(req.headers.cookie).toContain('OSTSESSID=REDACTED'),
      },
    ]);
    await s.login();
    const res = await s.get('scp/ajax.php/tickets/number-lookup?q=629340');
    expect(res.status).toBe(200);
    stub.assertDone();
    const state = JSON.parse(saved()!);
    expect(state.user).toBe('analyst1');
    expect(state.cookies.OSTSESSID).toBe('REDACTED');
    expect(JSON.stringify(state)).not.toContain('pw-1');
  });

  it('a wrong password is an auth error (exit 6) naming the user, never the password', async () => {
    const { stub, s } = await session([LOGIN[0], { method: 'POST', path: 'scp/login.php', reply: 'login-ajax-denied.200.http' }], { username: 'analyst1', password: 'secret-pw' });
    const err = await s.login().catch((e) => e);
    expect(err).toBeInstanceOf(OsTicketAuthError);
    expect(err.exitCode).toBe(EXIT.backend);
    expect(err.message).toMatch(/refused the login of analyst1: Access denied/);
    expect(err.message + err.hint).not.toContain('secret-pw');
    stub.assertDone();
  });

  it('the failed-login lockout gets its own message', async () => {
    // Documented answer (INTERFACE.md §b): not recorded, the lab account must stay usable.
    const lockout = { status: 200, headers: { 'content-type': 'application/json' }, body: { message: 'Maximum failed login attempts reached', status: 401 } };
    const { stub, s } = await session([LOGIN[0], { method: 'POST', path: 'scp/login.php', reply: lockout }]);
    const err = await s.login().catch((e) => e);
    expect(err).toBeInstanceOf(OsTicketAuthError);
    expect(err.message).toMatch(/locked out .*too many failed attempts/);
    expect(err.hint).toMatch(/Wait 2 minutes/);
    stub.assertDone();
  });

  it('a stale login token (redirect back to login.php) is retried once with a fresh page', async () => {
    const { stub, s } = await session([
      { method: 'GET', path: 'scp/login.php', reply: 'login-page.200.http', times: 2 },
      { method: 'POST', path: 'scp/login.php', reply: 'login-ajax-bad-csrf.200.http' },
      LOGIN[1],
      LOGIN[2],
    ]);
    await s.login();
    stub.assertDone();
  });
});

describe('expired sessions and CSRF', () => {
  const stored = JSON.stringify({ v: 1, user: 'analyst1', cookies: { OSTSESSID: 'old' }, csrf: 'old-token' });

  it('a page bounced to login.php logs in once and repeats the request', async () => {
    const { stub, s } = await session(
      [
        { method: 'GET', path: 'scp/tickets.php', reply: 'session-expired-page.302.http', check: (r) => expect(r.headers.cookie).toBe('OSTSESSID=old') },
        ...LOGIN,
        { method: 'GET', path: 'scp/tickets.php', reply: 'ticket-view.200.html' },
      ],
      undefined,
      stored,
    );
    const res = await s.get('scp/tickets.php?id=2', false);
    expect(res.status).toBe(200);
    expect(res.body).toContain('Ticket #629340');
    stub.assertDone();
  });

  it('an ajax 403 "Must login" logs in once and repeats the POST with the new token', async () => {
    const { stub, s } = await session(
      [
        { method: 'POST', path: 'scp/ajax.php/tickets/2/status', reply: 'session-expired-ajax.403.http', check: (r) => expect(r.headers['x-csrftoken']).toBe('old-token') },
        ...LOGIN,
        { method: 'POST', path: 'scp/ajax.php/tickets/2/status', reply: 'status-ok.201.http', check: (r) => expect(r.headers['x-csrftoken']).toBe('CSRF-REDACTED') },
      ],
      undefined,
      stored,
    );
    const res = await s.post('scp/ajax.php/tickets/2/status', { status_id: 2 });
    expect(res.status).toBe(201);
    stub.assertDone();
  });

  it('expiring again right after a fresh login is an error, not a loop', async () => {
    const { stub, s } = await session(
      [
        { method: 'GET', path: 'scp/tickets.php', reply: 'session-expired-page.302.http', times: 2 },
        ...LOGIN,
      ],
      undefined,
      stored,
    );
    await expect(s.get('scp/tickets.php?id=2', false)).rejects.toThrow(/ended the session again/);
    stub.assertDone();
  });

  it('a refused CSRF token is read again from a page and the POST repeated once', async () => {
    const { stub, s } = await session(
      [
        { method: 'POST', path: 'scp/ajax.php/tickets/2/status', reply: 'csrf-missing.400.http' },
        { method: 'GET', path: 'scp/index.php', reply: 'index.200.http' },
        { method: 'POST', path: 'scp/ajax.php/tickets/2/status', reply: 'status-ok.201.http', check: (r) => expect(r.headers['x-csrftoken']).toBe('CSRF-REDACTED') },
      ],
      undefined,
      stored,
    );
    expect((await s.post('scp/ajax.php/tickets/2/status', { status_id: 2 })).status).toBe(201);
    stub.assertDone();
  });

  it('a saved session of another user is not reused', async () => {
    const other = JSON.stringify({ v: 1, user: 'lead1', cookies: { OSTSESSID: 'x' }, csrf: 't' });
    const { stub, s } = await session([...LOGIN, { method: 'GET', path: 'scp/ajax.php/queue/counts', reply: 'queue-counts.200.http' }], undefined, other);
    expect((await s.get('scp/ajax.php/queue/counts')).status).toBe(200);
    stub.assertDone();
  });
});
