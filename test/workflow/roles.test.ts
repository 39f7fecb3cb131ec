import { describe, expect, it } from 'vitest';
import { ACTIONS, authorize, can, type Action } from '../../src/workflow/roles.js';
import { ROLES, type Role } from '../../src/domain/types.js';
import { RoleError } from '../../src/errors.js';

// The role matrix as the README documents it: every role × every action.
const EXPECTED: Record<Role, Action[]> = {
  bot: ['ingest'],
  analyst: ['ingest', 'list', 'show', 'triage', 'enrich', 'note', 'claim', 'resolve', 'escalate'],
  lead: ['ingest', 'list', 'show', 'triage', 'enrich', 'note', 'claim', 'resolve', 'escalate', 'assign', 'close', 'reopen', 'admin'],
};

describe('role matrix', () => {
  for (const role of ROLES) {
    for (const action of ACTIONS) {
      const allowed = EXPECTED[role].includes(action);
      it(`${role} ${allowed ? 'may' : 'may not'} ${action}`, () => {
        expect(can(role, action)).toBe(allowed);
        const actor = { user: 'u', role, teams: [] };
        if (allowed) expect(() => authorize(actor, action)).not.toThrow();
        else {
          const err = (() => {
            try {
              authorize(actor, action);
            } catch (e) {
              return e as RoleError;
            }
          })();
          expect(err).toBeInstanceOf(RoleError);
          expect(err!.exitCode).toBe(4);
          expect(err!.message).toContain(`role ${role}`);
        }
      });
    }
  }
});
