// The embedded store on its own: schema versions, optimistic stage checks, attachments.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { LocalStore } from '../../src/backends/local/store.js';
import { SCHEMA_VERSION } from '../../src/backends/local/db.js';
import { planTriage } from '../../src/workflow/transitions.js';
import { BackendError, EXIT, StageConflictError } from '../../src/errors.js';
import type { NormalisedAlert } from '../../src/alerts/types.js';

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'soc-ticket-store-'));
  path = join(dir, 'sub', 'tickets.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const alert = (i: number): NormalisedAlert => ({
  format: 'soc-ticket',
  title: `alert ${i}`,
  severity: 'low',
  time: '2026-12-01T00:00:00.000Z',
  mitre: [],
  observables: [{ type: 'ip', value: '203.0.113.1' }],
  dedupKey: `k${i}`,
  raw: `{"title":"alert ${i}"}`,
});
const ana = { user: 'ana', role: 'analyst' as const, teams: [] };

describe('LocalStore', () => {
  it('creates its file and directory, in WAL mode, at the current schema version', async () => {
    const s = await LocalStore.open(path);
    expect(s.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(s.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    await s.close();
    const again = await LocalStore.open(path); // migrating twice is a no-op
    await again.close();
  });

  it('refuses a file written by a newer soc-ticket', async () => {
    const db = new Database(path.replace('sub/', ''));
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    const err = await LocalStore.open(path.replace('sub/', '')).catch((e) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect(err.message).toContain('newer soc-ticket');
  });

  it('applies a change only if the ticket is still in the stage it was planned for', async () => {
    const s = await LocalStore.open(path);
    const t = await s.createFromAlert(alert(1), 'siem');
    const change = planTriage(t, ana, { severity: 'high', category: 'malware', verdict: 'true-positive' });
    await s.applyChange(t.id, change);
    const err = await s.applyChange(t.id, change).catch((e) => e); // planned against 'new', now 'triaged'
    expect(err).toBeInstanceOf(StageConflictError);
    expect(err.exitCode).toBe(EXIT.workflow);
    const events = (await s.get(t.id))!.events!;
    expect(events.filter((e) => e.to === 'triaged')).toHaveLength(1);
    await s.close();
  });

  it('keeps the raw alert and evidence with their sha256', async () => {
    const s = await LocalStore.open(path);
    const t = await s.createFromAlert(alert(2), 'siem');
    const data = Buffer.from('pcap bytes');
    const sha = createHash('sha256').update(data).digest('hex');
    const after = await s.addNote(t.id, 'ana', 'evidence', [{ name: 'c.pcap', mime: 'application/vnd.tcpdump.pcap', size: data.length, sha256: sha, data }]);
    expect(after.attachments!.map((a) => a.name)).toEqual(['alert-soc-ticket.json', 'c.pcap']);
    expect(after.events!.at(-1)!.attachments![0].sha256).toBe(sha);
    expect(s.attachmentData(t.id, sha)!.toString()).toBe('pcap bytes');
    const raw = after.attachments![0];
    expect(s.attachmentData(t.id, raw.sha256)!.toString()).toBe('{"title":"alert 2"}');
    await s.close();
  });

  it('folds a repeat of a dedup key within the window, not after it or once closed', async () => {
    const s = await LocalStore.open(path);
    const t = await s.createFromAlert(alert(3), 'siem');
    expect((await s.findByDedupKey('k3', new Date(Date.now() - 3600e3)))?.id).toBe(t.id);
    expect(await s.findByDedupKey('k3', new Date(Date.now() + 1000))).toBeNull();
    await s.addOccurrence(t.id, alert(3), 'siem');
    expect((await s.get(t.id))!.occurrences).toBe(2);
    await s.close();
  });
});
