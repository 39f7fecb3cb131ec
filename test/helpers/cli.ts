// Run the CLI in-process with fake streams and a private home, as a test would a user.
import { PassThrough, Readable } from 'node:stream';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli.js';
import type { IO } from '../../src/ui/io.js';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Sandbox {
  home: string;
  env: Record<string, string>;
  run(args: string[], opts?: { user?: string; stdin?: string; tty?: boolean; env?: Record<string, string> }): Promise<RunResult>;
  cleanup(): void;
}

export function sandbox(extraEnv: Record<string, string> = {}): Sandbox {
  const home = mkdtempSync(join(tmpdir(), 'soc-ticket-test-'));
  const env: Record<string, string> = {
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    SOC_TICKET_ROLES_FILE: join(home, 'etc', 'roles.json'),
    PATH: process.env.PATH ?? '',
    ...extraEnv,
  };
  return {
    home,
    env,
    async run(args, opts = {}) {
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      let out = '';
      let err = '';
      stdout.on('data', (d) => (out += d));
      stderr.on('data', (d) => (err += d));
      const stdin = Readable.from(opts.stdin !== undefined ? [Buffer.from(opts.stdin)] : []);
      const io: IO = {
        stdin,
        stdout,
        stderr,
        env: { ...env, ...(opts.user ? { SOC_TICKET_USER: opts.user } : {}), ...opts.env },
        stdinIsTTY: !!opts.tty,
        stdoutIsTTY: !!opts.tty,
        stderrIsTTY: !!opts.tty,
        columns: 120,
      };
      const code = await main(args, io);
      return { code, stdout: out, stderr: err };
    },
    cleanup() {
      rmSync(home, { recursive: true, force: true });
    },
  };
}
