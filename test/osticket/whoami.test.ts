// whoami on an osTicket profile: the agent, its osTicket role and departments (as `admin osticket
// setup` read them from a replayed osTicket 1.18.1), the SOC role and the URL — without a request.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sandbox, type Sandbox } from '../helpers/cli.js';
import { parseExtendedAccess } from '../../src/backends/osticket/admin.js';
import { LOGIN, osticket, type Step } from './replay.js';

let sb: Sandbox;
const stubs: Array<{ close(): Promise<void> | void }> = [];
beforeEach(() => {
  sb = sandbox();
});
afterEach(async () => {
  for (const s of stubs.splice(0)) await s.close();
  sb.cleanup();
});

const FIX = join(import.meta.dirname, '..', 'fixtures', 'osticket');

/** The admin pages `admin osticket setup` reads, in its order (statuses already created). */
const SETUP: Step[] = [
  { method: 'GET', path: 'scp/lists.php', reply: 'admin-statuses-after-setup.200.http' },
  { method: 'GET', path: 'scp/departments.php', reply: 'admin-departments.200.http' },
  { method: 'GET', path: 'scp/helptopics.php', reply: 'admin-helptopics.200.http' },
  { method: 'GET', path: 'scp/staff.php', reply: 'admin-staff.200.http', check: (r) => expect(r.query.get('id')).toBeNull() },
  { method: 'GET', path: 'scp/teams.php', reply: 'admin-teams.200.http' },
  ...[1, 2, 3, 4, 5].map((id): Step => ({ method: 'GET', path: 'scp/staff.php', reply: `admin-staff-${id}.200.http`, check: (r) => expect(r.query.get('id')).toBe(String(id)) })),
];

async function profile(steps: Step[]) {
  const stub = await osticket(steps);
  stubs.push(stub);
  const add = await sb.run(['admin', 'profile', 'add', 'lab', '--backend', 'osticket', '--url', stub.base, '--with-key', '-', '--use'], { user: 'lena', stdin: 'k-123\n' });
  expect(add.code).toBe(0);
  return stub;
}

describe('whoami on an osTicket profile', () => {
  it('shows the agent, its osTicket role and departments from setup, the SOC role and the URL', async () => {
    const stub = await profile([...LOGIN, ...SETUP]);
    expect((await sb.run(['login', '--username', 'socadmin', '--password-stdin'], { user: 'lena', stdin: 'pw' })).code).toBe(0);
    const setup = await sb.run(['admin', 'osticket', 'setup'], { user: 'lena' });
    expect(setup.stderr).toContain('Mapping saved');
    expect(setup.code).toBe(0);
    stub.assertDone();
    const before = stub.requests.length;

    const who = await sb.run(['whoami', '--json'], { user: 'lena' });
    expect(who.code).toBe(0);
    const j = JSON.parse(who.stdout);
    // On an osTicket profile the SOC user is the logged-in agent (its SOC role from the role file; lab mode here).
    expect(j).toMatchObject({ user: 'socadmin', role: 'lead', backend: 'osticket', profile: 'lab' });
    expect(j.osticket).toEqual({
      url: stub.base,
      agent: 'socadmin',
      name: 'Admin User',
      role: 'All Access',
      // Primary department Support, extended access recorded on the admin's staff page.
      departments: ['Support', 'Sales (All Access)', 'Maintenance (All Access)', 'SOC (All Access)'],
      known: true,
    });

    const table = await sb.run(['whoami'], { user: 'lena' });
    expect(table.stdout).toContain('osTicket agent\tsocadmin (Admin User)\n');
    expect(table.stdout).toContain('osTicket role\tAll Access\n');
    expect(table.stdout).toContain('departments\tSupport, Sales (All Access), Maintenance (All Access), SOC (All Access)\n');
    expect(table.stdout).toContain(`osTicket URL\t${stub.base}\n`);
    expect(table.stdout).toContain('role\tlead (lab mode: no role file)\n');
    // whoami reads the profile only: osTicket is not asked.
    expect(stub.requests.length).toBe(before);
  });

  it('an analyst logged in on a machine that imported the mapping sees its own role and department', async () => {
    const stub = await profile([...LOGIN, ...SETUP, ...LOGIN]);
    await sb.run(['login', '--username', 'socadmin', '--password-stdin'], { user: 'lena', stdin: 'pw' });
    expect((await sb.run(['admin', 'osticket', 'setup'], { user: 'lena' })).code).toBe(0);
    expect((await sb.run(['login', '--username', 'analyst1', '--password-stdin'], { user: 'lena', stdin: 'pw' })).code).toBe(0);
    // The SOC role comes from the role file, the osTicket role from osTicket: two different things.
    mkdirSync(dirname(sb.env.SOC_TICKET_ROLES_FILE), { recursive: true });
    writeFileSync(sb.env.SOC_TICKET_ROLES_FILE, JSON.stringify({ users: { analyst1: 'analyst', socadmin: 'lead' } }));
    const j = JSON.parse((await sb.run(['whoami', '--json'], { user: 'lena' })).stdout);
    expect(j).toMatchObject({ user: 'analyst1', role: 'analyst', roleFile: sb.env.SOC_TICKET_ROLES_FILE });
    expect(j.osticket).toMatchObject({ agent: 'analyst1', name: 'Analyst One', role: 'Expanded Access', departments: ['SOC'], known: true });
    stub.assertDone();
  });

  it('with an API key only, or before setup, it says so instead of guessing', async () => {
    const stub = await profile([...LOGIN]);
    const keyOnly = await sb.run(['whoami'], { user: 'lena' });
    expect(keyOnly.stdout).toContain('osTicket agent\tnone: API key only (soc-ticket login)\n');
    expect(keyOnly.stdout).not.toContain('osTicket role');
    await sb.run(['login', '--username', 'analyst1', '--password-stdin'], { user: 'lena', stdin: 'pw' });
    const noSetup = await sb.run(['whoami'], { user: 'lena' });
    expect(noSetup.stdout).toContain('osTicket role\tunknown (an osTicket admin runs: soc-ticket admin osticket setup)\n');
    expect(JSON.parse((await sb.run(['whoami', '--json'], { user: 'lena' })).stdout).osticket).toMatchObject({ agent: 'analyst1', role: null, departments: [], known: false });
    stub.assertDone();
  });
});

describe('extended department access on the admin staff page', () => {
  it('reads addAccess calls (department, role) and nothing from other scripts', () => {
    const html = readFileSync(join(FIX, 'admin-staff-1.200.http'), 'utf8');
    const roles = new Map([[1, 'All Access'], [2, 'Expanded Access']]);
    expect(parseExtendedAccess(html, roles)).toEqual([
      { department: 'Sales', role: 'All Access' },
      { department: 'Maintenance', role: 'All Access' },
      { department: 'SOC', role: 'All Access' },
    ]);
    // The template call `addAccess(id, selected.text(), 0, true)` in osTicket's script is not an entry.
    expect(parseExtendedAccess('addAccess(id, selected.text(), 0, true); addAccess(7, "R&amp;D \\"x\\"", 2, 0, null);', roles)).toEqual([{ department: 'R&amp;D "x"', role: 'Expanded Access' }]);
    expect(parseExtendedAccess(readFileSync(join(FIX, 'admin-staff-2.200.http'), 'utf8'), roles)).toEqual([]);
  });
});
