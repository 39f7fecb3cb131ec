// `escalate ID --to thehive`, in-process on the embedded store, against a TheHive-speaking server
// that refuses duplicate (type, source, sourceRef) the way TheHive 5 does.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sandbox, type Sandbox } from '../helpers/cli.js';
import { startFakeHive, type FakeHive } from '../helpers/fake-services.js';
import { HOSTNAME, PRIVATE_IP, PUBLIC_IP, showJson, ticketFromRealAlert, URL_SEEN } from '../helpers/real-ticket.js';

const KEY = 'hive-SECRET-key-8f14e45fceea167a5a36dedd4bea2543';
const USER = 'ana';

let sb: Sandbox | undefined;
let hive: FakeHive | undefined;
afterEach(async () => {
  await hive?.stub.close();
  sb?.cleanup();
  sb = hive = undefined;
});

async function ok(args: string[], user = USER) {
  const r = await sb!.run(args, { user });
  if (r.code !== 0) throw new Error(`${args.join(' ')} → ${r.code}: ${r.stderr}`);
  return r;
}

async function setup(opts: { key?: string; loseFirstCreateAnswer?: boolean } = {}) {
  hive = await startFakeHive({ key: KEY, loseFirstCreateAnswer: opts.loseFirstCreateAnswer });
  sb = sandbox({ SOC_TICKET_THEHIVE_URL: hive.stub.url, SOC_TICKET_THEHIVE_KEY: opts.key ?? KEY });
  const id = await ticketFromRealAlert(sb, USER);
  await ok(['triage', id, '--severity', 'emergency', '--category', 'recon', '--verdict', 'true-positive']);
  return id;
}

const escalations = async (id: string) =>
  (await showJson(sb!, USER, id)).events.filter((e: { kind: string }) => e.kind === 'escalation');

describe('escalate --to thehive', () => {
  it('creates one alert shaped from the ticket; a second run sees it recorded and does nothing', async () => {
    const id = await setup();
    await ok(['admin', 'config', 'set', 'thehive.tlp', 'amber+strict']);
    await ok(['admin', 'config', 'set', 'thehive.pap', '1']);

    const first = await sb!.run(['escalate', id, '--to', 'thehive'], { user: USER });
    expect(first.stderr).not.toMatch(/Unexpected/);
    expect(first.code).toBe(0);
    expect(hive!.stub.requests).toHaveLength(1);
    const req = hive!.stub.requests[0];
    expect(req.headers.authorization).toBe(`Bearer ${KEY}`);
    const body = req.json as Record<string, any>;
    expect(body).toMatchObject({
      type: 'soc-ticket',
      source: 'soc-ticket',
      sourceRef: id, // the ticket number
      title: 'ET SCAN Nmap Scripting Engine User-Agent Detected (Nmap Scripting Engine)',
      severity: 4, // emergency
      tlp: 3,
      pap: 1,
    });
    expect(body.tags).toEqual(expect.arrayContaining(['soc-ticket', 'format:suricata', 'category:recon']));
    expect(body.observables.map((o: { dataType: string; data: string }) => [o.dataType, o.data])).toEqual(
      expect.arrayContaining([
        ['ip', PUBLIC_IP],
        ['ip', PRIVATE_IP],
        ['domain', HOSTNAME],
        ['url', URL_SEEN],
      ]),
    );
    expect(body.description).toMatch(/\| Ticket \| \d+ \|/);

    const alertId = hive!.alerts[0]._id;
    const link = `${hive!.stub.url}/alerts/${alertId}/details`;
    expect(first.stdout).toBe(`ticket\talert\tcreated\turl\n${id}\t${alertId}\tyes\t${link}\n`);
    expect(first.stderr).toMatch(new RegExp(`Escalated #${id} to TheHive: alert ${alertId}\\.`));
    const notes = await escalations(id);
    expect(notes).toHaveLength(1);
    expect(notes[0].comment).toContain(`Escalated to TheHive: alert ${alertId} (created) — ${link}`);
    expect(notes[0].comment).toMatch(/severity 4, TLP 3, PAP 1, 4 observable\(s\)/);

    const second = await sb!.run(['escalate', id], { user: USER });
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(new RegExp(`#${id} was already escalated to TheHive as alert ${alertId}; nothing to do\\.`));
    expect(second.stdout).toBe(`ticket\talert\tcreated\turl\n${id}\t${alertId}\tno\t${link}\n`);
    expect(hive!.stub.requests).toHaveLength(1); // not even asked
    expect(hive!.alerts).toHaveLength(1);
    expect(await escalations(id)).toHaveLength(1);
    expect(first.stdout + first.stderr + second.stdout + second.stderr).not.toContain(KEY);
    hive!.stub.assertDone();
  });

  it('when the first answer was lost, the re-run meets "already exists", looks the alert up and links it', async () => {
    const id = await setup({ loseFirstCreateAnswer: true });
    const lost = await sb!.run(['escalate', id], { user: USER });
    expect(lost.code).toBe(6);
    expect(lost.stderr).toMatch(/TheHive did not create the alert \(502\)/);
    expect(await escalations(id)).toHaveLength(0);
    expect(hive!.alerts).toHaveLength(1); // TheHive has it, we do not know yet

    const again = await sb!.run(['--json', 'escalate', id], { user: USER });
    expect(again.code).toBe(0);
    const alertId = hive!.alerts[0]._id;
    expect(JSON.parse(again.stdout)).toEqual({
      ticket: id,
      target: 'thehive',
      alertId,
      url: `${hive!.stub.url}/alerts/${alertId}/details`,
      created: false,
      alreadyRecorded: false,
    });
    expect(hive!.stub.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /api/v1/alert', 'POST /api/v1/alert', 'POST /api/v1/query']);
    const query = (hive!.stub.requests[2].json as { query: Array<Record<string, unknown>> }).query;
    expect(query[1]).toEqual({
      _name: 'filter',
      _and: [
        { _field: 'sourceRef', _value: id },
        { _field: 'source', _value: 'soc-ticket' },
        { _field: 'type', _value: 'soc-ticket' },
      ],
    });
    const notes = await escalations(id);
    expect(notes).toHaveLength(1);
    expect(notes[0].comment).toMatch(new RegExp(`alert ${alertId} \\(it already existed \\(an earlier run\\), linked\\)`));

    const third = await sb!.run(['escalate', id], { user: USER });
    expect(third.code).toBe(0);
    expect(hive!.stub.requests).toHaveLength(3);
    expect(hive!.alerts).toHaveLength(1);
    hive!.stub.assertDone();
  });

  it('turns a refused key into a clear message, exit 6, nothing recorded', async () => {
    const id = await setup({ key: 'wrong-key' });
    const r = await sb!.run(['escalate', id], { user: USER });
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/TheHive refused the API key \(401\): check thehive\.apiKey in profile default\./);
    expect(r.stdout + r.stderr).not.toContain('wrong-key');
    expect(await escalations(id)).toHaveLength(0);
    expect(hive!.alerts).toHaveLength(0);
  });

  it('refuses a bot (role) before any request', async () => {
    hive = await startFakeHive({ key: KEY });
    sb = sandbox({ SOC_TICKET_THEHIVE_URL: hive.stub.url, SOC_TICKET_THEHIVE_KEY: KEY });
    const roles = sb.env.SOC_TICKET_ROLES_FILE;
    mkdirSync(dirname(roles), { recursive: true });
    writeFileSync(roles, JSON.stringify({ users: { siem: 'bot', ana: 'analyst' }, teams: {} }));
    const id = await ticketFromRealAlert(sb, 'siem');
    const r = await sb.run(['escalate', id], { user: 'siem' });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/siem has role bot, which may not escalate tickets/);
    expect(hive.stub.requests).toHaveLength(0);
    expect((await sb.run(['escalate', id], { user: USER })).code).toBe(0);
  });

  it('names the missing setting when TheHive is not configured', async () => {
    sb = sandbox();
    const id = await ticketFromRealAlert(sb, USER);
    const r = await sb.run(['escalate', id], { user: USER });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/TheHive URL is not set/);
    expect(r.stderr).toMatch(/thehive\.url/);
  });

  it('refuses a TLP it does not understand', async () => {
    const id = await setup();
    await ok(['admin', 'config', 'set', 'thehive.tlp', 'purple']);
    const r = await sb!.run(['escalate', id], { user: USER });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/thehive\.tlp "purple" is neither a number nor one of clear, white, green, amber, amber\+strict, red\./);
    expect(hive!.stub.requests).toHaveLength(0);
  });
});
