// Roles, teams, categories, settings and profiles.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sandbox, type Sandbox } from '../helpers/cli.js';

let sb: Sandbox;
beforeEach(() => {
  sb = sandbox();
});
afterEach(() => sb.cleanup());

const userRoles = () => join(sb.env.XDG_CONFIG_HOME, 'soc-ticket', 'roles.json');

describe('admin users and teams', () => {
  it('the first user added in lab mode creates the role file and stays lead', async () => {
    const r = await sb.run(['admin', 'users', 'add', 'ana', '--role', 'analyst', '--json'], { user: 'lena' });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ user: 'ana', role: 'analyst' });
    expect(JSON.parse(readFileSync(userRoles(), 'utf8')).users).toEqual({ lena: 'lead', ana: 'analyst' });
    // roles now apply: ana may not administer
    const denied = await sb.run(['admin', 'users', 'add', 'ana', '--role', 'lead'], { user: 'ana' });
    expect(denied.code).toBe(4);
    const list = await sb.run(['admin', 'users', 'list'], { user: 'lena' });
    expect(list.stdout).toBe('user\trole\tteams\nlena\tlead\t\nana\tanalyst\t\n');
  });

  it('a system-wide role file wins over the user’s own, so nobody promotes themselves', async () => {
    mkdirSync(dirname(userRoles()), { recursive: true });
    writeFileSync(userRoles(), JSON.stringify({ users: { ana: 'lead' } }));
    mkdirSync(dirname(sb.env.SOC_TICKET_ROLES_FILE), { recursive: true });
    writeFileSync(sb.env.SOC_TICKET_ROLES_FILE, JSON.stringify({ users: { ana: 'analyst', lena: 'lead' } }));
    const who = await sb.run(['whoami', '--json'], { user: 'ana' });
    expect(JSON.parse(who.stdout)).toMatchObject({ user: 'ana', role: 'analyst', roleFile: sb.env.SOC_TICKET_ROLES_FILE });
    expect((await sb.run(['close', '--all-resolved', '--yes'], { user: 'ana' })).code).toBe(4);
  });

  it('a broken role file is a clear error naming the file', async () => {
    mkdirSync(dirname(sb.env.SOC_TICKET_ROLES_FILE), { recursive: true });
    writeFileSync(sb.env.SOC_TICKET_ROLES_FILE, JSON.stringify({ users: { ana: 'admin' } }));
    const r = await sb.run(['list'], { user: 'ana' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('user ana has unknown role "admin"');
  });

  it('teams take known members, and team members resolve team tickets', async () => {
    await sb.run(['admin', 'users', 'add', 'bob', '--role', 'analyst'], { user: 'lena' });
    const bad = await sb.run(['admin', 'teams', 'add', 'tier2', '--members', 'bob,zed'], { user: 'lena' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Not in the role file: zed');
    expect((await sb.run(['admin', 'teams', 'add', 'tier2', '--members', 'bob'], { user: 'lena' })).code).toBe(0);
    expect(JSON.parse((await sb.run(['whoami', '--json'], { user: 'bob' })).stdout).teams).toEqual(['tier2']);
  });
});

describe('admin categories', () => {
  it('adds a category that triage then accepts', async () => {
    await sb.run(['ingest', '-'], { user: 'lena', stdin: '{"title":"t","severity":"low"}' });
    const refused = await sb.run(['triage', '1', '--severity', 'low', '--category', 'insider', '--verdict', 'benign'], { user: 'lena' });
    expect(refused.code).toBe(5);
    expect(refused.stderr).toContain('admin categories add insider');
    expect((await sb.run(['admin', 'categories', 'add', 'insider', '--topic', '15'], { user: 'lena' })).code).toBe(0);
    expect((await sb.run(['triage', '1', '--severity', 'low', '--category', 'insider', '--verdict', 'benign'], { user: 'lena' })).code).toBe(0);
    expect((await sb.run(['admin', 'categories', 'list'], { user: 'lena' })).stdout).toContain('insider\t15');
  });
});

describe('admin config and secrets', () => {
  it('refuses a secret given as an argument (it would show in ps)', async () => {
    const r = await sb.run(['admin', 'config', 'set', 'misp.apiKey', 's3cr3t-key-value'], { user: 'lena' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is a secret');
    expect(r.stderr).not.toContain('s3cr3t-key-value');
  });

  it('takes a secret on stdin, stores it 0600, and only ever shows it masked', async () => {
    const r = await sb.run(['admin', 'config', 'set', 'misp.apiKey', '--stdin'], { user: 'lena', stdin: 'AbCdEf0123456789xyz\n' });
    expect(r.code).toBe(0);
    const secrets = join(sb.env.XDG_CONFIG_HOME, 'soc-ticket', 'secrets.json');
    expect(statSync(secrets).mode & 0o777).toBe(0o600);
    expect(readFileSync(secrets, 'utf8')).toContain('AbCdEf0123456789xyz');
    const list = await sb.run(['admin', 'config', 'list'], { user: 'lena' });
    expect(list.stdout).toContain('misp.apiKey\t****9xyz\tprofile');
    expect(list.stdout + list.stderr).not.toContain('AbCdEf0123456789xyz');
    const get = await sb.run(['admin', 'config', 'get', 'misp.apiKey', '--json'], { user: 'lena' });
    expect(JSON.parse(get.stdout).value).toBe('****9xyz');
  });

  it('precedence: environment over profile over global over default', async () => {
    const get = async (env: Record<string, string> = {}) =>
      JSON.parse((await sb.run(['admin', 'config', 'get', 'dedup.window', '--json'], { user: 'lena', env })).stdout);
    expect(await get()).toEqual({ key: 'dedup.window', value: '24h', origin: 'default' });
    await sb.run(['admin', 'config', 'set', 'dedup.window', '12h', '--global'], { user: 'lena' });
    expect((await get()).origin).toBe('global');
    await sb.run(['admin', 'config', 'set', 'dedup.window', '6h'], { user: 'lena' });
    expect(await get()).toMatchObject({ value: '6h', origin: 'profile' });
    expect(await get({ SOC_TICKET_DEDUP_WINDOW: '1h' })).toMatchObject({ value: '1h', origin: 'env' });
  });

  it('an unknown setting is named', async () => {
    const r = await sb.run(['admin', 'config', 'set', 'colour', 'red'], { user: 'lena' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Unknown setting colour');
  });
});

describe('profiles', () => {
  it('a second local profile has its own store', async () => {
    expect((await sb.run(['admin', 'profile', 'add', 'lab', '--backend', 'local'], { user: 'lena' })).code).toBe(0);
    await sb.run(['--profile', 'lab', 'ingest', '-'], { user: 'lena', stdin: '{"title":"lab only","severity":"low"}' });
    expect(JSON.parse((await sb.run(['--profile', 'lab', 'list', '--json'], { user: 'lena' })).stdout)).toHaveLength(1);
    expect(JSON.parse((await sb.run(['list', '--json'], { user: 'lena' })).stdout)).toHaveLength(0);
    expect(existsSync(join(sb.env.XDG_DATA_HOME, 'soc-ticket', 'tickets-lab.db'))).toBe(true);
    const unknown = await sb.run(['--profile', 'nope', 'list'], { user: 'lena' });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('No profile named nope');
  });

  it('refuses plain http to a remote osTicket unless allowed', async () => {
    const r = await sb.run(['admin', 'profile', 'add', 'soc', '--backend', 'osticket', '--url', 'http://help.example.org/'], { user: 'lena' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('plain http');
  });
});

describe('doctor', () => {
  it('checks node, store and role file', async () => {
    const r = await sb.run(['admin', 'doctor', '--json'], { user: 'lena' });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).map((c: { check: string }) => c.check)).toEqual(expect.arrayContaining(['node', 'store', 'roles']));
  });
});
