import type { Ctx } from '../../context.js';
import { UsageError } from '../../errors.js';
import { intOption } from '../shared.js';

export async function add(ctx: Ctx, name: string, opts: { topic?: string }): Promise<void> {
  await ctx.actor('admin');
  if (!/^[a-z0-9][a-z0-9._-]{0,63}$/.test(name)) throw new UsageError(`Category "${name}": lower-case letters, digits and . _ - only.`);
  const cfg = ctx.config();
  if (!cfg.categories.includes(name)) await cfg.setCategories([...cfg.categories, name]);
  if (opts.topic) await cfg.set(`topics.${name}`, String(intOption(opts.topic, '--topic')));
  ctx.out.done(`Category ${name}${opts.topic ? ` → osTicket help topic ${opts.topic}` : ''}.`, { categories: cfg.categories });
}

export async function remove(ctx: Ctx, name: string): Promise<void> {
  await ctx.actor('admin');
  const cfg = ctx.config();
  if (!cfg.categories.includes(name)) throw new UsageError(`No category ${name}.`);
  await cfg.setCategories(cfg.categories.filter((c) => c !== name));
  ctx.out.done(`Category ${name} removed.`, { categories: cfg.categories });
}

export async function list(ctx: Ctx): Promise<void> {
  const cfg = ctx.config();
  const topics = cfg.withPrefix('topics.');
  const rows = cfg.categories.map((c) => ({ category: c, topic: topics[c] ?? '' }));
  if (ctx.out.mode === 'json') return ctx.out.json(rows);
  await ctx.out.rows(
    [
      { header: 'Category', value: (r: (typeof rows)[0]) => r.category },
      { header: 'Help topic', value: (r: (typeof rows)[0]) => r.topic },
    ],
    rows,
  );
}
