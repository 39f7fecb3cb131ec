#!/usr/bin/env node
// Ingest throughput and memory, side by side with `jq -c . FILE > /dev/null` on the same file.
//
//   node bench/ingest/run.mjs [N=100000] [--rounds R=2] [--big [GB=1]]
//
// Generates N Suricata alerts (bench/ingest/gen-suricata.mjs, from the real samples) under
// /tmp/soc-ticket-bench, then alternates jq and `soc-ticket ingest FILE` (a fresh embedded store
// each round) and prints alerts/s and peak RSS of both. --big also generates ~GB of NDJSON,
// ingests it, reports peak RSS (goal < 150 MB), and deletes the file and the store afterwards.
// Wall time and peak RSS come from GNU time (/usr/bin/time -f '%e %M'). Build first: npx tsc.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, ROOT, benchHome } from '../lib.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  if (i < 0) return dflt;
  const v = args[i + 1];
  args.splice(i, v !== undefined && !v.startsWith('--') ? 2 : 1);
  return v !== undefined && !v.startsWith('--') ? v : true;
};
const big = opt('--big', false);
const rounds = Number(opt('--rounds', 2));
const n = Number(args[0] ?? 100_000);
const JQ = '/usr/bin/jq';
const TIME = '/usr/bin/time';
const DIR = '/tmp/soc-ticket-bench';
mkdirSync(DIR, { recursive: true });
for (const tool of [JQ, TIME]) if (!existsSync(tool)) throw new Error(`${tool} is needed (apt-get install jq time)`);
if (!existsSync(join(ROOT, 'dist', 'cli.js'))) throw new Error('build first: npx tsc -p tsconfig.json');

function generate(count, file) {
  if (existsSync(file)) return;
  const r = spawnSync(process.execPath, [join(ROOT, 'bench', 'ingest', 'gen-suricata.mjs'), String(count), file], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('generator failed');
}

/** Run under GNU time: wall seconds and peak RSS (KiB) of the command itself. */
function measure(cmd, cmdArgs, env) {
  const r = spawnSync(TIME, ['-f', '@@%e %M', cmd, ...cmdArgs], { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const m = /@@([\d.]+) (\d+)\s*$/.exec(r.stderr);
  if (!m) throw new Error(`${cmd} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return { s: Number(m[1]), rssMB: Number(m[2]) / 1024, status: r.status, stderr: r.stderr };
}

const row = (name, count, m) => `${name.padEnd(22)} ${String(m.s.toFixed(2)).padStart(7)} s ${String(Math.round(count / m.s)).padStart(9)} alerts/s ${m.rssMB.toFixed(0).padStart(6)} MB peak RSS`;

function ingest(file) {
  const home = benchHome();
  try {
    const m = measure(process.execPath, [BIN, 'ingest', file], home.env);
    if (m.status !== 0) throw new Error(`ingest exited ${m.status}: ${m.stderr.slice(-2000)}`);
    const summary = /(\d+) created, (\d+) occurrences/.exec(m.stderr);
    return { ...m, summary: summary ? `${summary[1]} created, ${summary[2]} occurrences` : '?' };
  } finally {
    home.cleanup();
  }
}

const file = join(DIR, `suricata-${n}.ndjson`);
generate(n, file);
console.log(`${n} Suricata alerts, ${(statSync(file).size / 1e6).toFixed(1)} MB: ${file}`);
console.log(`node ${process.version}, ${(await import('node:os')).cpus().length} CPUs\n`);
const results = { jq: [], ingest: [] };
for (let r = 0; r < rounds; r++) {
  const j = measure(JQ, ['-c', '.', file], process.env);
  results.jq.push(j);
  console.log(row(`jq -c . (round ${r + 1})`, n, j));
  const i = ingest(file);
  results.ingest.push(i);
  console.log(row(`ingest (round ${r + 1})`, n, i) + `  [${i.summary}]`);
}
const best = (xs) => xs.reduce((a, b) => (b.s < a.s ? b : a));
const bj = best(results.jq);
const bi = best(results.ingest);
console.log(`\nbest of ${rounds}: ingest ${Math.round(n / bi.s)} alerts/s vs jq ${Math.round(n / bj.s)} lines/s → ${(bj.s / bi.s).toFixed(2)}× jq's rate; peak RSS ingest ${bi.rssMB.toFixed(0)} MB, jq ${bj.rssMB.toFixed(0)} MB`);

if (big) {
  const gb = typeof big === 'string' ? Number(big) : 1;
  const lines = Math.ceil((gb * 1e9) / 950);
  const bigFile = join(DIR, `suricata-big-${lines}.ndjson`);
  try {
    generate(lines, bigFile);
    const size = statSync(bigFile).size;
    console.log(`\n${(size / 1e9).toFixed(2)} GB NDJSON (${lines} alerts): ${bigFile}`);
    const i = ingest(bigFile);
    console.log(row('ingest (big)', lines, i) + `  [${i.summary}]  goal: < 150 MB ${i.rssMB < 150 ? 'met' : 'NOT met'}`);
  } finally {
    rmSync(bigFile, { force: true });
    console.log(`deleted ${bigFile}`);
  }
}
