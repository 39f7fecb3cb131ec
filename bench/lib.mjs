// Shared by the benchmarks: a throwaway user, timing of whole commands, peak RSS from /proc.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BIN = join(ROOT, 'bin', 'soc-ticket.js');

/** A private HOME/XDG tree in single-user lab mode. */
export function benchHome(extra = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'soc-ticket-bench-'));
  const env = {
    PATH: process.env.PATH,
    HOME: dir,
    XDG_CONFIG_HOME: join(dir, 'config'),
    XDG_DATA_HOME: join(dir, 'data'),
    SOC_TICKET_ROLES_FILE: join(dir, 'no-roles.json'),
    SOC_TICKET_USER: 'bench',
    ...extra,
  };
  return { dir, env, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Run a command `runs` times (after one warm-up); wall-clock ms of each run. */
export function time(cmd, args, { env, input, runs = 20 } = {}) {
  const once = () => {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { env, input, stdio: ['pipe', 'ignore', 'pipe'] });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    return ms;
  };
  once();
  return Array.from({ length: runs }, once);
}

export function stats(ms) {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { median: q(0.5), p90: q(0.9), min: s[0] };
}

export const fmt = (n) => n.toFixed(1).padStart(8);
