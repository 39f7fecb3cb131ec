// Run the CLI in-process with fake streams and a private home, as a test would a user.
import { PassThrough, Readable, Writable } from 'node:stream';
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

export interface RunOptions {
  user?: string;
  stdin?: string;
  /** Keystrokes typed one after the other (a terminal user answering prompts); implies a TTY stdin. */
  keys?: string[];
  tty?: boolean;
  env?: Record<string, string>;
}

export interface Sandbox {
  home: string;
  env: Record<string, string>;
  run(args: string[], opts?: RunOptions): Promise<RunResult>;
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
      let out = '';
      let err = '';
      // Synchronous sinks: everything written before main() returns is in the result.
      const stdout = new Writable({ write: (chunk, _enc, cb) => ((out += chunk), cb()) });
      const stderr = new Writable({ write: (chunk, _enc, cb) => ((err += chunk), cb()) });
      // Like process.stdout/stderr, which Readable.pipe never ends (inquirer pipes into them).
      for (const s of [stdout, stderr]) s.end = (() => s) as Writable['end'];
      const stdin = opts.keys ? typing(opts.keys, () => out + err) : Readable.from(opts.stdin !== undefined ? [Buffer.from(opts.stdin)] : []);
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

/**
 * A stdin that types each key the way a person answers: only while a prompt is waiting (an
 * inquirer prompt line "? …" is on screen after the last finished one, which ends by showing the
 * cursor again) and the screen has changed since the last key and then gone quiet. Keys typed
 * between two prompts would be lost. It stays open like a terminal.
 */
function typing(keys: string[], screen: () => string): PassThrough {
  const stdin = new PassThrough();
  const queue = [...keys];
  let typedAt = -1; // screen length when the last key was typed
  let last = 0;
  let quietSince = Date.now();
  const SHOW_CURSOR = '\x1b[?25h';
  const timer = setInterval(() => {
    const text = screen();
    if (text.length !== last) {
      last = text.length;
      quietSince = Date.now();
      return;
    }
    const waiting = text.slice(text.lastIndexOf(SHOW_CURSOR) + 1).includes('? ');
    if (!waiting || text.length === typedAt || Date.now() - quietSince < 50) return;
    const k = queue.shift();
    if (k === undefined) return clearInterval(timer);
    typedAt = text.length;
    stdin.write(k);
  }, 20);
  timer.unref();
  return stdin;
}
