import type { Ctx } from '../../context.js';
import { UsageError } from '../../errors.js';
import { textOrStdin } from '../shared.js';
import { checkUrlPolicy } from '../../config/url-policy.js';

export interface ProfileAddOptions {
  backend: 'local' | 'osticket';
  url?: string;
  ca?: string;
  db?: string;
  allowInsecureHttp?: boolean;
  withKey?: string;
  use?: boolean;
}

// Profiles live in the user's own config file: creating one needs no SOC role (the backend
// behind it enforces its own), so no role check here.
export async function add(ctx: Ctx, name: string, opts: ProfileAddOptions): Promise<void> {
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(name)) throw new UsageError(`Profile name "${name}": letters, digits and . _ - only.`);
  const values: Record<string, string> = { backend: opts.backend };
  if (opts.backend === 'osticket') {
    if (!opts.url) throw new UsageError('--url is required for --backend osticket.');
    checkUrlPolicy(opts.url, !!opts.allowInsecureHttp, '--url');
    values['osticket.url'] = opts.url;
    if (opts.ca) values['osticket.ca'] = opts.ca;
    if (opts.allowInsecureHttp) values['osticket.allowInsecureHttp'] = 'true';
  }
  if (opts.db) values.db = opts.db;
  const cfg = ctx.config();
  await cfg.addProfile(name, values);
  if (opts.withKey !== undefined) {
    if (opts.withKey !== '-') throw new UsageError('--with-key takes - (read the key from stdin); keys never go in arguments.');
    const key = await textOrStdin(ctx, '-');
    if (!key) throw new UsageError('No API key on stdin.');
    cfg.setSecret('osticket.apiKey', key, name);
  } else if (opts.backend === 'osticket' && ctx.prompter.enabled) {
    const key = await ctx.prompter.secret('--with-key -', `osTicket API key for ${name} (empty to skip)`);
    if (key) cfg.setSecret('osticket.apiKey', key, name);
  }
  if (opts.use) await cfg.useProfile(name);
  ctx.out.done(`Profile ${name} (${opts.backend}) saved${opts.use ? ' and in use' : ''}.`, { profile: name, backend: opts.backend, current: !!opts.use });
  if (opts.backend === 'osticket') ctx.out.info(`Next: soc-ticket --profile ${name} login, then soc-ticket --profile ${name} admin osticket check`);
}

export async function list(ctx: Ctx): Promise<void> {
  const cfg = ctx.config();
  const rows = ['default', ...cfg.profiles.filter((p) => p !== 'default')].map((p) => ({ name: p, current: p === cfg.profile ? '*' : '' }));
  if (ctx.out.mode === 'json') return ctx.out.json(rows);
  await ctx.out.rows(
    [
      { header: 'Profile', value: (r: (typeof rows)[0]) => r.name },
      { header: 'Current', value: (r: (typeof rows)[0]) => r.current },
    ],
    rows,
  );
}

export async function use(ctx: Ctx, name: string): Promise<void> {
  const cfg = ctx.config();
  if (name !== 'default' && !cfg.profiles.includes(name)) throw new UsageError(`No profile ${name}.`);
  await cfg.useProfile(name);
  ctx.out.done(`Using profile ${name}.`, { profile: name, current: true });
}

export async function remove(ctx: Ctx, name: string): Promise<void> {
  const cfg = ctx.config();
  if (!cfg.profiles.includes(name)) throw new UsageError(`No profile ${name}.`);
  await cfg.removeProfile(name);
  ctx.out.done(`Profile ${name} removed.`, { profile: name, removed: true });
}
