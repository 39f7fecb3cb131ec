// logout ends both sessions of the agent (the second one exports the closed queue for list --all)
// and forgets the password and both cookie files.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { existsSync, writeFileSync } from 'node:fs';
import { sandbox, type Sandbox } from '../helpers/cli.js';
import { exportSessionPath, sessionPath } from '../../src/backends/osticket/settings.js';
import { LOGIN, osticket } from './replay.js';

let sb: Sandbox;
beforeEach(() => {
  sb = sandbox();
});
afterEach(() => sb.cleanup());

it('logout ends the main and the export session and removes both files', async () => {
  const stub = await osticket([...LOGIN, { method: 'GET', path: 'scp/logout.php', reply: 'logout.302.http', times: 2 }]);
  try {
    await sb.run(['admin', 'profile', 'add', 'lab', '--backend', 'osticket', '--url', stub.base, '--use'], { user: 'lena' });
    expect((await sb.run(['login', '--username', 'analyst1', '--password-stdin'], { user: 'lena', stdin: 'pw' })).code).toBe(0);
    const main = sessionPath(sb.env, 'lab');
    const second = exportSessionPath(sb.env, 'lab');
    expect(existsSync(main)).toBe(true);
    writeFileSync(second, JSON.stringify({ v: 1, user: 'analyst1', cookies: { OSTSESSID: 'second' }, csrf: 'x' }), { mode: 0o600 });
    const out = await sb.run(['logout'], { user: 'lena' });
    expect(out.code).toBe(0);
    expect(out.stderr).toContain('session ended');
    expect(stub.requests.filter((r) => r.path.endsWith('logout.php')).map((r) => /OSTSESSID=second/.test(String(r.headers.cookie)))).toEqual([false, true]);
    expect(existsSync(main)).toBe(false);
    expect(existsSync(second)).toBe(false);
    stub.assertDone();
  } finally {
    await stub.close();
  }
});
