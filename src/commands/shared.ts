import { readFileSync } from 'node:fs';
import type { Ctx } from '../context.js';
import type { Ticket } from '../domain/types.js';
import { UsageError } from '../errors.js';
import type { TicketStore } from '../backends/types.js';

export async function loadTicket(store: TicketStore, ref: string): Promise<Ticket> {
  const t = await store.get(ref);
  if (!t) throw new UsageError(`No ticket ${ref}.`, 'List them: soc-ticket list');
  return t;
}

/** A text option whose value `-` means "read standard input". */
export async function textOrStdin(ctx: Ctx, value: string | undefined): Promise<string | undefined> {
  if (value !== '-') return value;
  if (ctx.io.stdinIsTTY) throw new UsageError('"-" reads standard input, but stdin is a terminal; pipe the text in.');
  const chunks: Buffer[] = [];
  for await (const c of ctx.io.stdin) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks).toString('utf8').trim();
}

export function intOption(value: string | undefined, flag: string, min = 1): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag} must be a whole number ≥ ${min}, not "${value}".`);
  return n;
}

export function readFileOrFail(path: string, flag: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`${flag} ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}
