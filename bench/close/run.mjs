// Bulk approval: `soc-ticket close --all-resolved --yes` over N resolved tickets on the embedded
// store, timed as a whole command (issue 2: closing 1,000 tickets in one command must work).
// The tickets are prepared through the store and the workflow module directly (fast), then
// closed by the real binary, as a lead other than the resolver.
// Usage: npm run build && node bench/close/run.mjs [N=1000]
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { BIN, benchHome } from '../lib.mjs';
import { LocalStore } from '../../dist/backends/local/store.js';
import { planAssign, planResolve, planTriage } from '../../dist/workflow/transitions.js';

const n = Number(process.argv[2] ?? 1000);
const home = benchHome();
const db = join(home.dir, 'data', 'soc-ticket', 'tickets.db');
try {
  const store = await LocalStore.open(db);
  const ana = { user: 'ana', role: 'analyst', teams: [] };
  for (let i = 0; i < n; i++) {
    let t = await store.createFromAlert(
      { format: 'soc-ticket', title: `Bench ${i}`, severity: 'low', time: new Date().toISOString(), mitre: [], observables: [], dedupKey: `close-${i}`, raw: '{}' },
      'siem',
    );
    t = await store.applyChange(t.id, planTriage(t, ana, { severity: 'low', category: 'recon', verdict: 'true-positive' }));
    t = await store.applyChange(t.id, planAssign(t, ana, { to: 'me' }));
    await store.applyChange(t.id, planResolve(t, ana, { summary: 'bench' }));
  }
  await store.close();

  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [BIN, 'close', '--all-resolved', '--yes', '--json'], { env: { ...home.env, SOC_TICKET_USER: 'lena' }, encoding: 'utf8', maxBuffer: 1 << 30 });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const out = JSON.parse(r.stdout);
  console.log(`node ${process.version}: closed ${out.closed} of ${n} resolved tickets in one command: ${s.toFixed(2)} s (${(out.closed / s).toFixed(0)} tickets/s), exit ${r.status}`);
  if (out.closed !== n || r.status !== 0) process.exitCode = 1;
} finally {
  home.cleanup();
}
