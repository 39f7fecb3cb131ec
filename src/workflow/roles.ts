// Who may do what. Pure data and a lookup; checked before any store is opened.
import type { Role } from '../domain/types.js';
import { RoleError } from '../errors.js';

export const ACTIONS = [
  'ingest',
  'list',
  'show',
  'triage',
  'enrich',
  'note',
  'claim',
  'assign',
  'resolve',
  'close',
  'reopen',
  'escalate',
  'admin',
] as const;
export type Action = (typeof ACTIONS)[number];

const ANALYST: Action[] = ['ingest', 'list', 'show', 'triage', 'enrich', 'note', 'claim', 'resolve', 'escalate'];

export const PERMISSIONS: Record<Role, ReadonlySet<Action>> = {
  bot: new Set<Action>(['ingest']),
  analyst: new Set<Action>(ANALYST),
  lead: new Set<Action>([...ANALYST, 'assign', 'close', 'reopen', 'admin']),
};

export function can(role: Role, action: Action): boolean {
  return PERMISSIONS[role].has(action);
}

export function rolesAllowed(action: Action): Role[] {
  return (Object.keys(PERMISSIONS) as Role[]).filter((r) => PERMISSIONS[r].has(action));
}

export interface Actor {
  user: string;
  role: Role;
  teams: string[];
}

export function authorize(actor: Actor, action: Action): void {
  if (can(actor.role, action)) return;
  const who = rolesAllowed(action).join(' or ');
  throw new RoleError(
    `${actor.user} has role ${actor.role}, which may not ${describe(action)}; that needs ${who}.`,
    `Ask a lead to change your role (soc-ticket admin users add ${actor.user} --role ${rolesAllowed(action)[0]}).`,
  );
}

function describe(action: Action): string {
  switch (action) {
    case 'claim':
      return 'claim tickets';
    case 'assign':
      return 'assign tickets to others';
    case 'close':
      return 'approve closures';
    case 'admin':
      return 'administer soc-ticket';
    case 'list':
    case 'show':
      return 'read tickets';
    default:
      return `${action} tickets`;
  }
}
