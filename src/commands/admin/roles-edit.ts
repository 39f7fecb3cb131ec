// Changes to the role file in force: the system file when there is one, else the user's.
import type { Ctx } from '../../context.js';
import { saveRoles, type RolesData } from '../../config/roles-file.js';
import { UsageError } from '../../errors.js';

export async function editRoles(ctx: Ctx, mutate: (data: RolesData) => void): Promise<RolesData> {
  const me = await ctx.actor('admin');
  const src = me.roles;
  const data: RolesData = structuredClone(src.data);
  if (src.scope === 'none') {
    // The first role file: keep its author a lead, or they would lock themselves out.
    data.users[me.user] = 'lead';
    ctx.out.info(`Creating the role file ${src.path} with ${me.user} as lead.`);
  }
  mutate(data);
  try {
    saveRoles(src.path, data);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(
      `Cannot write the role file ${src.path}: ${code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (e as Error).message}.`,
      src.scope === 'system' ? 'The system-wide role file is edited by its owner (usually root).' : undefined,
    );
  }
  return data;
}
