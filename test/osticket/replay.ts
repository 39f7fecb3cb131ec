// Replays answers recorded from a real osTicket 1.18.1 (test/fixtures/osticket, see PROVENANCE.md)
// through the strict HTTP stub: each route answers a fixed number of times, in order, and anything
// else fails the test.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startStub, type RecordedRequest, type Stub, type StubReply } from '../helpers/http-stub.js';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'osticket');

/** A recorded `curl -i` answer → a stub reply (the stub frames the body itself). */
export function recorded(name: string): StubReply {
  const raw = readFileSync(join(DIR, name));
  if (name.endsWith('.html')) return { status: 200, headers: { 'content-type': 'text/html; charset=UTF-8' }, body: raw };
  const sep = raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, sep).toString('latin1').split('\r\n');
  const body = raw.subarray(sep + 4);
  const status = Number(/^HTTP\/[\d.]+ (\d{3})/.exec(head[0])![1]);
  const headers: Record<string, string | string[]> = {};
  for (const line of head.slice(1)) {
    const i = line.indexOf(':');
    const k = line.slice(0, i).trim().toLowerCase();
    const v = line.slice(i + 1).trim();
    if (['content-length', 'transfer-encoding', 'connection', 'status', 'date'].includes(k)) continue;
    if (k === 'set-cookie') headers[k] = [...((headers[k] as string[]) ?? []), v];
    else headers[k] = v;
  }
  return { status, headers, body };
}

export interface Step {
  method: 'GET' | 'POST';
  /** Path under /osticket/ (without the query). */
  path: string;
  /** A fixture file name, or a reply made by the test (for documented answers not recorded), or one chosen per request. */
  reply: string | StubReply | ((req: RecordedRequest) => StubReply);
  /** Assert on the request (throwing fails the test through the stub). */
  check?: (req: RecordedRequest) => void;
  times?: number;
}

/** A stub that expects exactly these requests (each `times`, default once). */
export async function osticket(steps: Step[]): Promise<Stub & { base: string }> {
  const stub = await startStub(
    steps.map((s) => ({
      method: s.method,
      path: `/osticket/${s.path}`,
      times: s.times ?? 1,
      reply: (req: RecordedRequest) => {
        s.check?.(req);
        return typeof s.reply === 'string' ? recorded(s.reply) : typeof s.reply === 'function' ? s.reply(req) : s.reply;
      },
    })),
  );
  return Object.assign(stub, { base: `${stub.url}/osticket/` });
}

export function form(req: RecordedRequest): URLSearchParams {
  return new URLSearchParams(req.body.toString('utf8'));
}

/** The login conversation of a fresh session (login page → ajax login → index for the CSRF token). */
export const LOGIN: Step[] = [
  { method: 'GET', path: 'scp/login.php', reply: 'login-page.200.http' },
  { method: 'POST', path: 'scp/login.php', reply: 'login-ajax-ok.200.http' },
  { method: 'GET', path: 'scp/index.php', reply: 'index.200.http' },
];
