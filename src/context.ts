// Everything a command's run() needs, handed in; nothing reaches for process.* inside the work.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IO } from './ui/io.js';
import { colorEnabled } from './ui/io.js';
import { Output } from './ui/output.js';
import { Prompter } from './ui/prompt.js';
import { Config } from './config/config.js';
import type { TicketStore } from './backends/types.js';
import { localUserName, resolveIdentity, type Identity } from './config/identity.js';
import { authorize, type Action } from './workflow/roles.js';
import { UsageError } from './errors.js';

export interface Globals {
  json: boolean;
  profile?: string;
  input: boolean;
  yes: boolean;
  color: boolean;
}

export interface Ctx {
  io: IO;
  out: Output;
  globals: Globals;
  prompter: Prompter;
  clock: () => Date;
  config(): Config;
  /** Who is acting, with their role; checks the role may do `action` before any store opens. */
  actor(action?: Action): Promise<Identity>;
  store(): Promise<TicketStore>;
  dispose(): Promise<void>;
}

export function createContext(io: IO, globals: Globals, clock: () => Date = () => new Date()): Ctx {
  const interactive =
    globals.input && io.stdinIsTTY && io.stdoutIsTTY && !['1', 'true'].includes(io.env.SOC_TICKET_NO_INPUT ?? '');
  const out = new Output(io, { json: globals.json, color: colorEnabled(io, !globals.color) });
  let config: Config | undefined;
  let store: Promise<TicketStore> | undefined;
  let identity: Identity | undefined;

  const ctx: Ctx = {
    io,
    out,
    globals,
    prompter: new Prompter(io, interactive),
    clock,
    config: () => (config ??= new Config(io.env, globals.profile)),
    async actor(action) {
      if (!identity) {
        const cfg = ctx.config();
        const user = cfg.get('backend') === 'osticket' ? await osticketUser(cfg, io.env) : localUserName(io.env);
        identity = resolveIdentity(user, io.env);
        if (identity.labMode) labModeNotice(ctx, identity);
      }
      if (action) authorize(identity, action);
      return identity;
    },
    store() {
      return (store ??= openStore(ctx));
    },
    async dispose() {
      if (store) await (await store.catch(() => undefined))?.close();
    },
  };
  return ctx;
}

/** On osTicket you are the logged-in agent; a bot with only an API key is its local user. */
async function osticketUser(cfg: Config, env: Ctx['io']['env']): Promise<string> {
  const user = cfg.get('osticket.username');
  if (!user && cfg.get('osticket.apiKey')) return localUserName(env);
  if (!user) {
    throw new UsageError(`Profile ${cfg.profile} uses osTicket but has no agent user name.`, 'Log in: soc-ticket login');
  }
  return user;
}

/** Said once per data directory: with no role file every user is a lead. */
function labModeNotice(ctx: Ctx, id: Identity): void {
  const dir = ctx.config().dataDir;
  const marker = join(dir, '.lab-mode-noticed');
  if (existsSync(marker)) return;
  ctx.out.warn(
    `No role file (${id.roles.path}): single-user lab mode, ${id.user} acts as lead. ` +
      `Add users to enforce roles: soc-ticket admin users add NAME --role analyst`,
  );
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(marker, '');
  } catch {
    // A read-only data dir only means the notice repeats.
  }
}

async function openStore(ctx: Ctx): Promise<TicketStore> {
  const cfg = ctx.config();
  const backend = cfg.get('backend') ?? 'local';
  if (backend === 'local') {
    const { LocalStore } = await import('./backends/local/store.js');
    return LocalStore.open(localDbPath(cfg), ctx.clock);
  }
  if (backend === 'osticket') {
    const { openOsTicketStore } = await import('./backends/osticket/open.js');
    return openOsTicketStore(ctx);
  }
  throw new UsageError(`Unknown backend "${backend}" in profile ${cfg.profile}; use local or osticket.`);
}

export function localDbPath(cfg: Config): string {
  return cfg.get('db') ?? join(cfg.dataDir, cfg.profile === 'default' ? 'tickets.db' : `tickets-${cfg.profile}.db`);
}
