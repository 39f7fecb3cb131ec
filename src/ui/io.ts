// The streams a command talks through, with their TTY facts. Tests build one with fake streams.
import type { Readable, Writable } from 'node:stream';
import type { Env } from '../config/paths.js';

export interface IO {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  env: Env;
  stdinIsTTY: boolean;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  /** Terminal width for tables. */
  columns: number;
}

export function processIO(): IO {
  const env = process.env;
  // SOC_TICKET_FORCE_TTY=1 makes every stream count as a terminal (tests, `script`-less demos).
  const force = env.SOC_TICKET_FORCE_TTY === '1';
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env,
    stdinIsTTY: force || !!process.stdin.isTTY,
    stdoutIsTTY: force || !!process.stdout.isTTY,
    stderrIsTTY: force || !!process.stderr.isTTY,
    columns: process.stdout.columns || Number(env.COLUMNS) || 100,
  };
}

/** Colour on a terminal unless NO_COLOR / --no-color / TERM=dumb; FORCE_COLOR or CLICOLOR_FORCE force it. */
export function colorEnabled(io: IO, noColorFlag: boolean): boolean {
  const env = io.env;
  if (noColorFlag) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if ((env.FORCE_COLOR && env.FORCE_COLOR !== '0') || (env.CLICOLOR_FORCE && env.CLICOLOR_FORCE !== '0')) return true;
  if (env.TERM === 'dumb') return false;
  return io.stdoutIsTTY && io.stderrIsTTY;
}
