import type { Ctx } from '../context.js';
import { buildProgram } from '../cli.js';
import { completionScript, type Shell } from '../completion/generate.js';

export async function run(ctx: Ctx, shell: Shell): Promise<void> {
  const program = buildProgram({ io: ctx.io, code: 0 });
  ctx.io.stdout.write(completionScript(program, shell));
}
