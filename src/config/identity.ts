import { userInfo } from 'node:os';
import type { Env } from './paths.js';
import type { Actor } from '../workflow/roles.js';
import { loadRoles, teamsOf, type RoleSource } from './roles-file.js';
import { RoleError } from '../errors.js';

/** On the embedded store: SOC_TICKET_USER, else the OS login name. */
export function localUserName(env: Env): string {
  if (env.SOC_TICKET_USER) return env.SOC_TICKET_USER;
  try {
    return userInfo().username;
  } catch {
    return env.USER || env.LOGNAME || 'unknown';
  }
}

export interface Identity extends Actor {
  labMode: boolean;
  roles: RoleSource;
}

export function resolveIdentity(user: string, env: Env): Identity {
  const roles = loadRoles(env);
  if (roles.scope === 'none') return { user, role: 'lead', teams: [], labMode: true, roles };
  const role = roles.data.users[user];
  if (!role) {
    throw new RoleError(
      `${user} is not in the role file ${roles.path}.`,
      `A lead adds you: soc-ticket admin users add ${user} --role analyst`,
    );
  }
  return { user, role, teams: teamsOf(roles.data, user), labMode: false, roles };
}
