// XDG base directories (https://specifications.freedesktop.org/basedir-spec/).
import { homedir } from 'node:os';
import { join } from 'node:path';

export type Env = Record<string, string | undefined>;

function home(env: Env): string {
  return env.HOME || homedir();
}

export function configDir(env: Env): string {
  return join(env.XDG_CONFIG_HOME || join(home(env), '.config'), 'soc-ticket');
}

export function dataDir(env: Env): string {
  return join(env.XDG_DATA_HOME || join(home(env), '.local', 'share'), 'soc-ticket');
}

export function systemRolesFile(env: Env): string {
  return env.SOC_TICKET_ROLES_FILE || '/etc/soc-ticket/roles.json';
}

export function userRolesFile(env: Env): string {
  return join(configDir(env), 'roles.json');
}
