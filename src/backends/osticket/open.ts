// The osTicket store for a command: profile and secrets from the configuration, the session
// kept between runs in a 0600 file, the local state (dedup index, id cache) next to the outbox.
import { join } from 'node:path';
import type { Ctx } from '../../context.js';
import type { TicketStore } from '../types.js';
import { StateDb } from '../../ingest/state.js';
import { OsTicketStore } from './store.js';
import { exportSessionPath, fileSessionStore, profileFromConfig, secretsFromConfig, sessionPath } from './settings.js';

export async function openOsTicketStore(ctx: Ctx): Promise<TicketStore> {
  return openOsTicket(ctx);
}

export async function openOsTicket(ctx: Ctx, opts: { withState?: boolean } = {}): Promise<OsTicketStore> {
  const cfg = ctx.config();
  const profile = profileFromConfig(cfg);
  const secrets = secretsFromConfig(cfg);
  let state: StateDb | undefined;
  if (opts.withState !== false) {
    const { openDb } = await import('../local/db.js');
    // The same file the ingest outbox uses (src/ingest/run.ts openState).
    state = new StateDb(await openDb(join(cfg.dataDir, `state-${cfg.profile}.db`)), ctx.clock);
  }
  return new OsTicketStore({
    profile,
    secrets,
    state,
    sessionStore: fileSessionStore(sessionPath(ctx.io.env, cfg.profile)),
    exportSessionStore: fileSessionStore(exportSessionPath(ctx.io.env, cfg.profile)),
    clock: ctx.clock,
    notice: (m) => ctx.out.info(m),
  });
}
