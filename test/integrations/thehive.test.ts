import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Ticket } from '../../src/domain/types.js';
import { BackendError, UsageError } from '../../src/errors.js';
import { TheHiveClient, ticketToHiveAlert } from '../../src/integrations/thehive.js';
import { startStub, type RecordedRequest, type Stub } from '../helpers/http-stub.js';

const fx = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/thehive/${name}`, import.meta.url), 'utf8'));
const CREATED = fx('alert-created.response.json');
const DUPLICATE = fx('alert-duplicate.response.json');
const AUTH_ERROR = fx('authentication-error.response.json');
const KEY = 'hive-api-key-SECRET-42';

const ticket: Ticket = {
  id: 1042,
  number: '1042',
  title: 'ET SCAN Potential SSH Scan',
  description: 'Repeated SSH connection attempts from 45.155.205.233.',
  severity: 'high',
  stage: 'triaged',
  category: 'recon',
  host: 'bastion-1',
  srcIp: '45.155.205.233',
  dstIp: '10.0.0.5',
  ruleId: '2001219',
  ruleName: 'ET SCAN Potential SSH Scan',
  source: 'suricata',
  occurrences: 3,
  lastSeen: '2026-12-04T04:55:00Z',
  observables: [
    { type: 'ip', value: '45.155.205.233' },
    { type: 'domain', value: 'scanner.example.net' },
    { type: 'url', value: 'http://scanner.example.net/x' },
    { type: 'hash', value: 'd41d8cd98f00b204e9800998ecf8427e' },
    { type: 'email', value: 'abuse@example.net' },
    { type: 'user', value: 'root' },
  ],
  mitre: ['T1110'],
  createdAt: '2026-12-04T04:50:00Z',
  updatedAt: '2026-12-04T05:00:00Z',
  createdBy: 'bot',
};
const OPTS = { tlp: 2, pap: 2, source: 'soc-ticket', type: 'soc-ticket', tags: ['soc'] };

let stub: Stub | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

describe('ticketToHiveAlert', () => {
  it('maps severity, observables, tags and a stable sourceRef', () => {
    const a = ticketToHiveAlert(ticket, OPTS);
    expect(a).toMatchObject({
      type: 'soc-ticket',
      source: 'soc-ticket',
      sourceRef: 'soc-ticket-1042',
      title: 'ET SCAN Potential SSH Scan',
      severity: 3,
      tlp: 2,
      pap: 2,
      date: Date.parse('2026-12-04T04:50:00Z'),
      tags: ['soc', 'T1110', 'category:recon'],
    });
    expect(a.observables.map((o) => [o.dataType, o.data])).toEqual([
      ['ip', '45.155.205.233'],
      ['domain', 'scanner.example.net'],
      ['url', 'http://scanner.example.net/x'],
      ['hash', 'd41d8cd98f00b204e9800998ecf8427e'],
      ['mail', 'abuse@example.net'],
      ['other', 'root'],
      ['ip', '10.0.0.5'], // dstIp; srcIp was already an observable
    ]);
    expect(a.description).toContain('Repeated SSH connection attempts');
    expect(a.description).toContain('| Rule | 2001219 — ET SCAN Potential SSH Scan |');
  });

  it('maps every severity to 1..4', () => {
    const sev = (['low', 'normal', 'high', 'emergency'] as const).map((s) => ticketToHiveAlert({ ...ticket, severity: s }, OPTS).severity);
    expect(sev).toEqual([1, 2, 3, 4]);
  });

  it('refuses TLP/PAP out of range', () => {
    expect(() => ticketToHiveAlert(ticket, { ...OPTS, tlp: 5 })).toThrow(UsageError);
    expect(() => ticketToHiveAlert(ticket, { ...OPTS, pap: 4 })).toThrow(/PAP must be an integer 0–3/);
  });
});

describe('TheHiveClient.createAlert', () => {
  const alert = ticketToHiveAlert(ticket, OPTS);

  it('creates an alert with a Bearer key and returns its id and URL', async () => {
    stub = await startStub([{ method: 'POST', path: '/api/v1/alert', reply: () => ({ status: 201, body: CREATED }), times: 1 }]);
    const c = new TheHiveClient({ url: `${stub.url}/`, apiKey: KEY, timeoutMs: 2000 });
    const r = await c.createAlert(alert);
    stub.assertDone();
    expect(r).toEqual({ id: '~163844320', created: true, url: `${stub.url}/alerts/~163844320/details` });
    const req = stub.requests[0];
    expect(req.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(req.json).toEqual(JSON.parse(JSON.stringify(alert)));
  });

  it('on a re-run (duplicate sourceRef) looks the alert up and returns created:false', async () => {
    let query: RecordedRequest | undefined;
    stub = await startStub([
      { method: 'POST', path: '/api/v1/alert', reply: () => ({ status: 400, body: DUPLICATE }), times: 1 },
      {
        method: 'POST',
        path: '/api/v1/query',
        reply: (req) => {
          query = req;
          return { status: 200, body: [CREATED] };
        },
        times: 1,
      },
    ]);
    const c = new TheHiveClient({ url: stub.url, apiKey: KEY, organisation: 'SOC' });
    const r = await c.createAlert(alert);
    stub.assertDone();
    expect(r).toEqual({ id: '~163844320', created: false, url: `${stub.url}/alerts/~163844320/details` });
    expect(query!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(query!.headers['x-organisation']).toBe('SOC');
    expect(query!.json).toEqual({
      query: [
        { _name: 'listAlert' },
        {
          _name: 'filter',
          _and: [
            { _field: 'sourceRef', _value: 'soc-ticket-1042' },
            { _field: 'source', _value: 'soc-ticket' },
            { _field: 'type', _value: 'soc-ticket' },
          ],
        },
        { _name: 'page', from: 0, to: 1 },
      ],
    });
  });

  it('fails clearly when TheHive says duplicate but the query finds nothing', async () => {
    stub = await startStub([
      { method: 'POST', path: '/api/v1/alert', reply: () => ({ status: 400, body: DUPLICATE }) },
      { method: 'POST', path: '/api/v1/query', reply: () => ({ status: 200, body: [] }) },
    ]);
    await expect(new TheHiveClient({ url: stub.url, apiKey: KEY }).createAlert(alert)).rejects.toThrow(
      /already exists, but the query found none/,
    );
  });

  it('does not mistake another 400 for a duplicate', async () => {
    stub = await startStub([
      {
        method: 'POST',
        path: '/api/v1/alert',
        reply: () => ({ status: 400, body: { type: 'AttributeCheckingError', message: 'Invalid value for severity: 7' } }),
      },
    ]);
    const err = await new TheHiveClient({ url: stub.url, apiKey: KEY }).createAlert(alert).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect((err as Error).message).toBe('TheHive did not create the alert (400): Invalid value for severity: 7');
    expect(stub.requests).toHaveLength(1); // no query
  });

  it('turns 401 into a BackendError naming the key setting, not the key', async () => {
    stub = await startStub([{ method: 'POST', path: '/api/v1/alert', reply: () => ({ status: 401, body: AUTH_ERROR }) }]);
    const err = await new TheHiveClient({ url: stub.url, apiKey: KEY, profile: 'lab' }).createAlert(alert).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect((err as Error).message).toBe('TheHive refused the API key (401): check thehive.apiKey in profile lab.');
    expect((err as Error).message).not.toContain(KEY);
  });

  it('reports an unreachable TheHive as a BackendError', async () => {
    const s = await startStub([]);
    await s.close();
    await expect(new TheHiveClient({ url: s.url, apiKey: KEY, timeoutMs: 1000 }).createAlert(alert)).rejects.toBeInstanceOf(BackendError);
  });
});
