// End-to-end helpers: build once, run the real binary (node bin/soc-ticket.js) in a private
// HOME with single-user lab mode, feed it pipes, talk HTTP to its webhook receiver.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { request, Agent, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const ROOT = join(__dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'soc-ticket.js');

/**
 * `npx tsc -p tsconfig.json` once per test run (a lock keeps parallel files from building
 * at the same time). tsc emits even when files outside ingest have type errors, so success
 * is judged by the ingest modules being present.
 */
export async function buildOnce(): Promise<void> {
  const lock = join(ROOT, 'dist', '.e2e-build.lock');
  const stamp = join(ROOT, 'dist', '.e2e-build.stamp');
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // a lock older than 2 minutes belongs to a dead run
      try {
        if (Date.now() - statSync(lock).mtimeMs > 120_000) rmdirSync(lock);
      } catch {
        /* gone meanwhile */
      }
      await sleep(200);
    }
  }
  try {
    const fresh = existsSync(stamp) && Date.now() - statSync(stamp).mtimeMs < 60_000;
    if (!fresh) {
      const r = spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: ROOT, encoding: 'utf8' });
      for (const m of ['cli.js', 'commands/ingest.js', 'ingest/webhook.js', 'ingest/pipeline.js', 'alerts/reader.js']) {
        if (!existsSync(join(ROOT, 'dist', m))) throw new Error(`build failed: dist/${m} missing\n${r.stdout}${r.stderr}`);
      }
      spawnSync('touch', [stamp]);
    }
  } finally {
    rmdirSync(lock);
  }
}

export interface Home {
  dir: string;
  env: NodeJS.ProcessEnv;
  db: string;
  cleanup(): void;
}

/** A private HOME/XDG tree; no role file, so single-user lab mode. */
export function tempHome(extra: NodeJS.ProcessEnv = {}): Home {
  const dir = mkdtempSync(join(tmpdir(), 'soc-ticket-e2e-'));
  const db = join(dir, 'data', 'tickets.db');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    XDG_CONFIG_HOME: join(dir, 'config'),
    XDG_DATA_HOME: join(dir, 'data'),
    SOC_TICKET_ROLES_FILE: join(dir, 'no-such-roles.json'),
    SOC_TICKET_DB: db,
    SOC_TICKET_USER: 'e2e',
    ...extra,
  };
  return { dir, env, db, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface BinResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Run the binary to completion; `input` is piped to stdin (then closed). */
export function runBin(args: string[], home: Home, input?: string | Buffer, env: NodeJS.ProcessEnv = {}): Promise<BinResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: home.dir, env: { ...home.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
}

export interface Running {
  child: ChildProcess;
  stderr(): string;
  /** Resolves with the first stderr match of `re`. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startBin(args: string[], home: Home, env: NodeJS.ProcessEnv = {}): Running {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: home.dir, env: { ...home.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  child.stdout!.resume();
  child.stdin!.on('error', () => undefined);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('close', (code, signal) => r({ code, signal })));
  return {
    child,
    stderr: () => err,
    exited,
    async waitFor(re, timeoutMs = 15_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const m = err.match(re);
        if (m) return m;
        if (child.exitCode !== null || Date.now() > until) throw new Error(`never saw ${re} on stderr:\n${err}`);
        await sleep(20);
      }
    },
  };
}

export interface HttpResult {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  json: () => any;
}

export const keepAlive = new Agent({ keepAlive: true, maxSockets: 8 });

export function http(
  url: string,
  opts: { method?: string; body?: string | Buffer; headers?: Record<string, string>; agent?: Agent | false } = {},
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? (opts.body !== undefined ? 'POST' : 'GET'), headers: { 'content-type': 'application/json', ...opts.headers }, agent: opts.agent ?? keepAlive }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body) }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

export const fixture = (p: string) => readFileSync(join(ROOT, 'test', 'fixtures', 'alerts', p), 'utf8');

/**
 * N Suricata alerts made from a real sample, every line a distinct event (time, flow id) but
 * drawn from `keys` src/dst/sid combinations, so a run both opens tickets and folds repeats.
 */
export function suricataLines(n: number, keys = 500, seed = 7): string[] {
  const template = JSON.parse(fixture('suricata/mauz88_Suricata_Detection_eve.alerts-only.ndjson').split('\n')[0]);
  let s = seed >>> 0 || 1;
  const rnd = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
  const out: string[] = [];
  const t0 = Date.UTC(2025, 0, 1);
  for (let i = 0; i < n; i++) {
    const k = Math.floor(rnd() * keys);
    const o = structuredClone(template);
    o.timestamp = new Date(t0 + i * 1000).toISOString().replace('Z', '+0000');
    o.flow_id = 1_000_000 + i;
    o.src_ip = `203.0.${k % 250}.${1 + (k % 7)}`;
    o.dest_ip = `10.0.0.${1 + (k % 5)}`;
    o.src_port = 1024 + (i % 60000);
    o.alert.signature_id = 2_000_000 + (k % 3);
    out.push(JSON.stringify(o));
  }
  return out;
}
