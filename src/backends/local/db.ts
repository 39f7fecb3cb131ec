// Opening a soc-ticket SQLite file: WAL so readers never block the writer, a busy timeout so two
// writers wait for each other instead of failing, and numbered migrations kept in user_version.
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { BackendError } from '../../errors.js';

export type Db = BetterSqlite3.Database;

// Append only: a released migration never changes.
const MIGRATIONS: string[] = [
  `CREATE TABLE tickets (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     title TEXT NOT NULL,
     description TEXT NOT NULL DEFAULT '',
     severity TEXT NOT NULL,
     stage TEXT NOT NULL DEFAULT 'new',
     category TEXT, verdict TEXT, assignee TEXT,
     host TEXT, src_ip TEXT, dst_ip TEXT, rule_id TEXT, rule_name TEXT,
     source TEXT, dedup_key TEXT,
     occurrences INTEGER NOT NULL DEFAULT 1,
     last_seen TEXT, last_seen_at TEXT,
     observables TEXT NOT NULL DEFAULT '[]', mitre TEXT NOT NULL DEFAULT '[]',
     created_at TEXT NOT NULL, updated_at TEXT NOT NULL, created_by TEXT NOT NULL,
     triaged_by TEXT, resolved_by TEXT, resolved_at TEXT, summary TEXT
   );
   CREATE INDEX tickets_stage ON tickets(stage, id);
   CREATE INDEX tickets_dedup ON tickets(dedup_key, last_seen_at) WHERE stage <> 'closed';
   CREATE TABLE events (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     ticket_id INTEGER NOT NULL REFERENCES tickets(id),
     at TEXT NOT NULL, actor TEXT NOT NULL, kind TEXT NOT NULL,
     from_stage TEXT, to_stage TEXT, comment TEXT
   );
   CREATE INDEX events_ticket ON events(ticket_id, id);
   CREATE TABLE attachments (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     ticket_id INTEGER NOT NULL REFERENCES tickets(id),
     event_id INTEGER REFERENCES events(id),
     name TEXT NOT NULL, mime TEXT NOT NULL, size INTEGER NOT NULL, sha256 TEXT NOT NULL,
     data BLOB NOT NULL
   );
   CREATE INDEX attachments_ticket ON attachments(ticket_id);
   -- Every event ever ingested, by the hash of its raw text: re-running the same input is a no-op.
   CREATE TABLE ingested (hash TEXT PRIMARY KEY, ticket_id INTEGER, at TEXT NOT NULL) WITHOUT ROWID;
   -- Alerts that could not be delivered yet (backend down, flood control): nothing is dropped.
   CREATE TABLE outbox (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     hash TEXT NOT NULL UNIQUE, alert TEXT NOT NULL, source TEXT, line INTEGER,
     reason TEXT NOT NULL, queued_at TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT
   );
   -- Remote backends: dedup key → ticket, rebuilt from the tickets when lost.
   CREATE TABLE dedup_index (
     dedup_key TEXT PRIMARY KEY, ticket_id INTEGER NOT NULL, number TEXT NOT NULL,
     last_seen_at TEXT NOT NULL, suppressed INTEGER NOT NULL DEFAULT 0
   ) WITHOUT ROWID;
   CREATE TABLE cache (ns TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (ns, key)) WITHOUT ROWID;`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export async function openDb(path: string): Promise<Db> {
  // CommonJS: require() spares the ESM wrapper's scan of its source (start-up, bench/startup).
  const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
  let db: Db;
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    db = new Database(path, { timeout: 10_000 });
  } catch (e) {
    throw new BackendError(`Cannot open the store ${path}: ${(e as Error).message}`);
  }
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  migrate(db, path);
  return db;
}

function migrate(db: Db, path: string): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new BackendError(`${path} was written by a newer soc-ticket (schema ${current}); upgrade soc-ticket.`);
  }
  if (current === MIGRATIONS.length) return;
  // IMMEDIATE: two processes starting on a new file must not both migrate.
  db.transaction(() => {
    const v = db.pragma('user_version', { simple: true }) as number;
    for (let i = v; i < MIGRATIONS.length; i++) db.exec(MIGRATIONS[i]);
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
}
