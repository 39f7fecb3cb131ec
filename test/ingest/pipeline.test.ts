// The Ingestor on a real embedded store (SQLite in a temp dir): dedup window, resolved
// updates, flood control and the outbox, backend failure, nothing twice, rejects.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalStore } from '../../src/backends/local/store.js';
import type { TicketStore } from '../../src/backends/types.js';
import { BackendError } from '../../src/errors.js';
import { normaliseAll } from '../../src/alerts/normalise.js';
import type { NormalisedAlert } from '../../src/alerts/types.js';
import { Ingestor, type FateReport } from '../../src/ingest/pipeline.js';
import { StateDb } from '../../src/ingest/state.js';
import { RejectsFile } from '../../src/ingest/rejects.js';

const HOUR = 3600_000;
let dir: string;
let now: number;
const clock = () => new Date(now);
let store: LocalStore;
let state: StateDb;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pipeline-'));
  now = Date.parse('2030-01-01T00:00:00Z');
  store = await LocalStore.open(join(dir, 'tickets.db'), clock);
  state = new StateDb(store.db, clock);
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function ingestor(opts: Partial<ConstructorParameters<typeof Ingestor>[0]> = {}, fates: FateReport[] = []) {
  const rejects = new RejectsFile(join(dir, 'rejects.ndjson'));
  const ing = new Ingestor({ store, state, actor: 'bot', windowMs: 24 * HOUR, clock, rejects, onFate: (r) => fates.push(r), ...opts });
  return { ing, fates, rejects };
}

/** An alert in the project's own format, with a fixed dedup key. */
function alert(key: string, extra: Record<string, unknown> = {}): NormalisedAlert {
  const v = { title: `Alert ${key}`, severity: 'high', dedup_key: key, time: new Date(now).toISOString(), seq: Math.random(), ...extra };
  const [r] = normaliseAll(v, JSON.stringify(v));
  if (!('alerts' in r)) throw new Error('bad test alert');
  return r.alerts[0];
}

const count = (sql: string) => (store.db.prepare(sql).get() as { n: number }).n;

describe.each([
  ['batched (embedded store)', {}],
  ['one by one (flood control on, limit not reached)', { maxNewPerMinute: 1000 }],
])('Ingestor, %s', (_name, extra) => {
  it('repeats of a dedup key within the window become occurrences; after it, a new ticket', async () => {
    const { ing } = ingestor(extra);
    await ing.add(alert('k1'), 'f', 1);
    await ing.add(alert('k1'), 'f', 2);
    await ing.add(alert('k2'), 'f', 3);
    await ing.flush();
    now += 23 * HOUR;
    await ing.add(alert('k1'), 'f', 4);
    await ing.flush();
    now += 25 * HOUR;
    await ing.add(alert('k1'), 'f', 5);
    const s = await ing.finish();
    expect(s).toMatchObject({ created: 3, occurrences: 2, duplicates: 0, queued: 0 });
    const t = await store.list({ search: 'Alert k1', sort: 'id' });
    expect(t.map((x) => x.occurrences)).toEqual([3, 1]);
    const events = (await store.get(t[0].id))!.events!;
    expect(events.filter((e) => e.kind === 'occurrence')).toHaveLength(2);
    expect((await store.get(t[0].id))!.attachments![0]).toMatchObject({ name: 'alert-soc-ticket.json', mime: 'application/json' });
  });

  it('a closed ticket is not reused', async () => {
    const { ing } = ingestor(extra);
    await ing.add(alert('k'), 'f', 1);
    await ing.flush();
    store.db.prepare(`UPDATE tickets SET stage = 'closed'`).run();
    await ing.add(alert('k'), 'f', 2);
    expect(await ing.finish()).toMatchObject({ created: 2, occurrences: 0 });
  });

  it('resolved alerts update the open ticket; without one they are skipped', async () => {
    const { ing, fates } = ingestor(extra);
    await ing.add(alert('am', { status: 'firing' }), 'f', 1);
    await ing.add(alert('am', { status: 'resolved' }), 'f', 2);
    await ing.add(alert('gone', { status: 'resolved' }), 'f', 3);
    const s = await ing.finish();
    expect(s).toMatchObject({ created: 1, resolvedUpdates: 1, skipped: 1, occurrences: 0 });
    const [t] = await store.list({});
    expect(t.occurrences).toBe(1);
    expect((await store.get(t.id))!.events!.some((e) => /resolved at/.test(e.comment ?? ''))).toBe(true);
    expect(fates.map((f) => f.fate)).toEqual(['created', 'resolved-update', 'skipped']);
  });

  it('the same events again: nothing twice', async () => {
    const alerts = [alert('a'), alert('a'), alert('b')];
    const first = ingestor(extra);
    for (const a of alerts) await first.ing.add(a);
    expect(await first.ing.finish()).toMatchObject({ created: 2, occurrences: 1 });
    const second = ingestor(extra);
    for (const a of alerts) await second.ing.add(a);
    expect(await second.ing.finish()).toMatchObject({ created: 0, occurrences: 0, duplicates: 3 });
    expect(count('SELECT sum(occurrences) AS n FROM tickets')).toBe(3);
  });
});

describe('flood control and the outbox', () => {
  it('past --max-new-per-minute new tickets wait in the outbox; repeats still fold; --retry delivers later', async () => {
    const { ing } = ingestor({ maxNewPerMinute: 2 });
    for (const k of ['a', 'b', 'c', 'd', 'e']) await ing.add(alert(k), 'in', 1);
    await ing.add(alert('a'), 'in', 6); // an occurrence is not a new ticket: not held back
    const s = await ing.finish();
    expect(s).toMatchObject({ created: 2, occurrences: 1, queued: 3, outboxLeft: 3 });
    expect(count('SELECT count(*) AS n FROM tickets')).toBe(2);

    // within the same minute: nothing moves
    const again = ingestor({ maxNewPerMinute: 2 });
    again.ing['createdAt'].push(now, now); // the limit counts per process; simulate the same minute
    await again.ing.retryOutbox();
    expect(state.outboxSize()).toBe(3);

    now += 61_000;
    const retry = ingestor({ maxNewPerMinute: 2 });
    await retry.ing.retryOutbox();
    expect(await retry.ing.finish()).toMatchObject({ created: 2, fromOutbox: 2, outboxLeft: 1, queued: 0 });
    now += 61_000;
    const last = ingestor();
    await last.ing.retryOutbox();
    expect(await last.ing.finish()).toMatchObject({ created: 1, fromOutbox: 1, outboxLeft: 0 });
    expect(count('SELECT count(*) AS n FROM tickets')).toBe(5);
    expect(count('SELECT sum(occurrences) AS n FROM tickets')).toBe(6);
  });

  it('queued repeats of the same key become one ticket and an occurrence when delivered', async () => {
    const { ing } = ingestor({ maxNewPerMinute: 1 });
    await ing.add(alert('x'));
    await ing.add(alert('y'));
    await ing.add(alert('y'));
    expect(await ing.finish()).toMatchObject({ created: 1, queued: 2 });
    now += 61_000;
    const r = ingestor();
    await r.ing.retryOutbox();
    expect(await r.ing.finish()).toMatchObject({ created: 1, occurrences: 1, fromOutbox: 2, outboxLeft: 0 });
  });
});

/** A store without ingestBatch (like osTicket) that fails on demand. */
function remoteStore(inner: LocalStore, fail: { after: number }): TicketStore {
  let calls = 0;
  const guard = <T>(fn: () => Promise<T>) => {
    if (++calls > fail.after) return Promise.reject(new BackendError('HTTP 503 from the backend'));
    return fn();
  };
  return {
    kind: 'osticket',
    maxAttachmentBytes: inner.maxAttachmentBytes,
    get: (r) => inner.get(r),
    list: (f) => inner.list(f),
    createFromAlert: (a, actor) => guard(() => inner.createFromAlert(a, actor)),
    findByDedupKey: (k, s) => guard(() => inner.findByDedupKey(k, s)),
    addOccurrence: (id, a, actor) => guard(() => inner.addOccurrence(id, a, actor)),
    applyChange: (id, c) => inner.applyChange(id, c),
    addNote: (id, actor, text, att, kind) => guard(() => inner.addNote(id, actor, text, att, kind)),
    lookups: () => inner.lookups(),
    close: async () => undefined,
  };
}

describe('backend failure mid-run', () => {
  it('everything not delivered is in the outbox; a retry delivers it once', async () => {
    const fail = { after: 6 }; // 3 alerts × (find + create) succeed
    const remote = remoteStore(store, fail);
    const alerts = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((k) => alert(k));
    const { ing } = ingestor({ store: remote });
    for (const a of alerts) await ing.add(a);
    const s = await ing.finish();
    expect(s).toMatchObject({ created: 3, queued: 4, outboxLeft: 4, backendError: 'HTTP 503 from the backend' });

    // still down: the retry keeps them, counts no new queueing
    const still = ingestor({ store: remote });
    await still.ing.retryOutbox();
    expect(await still.ing.finish()).toMatchObject({ queued: 0, fromOutbox: 0, outboxLeft: 4 });
    expect((store.db.prepare('SELECT attempts FROM outbox ORDER BY id LIMIT 1').get() as { attempts: number }).attempts).toBe(1);

    fail.after = Infinity;
    const back = ingestor({ store: remote });
    await back.ing.retryOutbox();
    for (const a of alerts) await back.ing.add(a); // the same input again
    expect(await back.ing.finish()).toMatchObject({ created: 4, fromOutbox: 4, duplicates: 7, outboxLeft: 0 });
    expect(count('SELECT count(*) AS n FROM tickets')).toBe(7);
    expect(count('SELECT sum(occurrences) AS n FROM tickets')).toBe(7);
  });
});

describe('rejects and dry run', () => {
  it('a reject is written with its source and line, the file only when needed', async () => {
    const { ing, rejects } = ingestor();
    await ing.add(alert('ok'));
    ing.reject('alerts.ndjson', 7, 'invalid JSON: Unexpected token', '{"a":,}');
    const s = await ing.finish();
    expect(s).toMatchObject({ created: 1, rejected: 1 });
    const rows = readFileSync(rejects.path, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(rows).toEqual([expect.objectContaining({ source: 'alerts.ndjson', line: 7, reason: 'invalid JSON: Unexpected token', text: '{"a":,}' })]);

    const clean = new RejectsFile(join(dir, 'none.ndjson'));
    const i2 = new Ingestor({ store, state, actor: 'bot', windowMs: HOUR, clock, rejects: clean });
    await i2.finish();
    expect(existsSync(clean.path)).toBe(false);
  });

  it('dry run reports fates and writes nothing', async () => {
    const { ing: real } = ingestor();
    await real.add(alert('seen'));
    await real.finish();
    const before = count('SELECT count(*) AS n FROM events');
    const { ing, fates } = ingestor({ dryRun: true });
    await ing.add(alert('seen'));
    await ing.add(alert('new'));
    await ing.add(alert('new'));
    ing.reject('x', 1, 'bad', '');
    const s = await ing.finish();
    expect(fates.map((f) => f.fate)).toEqual(['occurrence', 'created', 'occurrence', 'rejected']);
    expect(s).toMatchObject({ created: 1, occurrences: 2, rejected: 1 });
    expect(count('SELECT count(*) AS n FROM events')).toBe(before);
    expect(count('SELECT count(*) AS n FROM tickets')).toBe(1);
    expect(existsSync(join(dir, 'rejects.ndjson'))).toBe(false);
  });
});
