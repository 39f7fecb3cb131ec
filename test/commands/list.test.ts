// list's filters and sorting on the embedded store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandbox, type Sandbox } from '../helpers/cli.js';

let sb: Sandbox;
const ids = async (args: string[], env: Record<string, string> = {}) =>
  (JSON.parse((await sb.run(['list', '--json', ...args], { user: 'lena', env })).stdout) as Array<{ id: number }>).map((t) => t.id);

beforeAll(async () => {
  sb = sandbox();
  const alerts = [
    { title: 'SSH brute force on bastion', severity: 'high', host: 'bastion-1', src_ip: '198.51.100.23', category: 'intrusion' },
    { title: 'Phishing mail to finance', severity: 'normal', host: 'mx-1', category: 'phishing' },
    { title: 'Nmap scan of DMZ', severity: 'low', host: 'fw-dmz', src_ip: '203.0.113.9', category: 'recon' },
    { title: 'Ransomware note on file server', severity: 'emergency', host: 'fs-2', category: 'malware' },
  ];
  await sb.run(['ingest', '-'], { user: 'siem', stdin: alerts.map((a) => JSON.stringify(a)).join('\n') });
  await sb.run(['triage', '1', '--severity', 'high', '--category', 'intrusion', '--verdict', 'true-positive'], { user: 'ana' });
  await sb.run(['assign', '1', '--to', 'me'], { user: 'ana' });
  await sb.run(['triage', '3', '--severity', 'low', '--category', 'recon', '--verdict', 'benign'], { user: 'bob' });
  await sb.run(['resolve', '3', '--summary', 'authorised scan'], { user: 'bob' });
  await sb.run(['close', '3', '--yes'], { user: 'lena' });
});
afterAll(() => sb.cleanup());

describe('list', () => {
  it('shows open work by default and closed tickets with --all or --stage closed', async () => {
    expect(await ids([])).toEqual([1, 2, 4]);
    expect(await ids(['--all'])).toEqual([1, 2, 3, 4]);
    expect(await ids(['--stage', 'closed'])).toEqual([3]);
    expect(await ids(['--stage', 'new,assigned'])).toEqual([1, 2, 4]);
  });

  it('filters by severity, assignee (me), category and text', async () => {
    expect(await ids(['--severity', 'high,emergency'])).toEqual([1, 4]);
    expect(await ids(['--assignee', 'me'], { SOC_TICKET_USER: 'ana' })).toEqual([1]);
    expect(await ids(['--category', 'phishing'])).toEqual([2]);
    expect(await ids(['--search', '198.51.100.23'])).toEqual([1]);
    expect(await ids(['--search', '50%'])).toEqual([]); // LIKE wildcards are taken literally
  });

  it('sorts and limits', async () => {
    expect(await ids(['--all', '--sort', 'severity', '--desc'])).toEqual([4, 1, 2, 3]);
    expect(await ids(['--all', '--limit', '2'])).toEqual([1, 2]);
    expect(await ids(['--since', '1h'])).toEqual([1, 2, 4]);
  });

  it('names a bad value', async () => {
    const r = await sb.run(['list', '--stage', 'done'], { user: 'lena' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--stage done is not one of');
    const s = await sb.run(['list', '--since', 'yesterday'], { user: 'lena' });
    expect(s.code).toBe(2);
    expect(s.stderr).toContain('--since "yesterday" is not a duration');
  });
});
