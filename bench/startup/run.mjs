// Start-up time of soc-ticket next to bare `node -e 0`, in the same run:
//   --version, --help, and `list --limit 50` on a 10,000-ticket embedded store.
// Goals (issue 2): --version within 1.5× bare node; that list within 3×.
// Usage: npm run build && node bench/startup/run.mjs [runs]
import { spawnSync } from 'node:child_process';
import { BIN, benchHome, fmt, stats, time } from '../lib.mjs';

const runs = Number(process.argv[2] ?? 30);
const home = benchHome();
try {
  // 10,000 distinct tickets through the real ingest path.
  const alerts = Array.from({ length: 10_000 }, (_, i) =>
    JSON.stringify({ title: `Bench alert ${i}`, severity: ['low', 'normal', 'high'][i % 3], host: `ws-${i % 400}`, src_ip: `198.51.100.${i % 250}`, dedup_key: `bench-${i}` }),
  ).join('\n');
  const ing = spawnSync(process.execPath, [BIN, 'ingest', '-'], { env: home.env, input: alerts, encoding: 'utf8' });
  if (ing.status !== 0) throw new Error(`ingest failed: ${ing.stderr}`);

  const node = process.execPath;
  const cases = [
    ['node -e 0', [node, ['-e', '0']]],
    ['soc-ticket --version', [node, [BIN, '--version']]],
    ['soc-ticket --help', [node, [BIN, '--help']]],
    ['soc-ticket list --limit 50 (10k store)', [node, [BIN, 'list', '--limit', '50']]],
  ];
  const results = cases.map(([name, [cmd, args]]) => ({ name, ...stats(time(cmd, args, { env: home.env, runs })) }));
  const base = results[0].median;
  console.log(`node ${process.version}, ${runs} runs each (after one warm-up); milliseconds`);
  console.log(`${'command'.padEnd(40)}  median      p90      min   × node`);
  for (const r of results) console.log(`${r.name.padEnd(40)}${fmt(r.median)} ${fmt(r.p90)} ${fmt(r.min)}   ${(r.median / base).toFixed(2)}`);
  const v = results[1].median / base;
  const l = results[3].median / base;
  console.log(`goals: --version ≤ 1.5× (${v.toFixed(2)}× ${v <= 1.5 ? 'met' : 'MISSED'}), list ≤ 3× (${l.toFixed(2)}× ${l <= 3 ? 'met' : 'MISSED'})`);
} finally {
  home.cleanup();
}
