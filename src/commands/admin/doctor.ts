import { accessSync, constants, existsSync, statSync } from 'node:fs';
import type { Ctx } from '../../context.js';
import { localDbPath } from '../../context.js';
import { systemRolesFile, userRolesFile } from '../../config/paths.js';
import { EXIT } from '../../errors.js';
import { join } from 'node:path';

interface Check {
  check: string;
  ok: boolean;
  detail: string;
}

export async function run(ctx: Ctx): Promise<number> {
  const cfg = ctx.config();
  const checks: Check[] = [];
  const nodeMajor = Number(process.versions.node.split('.')[0]);
  checks.push({ check: 'node', ok: nodeMajor >= 20, detail: `v${process.versions.node} (needs >= 20.17)` });
  const backend = cfg.get('backend') ?? 'local';
  checks.push({ check: 'profile', ok: true, detail: `${cfg.profile} (backend ${backend})` });
  const sys = systemRolesFile(ctx.io.env);
  const user = userRolesFile(ctx.io.env);
  checks.push({
    check: 'roles',
    ok: true,
    detail: existsSync(sys) ? `system file ${sys}` : existsSync(user) ? `user file ${user}` : 'no role file: lab mode, everyone is lead',
  });
  const secrets = join(cfg.dir, 'secrets.json');
  if (existsSync(secrets)) {
    const mode = statSync(secrets).mode & 0o777;
    checks.push({ check: 'secrets file', ok: (mode & 0o077) === 0, detail: `${secrets} mode ${mode.toString(8)}${mode & 0o077 ? ' — run chmod 600' : ''}` });
  }
  if (backend === 'local') {
    const path = localDbPath(cfg);
    try {
      const store = await ctx.store();
      const n = (await store.list({ limit: 1_000_000 })).length;
      accessSync(path, constants.W_OK);
      checks.push({ check: 'store', ok: true, detail: `${path} (${n} open tickets)` });
    } catch (e) {
      checks.push({ check: 'store', ok: false, detail: `${path}: ${(e as Error).message}` });
    }
  } else {
    checks.push({ check: 'osticket', ok: true, detail: 'run soc-ticket admin osticket check for the end-to-end check' });
  }
  if (ctx.out.mode === 'json') ctx.out.json(checks);
  else
    await ctx.out.rows(
      [
        { header: 'Check', value: (c: Check) => c.check },
        { header: 'OK', value: (c: Check) => (c.ok ? 'ok' : 'FAIL'), color: (s) => (s === 'ok' ? ctx.out.c.green(s) : ctx.out.c.red(s)) },
        { header: 'Detail', value: (c: Check) => c.detail },
      ],
      checks,
    );
  return checks.every((c) => c.ok) ? EXIT.ok : EXIT.unexpected;
}
