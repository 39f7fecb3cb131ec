// `login` verifies an agent's credentials against osTicket and keeps them (password in the 0600
// secrets file, session cookie in a 0600 state file); `logout` ends the session and forgets both.
import type { Ctx } from '../context.js';
import { UsageError } from '../errors.js';
import { OsTicketSession } from '../backends/osticket/session.js';
import { exportSessionPath, fileSessionStore, profileFromConfig, sessionPath } from '../backends/osticket/settings.js';
import { textOrStdin } from './shared.js';

function requireOsTicket(ctx: Ctx): void {
  const cfg = ctx.config();
  if (cfg.get('backend') !== 'osticket') {
    throw new UsageError(`Profile ${cfg.profile} uses the embedded store; there is nothing to log in to.`, 'Use an osTicket profile: soc-ticket --profile NAME login');
  }
}

export async function login(ctx: Ctx, opts: { username?: string; passwordStdin?: boolean }): Promise<void> {
  requireOsTicket(ctx);
  const cfg = ctx.config();
  const env = ctx.io.env;
  let username = opts.username ?? env.SOC_TICKET_OSTICKET_USER;
  if (!username) {
    username = ctx.prompter.enabled
      ? await ctx.prompter.text('--username', 'osTicket agent user name', { default: cfg.get('osticket.username') })
      : cfg.get('osticket.username');
  }
  if (!username) throw new UsageError('Missing --username.', 'soc-ticket login --username NAME --password-stdin < password-file');
  let password: string | undefined;
  if (opts.passwordStdin) password = await textOrStdin(ctx, '-');
  else if (env.SOC_TICKET_OSTICKET_PASSWORD) password = env.SOC_TICKET_OSTICKET_PASSWORD;
  else if (ctx.prompter.enabled) password = await ctx.prompter.secret('--password-stdin', `osTicket password of ${username}`);
  if (!password) {
    throw new UsageError(`No password for ${username}: ${ctx.prompter.enabled ? 'empty' : ctx.prompter.whyNot()}.`, 'Pipe it in: soc-ticket login --username NAME --password-stdin, or set SOC_TICKET_OSTICKET_PASSWORD.');
  }
  const profile = profileFromConfig(cfg);
  const store = fileSessionStore(sessionPath(env, cfg.profile));
  const session = new OsTicketSession({ profile, secrets: { username, password }, sessionStore: store });
  try {
    await session.login();
  } finally {
    session.close();
  }
  await cfg.set('osticket.username', username);
  cfg.setSecret('osticket.password', password);
  ctx.out.success(`Logged in to osTicket as ${username} (profile ${cfg.profile}).`);
  if (ctx.out.mode === 'json') ctx.out.json({ profile: cfg.profile, username, loggedIn: true });
}

export async function logout(ctx: Ctx): Promise<void> {
  requireOsTicket(ctx);
  const cfg = ctx.config();
  const username = cfg.get('osticket.username');
  const store = fileSessionStore(sessionPath(ctx.io.env, cfg.profile));
  const session = new OsTicketSession({ profile: profileFromConfig(cfg), secrets: { username, password: cfg.get('osticket.password') }, sessionStore: store });
  // The second session (parallel exports of list --all) ends with the first.
  const exportStore = fileSessionStore(exportSessionPath(ctx.io.env, cfg.profile));
  const second = new OsTicketSession({ profile: profileFromConfig(cfg), secrets: { username, password: cfg.get('osticket.password') }, sessionStore: exportStore, http: session.http });
  let remote = 'ended';
  try {
    await session.logout();
    await second.logout();
  } catch {
    remote = 'could not be ended on the server (it expires by itself)';
  } finally {
    session.close();
  }
  store.remove();
  exportStore.remove();
  cfg.setSecret('osticket.password', undefined);
  ctx.out.success(`Logged out${username ? ` ${username}` : ''}: session ${remote}, stored password forgotten.`);
  if (ctx.out.mode === 'json') ctx.out.json({ profile: cfg.profile, username: username ?? null, loggedIn: false });
}
