// osTicket going down in the middle of an ingest: what was created is counted as created, only the
// rest is queued, and the retry delivers exactly the rest.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { sandbox, type Sandbox } from '../helpers/cli.js';
import { osticket, recorded, type Step } from './replay.js';

let sb: Sandbox;
const stubs: Array<{ close(): Promise<void> | void }> = [];
beforeEach(() => {
  sb = sandbox();
});
afterEach(async () => {
  for (const s of stubs.splice(0)) await s.close();
  sb.cleanup();
});

const alerts = ['a', 'b', 'c'].map((t) => JSON.stringify({ title: `alert ${t}`, severity: 'low', category: 'malware' })).join('\n');

it('a failure mid-batch queues only the alerts not yet delivered; the retry sends those', async () => {
  const created = (n: string) => ({ ...recorded('api-create.201.http'), body: Buffer.from(n) });
  const first: Step[] = [
    { method: 'POST', path: 'api/tickets.json', reply: created('100001') },
    // Apache answering while PHP/MariaDB is gone, as seen when osTicket's database is down.
    { method: 'POST', path: 'api/tickets.json', reply: { status: 503, body: 'Service Unavailable' } },
  ];
  const stub = await osticket(first);
  stubs.push(stub);
  expect((await sb.run(['admin', 'profile', 'add', 'lab', '--backend', 'osticket', '--url', stub.base, '--with-key', '-', '--use'], { user: 'bot', stdin: 'k-1\n' })).code).toBe(0);
  // One at a time, so which alert meets the failure is fixed.
  await sb.run(['admin', 'config', 'set', 'osticket.concurrency', '1'], { user: 'bot' });
  const r = await sb.run(['--json', 'ingest', '-'], { user: 'bot', stdin: alerts });
  const s = JSON.parse(r.stdout);
  expect(s.summary).toMatchObject({ created: 1, queued: 2, outboxLeft: 2 });
  expect(s.tickets.map((t: { number: string }) => t.number)).toEqual(['100001']);
  stub.assertDone();

  const again = await osticket([
    { method: 'POST', path: 'api/tickets.json', reply: created('100002') },
    { method: 'POST', path: 'api/tickets.json', reply: created('100003') },
  ]);
  stubs.push(again);
  await sb.run(['admin', 'config', 'set', 'osticket.url', again.base], { user: 'bot' });
  const retry = JSON.parse((await sb.run(['--json', 'ingest', '--retry'], { user: 'bot' })).stdout);
  expect(retry.summary).toMatchObject({ created: 2, queued: 0, duplicates: 0, fromOutbox: 2, outboxLeft: 0 });
  expect(retry.tickets.map((t: { number: string }) => t.number).sort()).toEqual(['100002', '100003']);
  again.assertDone();
});
