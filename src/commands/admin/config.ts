import type { Ctx } from '../../context.js';
import { maskSecret } from '../../config/config.js';
import { isSecretKey } from '../../config/keys.js';
import { UsageError } from '../../errors.js';
import { textOrStdin } from '../shared.js';

export async function get(ctx: Ctx, key: string): Promise<void> {
  const v = ctx.config().get(key);
  const shown = isSecretKey(key) ? maskSecret(v) : v;
  if (ctx.out.mode === 'json') return ctx.out.json({ key, value: shown ?? null, origin: ctx.config().origin(key) ?? null });
  if (shown === undefined) throw new UsageError(`${key} is not set.`);
  ctx.out.text(shown);
}

export async function set(ctx: Ctx, key: string, value: string | undefined, opts: { global?: boolean; stdin?: boolean }): Promise<void> {
  await ctx.actor('admin');
  if (isSecretKey(key)) {
    // Secrets never come from arguments: they would show in `ps` and shell history.
    if (value !== undefined && value !== '-') throw new UsageError(`${key} is a secret: give it on stdin (--stdin) or at the prompt, not as an argument.`);
    if (opts.stdin || value === '-') value = await textOrStdin(ctx, '-');
    else value = await ctx.prompter.secret('--stdin', `${key}`);
  } else if (opts.stdin || value === '-') value = await textOrStdin(ctx, '-');
  if (value === undefined || value === '') throw new UsageError(`Give a value for ${key}.`);
  await ctx.config().set(key, value, opts.global ? 'global' : 'profile');
  ctx.out.done(`${key} set${opts.global ? ' globally' : ` in profile ${ctx.config().profile}`}.`, { key, set: true, scope: opts.global ? 'global' : ctx.config().profile });
}

export async function unset(ctx: Ctx, key: string, opts: { global?: boolean }): Promise<void> {
  await ctx.actor('admin');
  await ctx.config().set(key, undefined, opts.global ? 'global' : 'profile');
  ctx.out.done(`${key} unset.`, { key, set: false });
}

export async function list(ctx: Ctx): Promise<void> {
  const rows = ctx
    .config()
    .entries()
    .map((e) => ({ key: e.key, value: e.secret ? maskSecret(e.value) : (e.value ?? ''), origin: e.origin ?? '' }));
  if (ctx.out.mode === 'json') return ctx.out.json({ profile: ctx.config().profile, settings: rows });
  ctx.out.info(`Profile: ${ctx.config().profile}`);
  await ctx.out.rows(
    [
      { header: 'Key', value: (r: (typeof rows)[0]) => r.key },
      { header: 'Value', value: (r: (typeof rows)[0]) => r.value },
      { header: 'From', value: (r: (typeof rows)[0]) => r.origin },
    ],
    rows,
  );
}
