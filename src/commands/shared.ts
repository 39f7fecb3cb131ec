import type { Ctx } from '../context.js';
import type { Ticket } from '../domain/types.js';
import { MissingFieldsError, UsageError } from '../errors.js';
import type { TicketStore } from '../backends/types.js';

export async function loadTicket(store: TicketStore, ref: string): Promise<Ticket> {
  const t = await store.get(ref);
  if (!t) throw new UsageError(`No ticket ${ref}.`, 'List them: soc-ticket list');
  return t;
}

/** All of standard input, for a `-` argument; a terminal there is a usage error, not a hang. */
export async function readStdin(ctx: Ctx, what = 'the text'): Promise<string> {
  if (ctx.io.stdinIsTTY) throw new UsageError(`"-" reads ${what} from standard input, but stdin is a terminal; pipe ${what} in.`);
  const chunks: Buffer[] = [];
  for await (const c of ctx.io.stdin) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks).toString('utf8');
}

/** A text option whose value `-` means "read standard input". */
export async function textOrStdin(ctx: Ctx, value: string | undefined): Promise<string | undefined> {
  return value === '-' ? (await readStdin(ctx)).trim() : value;
}

export function intOption(value: string | undefined, flag: string, min = 1): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag} must be a whole number ≥ ${min}, not "${value}".`);
  return n;
}

/**
 * Plan a transition. When the only problem is missing flags, ask for them on a terminal and plan
 * again; without a terminal that is a usage error (exit 2) naming the flags. Stage and role
 * refusals come first, so nobody is asked for a value that could not be used.
 */
export async function planOrAsk<T>(ctx: Ctx, plan: () => T, ask: (flags: string[]) => Promise<void>): Promise<T> {
  try {
    return plan();
  } catch (e) {
    if (!(e instanceof MissingFieldsError)) throw e;
    if (!ctx.prompter.enabled) throw new UsageError(`${e.message.slice(0, -1)}: ${ctx.prompter.whyNot()}.`, e.hint);
    await ask(e.fields);
    return plan();
  }
}
