// Who is who. A system-wide role file (root-owned on a shared host) wins over the user's own,
// so an analyst cannot promote themselves by editing a file in their home directory.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ROLES, type Role } from '../domain/types.js';
import { UsageError } from '../errors.js';
import { systemRolesFile, userRolesFile, type Env } from './paths.js';

export interface RolesData {
  users: Record<string, Role>;
  teams: Record<string, string[]>;
}

export interface RoleSource {
  path: string;
  /** 'system' or 'user'; 'none' in single-user lab mode (no file anywhere). */
  scope: 'system' | 'user' | 'none';
  data: RolesData;
}

export function loadRoles(env: Env): RoleSource {
  const sys = systemRolesFile(env);
  if (existsSync(sys)) return { path: sys, scope: 'system', data: parse(sys) };
  const user = userRolesFile(env);
  if (existsSync(user)) return { path: user, scope: 'user', data: parse(user) };
  return { path: user, scope: 'none', data: { users: {}, teams: {} } };
}

function parse(path: string): RolesData {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UsageError(`Role file ${path} is not valid JSON: ${(e as Error).message}`);
  }
  const r = raw as Partial<RolesData>;
  const users: Record<string, Role> = {};
  for (const [name, role] of Object.entries(r.users ?? {})) {
    if (!(ROLES as readonly string[]).includes(role as string)) {
      throw new UsageError(`Role file ${path}: user ${name} has unknown role "${role}" (use ${ROLES.join(', ')}).`);
    }
    users[name] = role as Role;
  }
  const teams: Record<string, string[]> = {};
  for (const [name, members] of Object.entries(r.teams ?? {})) teams[name] = Array.isArray(members) ? members.map(String) : [];
  return { users, teams };
}

export function saveRoles(path: string, data: RolesData): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(data, null, 2) + '\n', { mode: 0o644 });
  renameSync(tmp, path);
}

export function teamsOf(data: RolesData, user: string): string[] {
  return Object.entries(data.teams)
    .filter(([, members]) => members.includes(user))
    .map(([name]) => name);
}
