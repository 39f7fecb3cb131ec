#!/usr/bin/env node
// Webhook receiver throughput: single-alert POSTs over keep-alive on loopback.
//
//   node bench/webhook/run.mjs [--seconds S=10] [--connections C=8] [--client node]
//
// Starts `soc-ticket ingest --listen 127.0.0.1:0` on a fresh embedded store, then drives it with
// wrk (apt-get install wrk) and a Lua script that sends a distinct Suricata alert (from the real
// sample) per request, so every request is a real ingest, not a duplicate. Without wrk, or with
// --client node, a small node:http keep-alive client does the same. Prints requests/s, latency,
// the status codes seen and the receiver's peak RSS. Build first: npx tsc -p tsconfig.json.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { BIN, ROOT, benchHome } from '../lib.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i < 0 ? dflt : args[i + 1];
};
const seconds = Number(opt('--seconds', 10));
const connections = Number(opt('--connections', 8));
const useWrk = opt('--client', 'wrk') === 'wrk' && spawnSync('wrk', ['--version']).error === undefined;
if (!existsSync(join(ROOT, 'dist', 'cli.js'))) throw new Error('build first: npx tsc -p tsconfig.json');

const template = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'alerts', 'suricata', 'mauz88_Suricata_Detection_eve.alerts-only.ndjson'), 'utf8').split('\n')[0]);
template.flow_id = 424242;
template.src_ip = '198.51.100.77';
const body = JSON.stringify(template);
const [before, after] = body.split('424242');
const [ipBefore, ipAfter] = after.split('198.51.100.77');

const home = benchHome();
const srv = spawn(process.execPath, [BIN, 'ingest', '--listen', '127.0.0.1:0'], { env: home.env, stdio: ['ignore', 'ignore', 'pipe'] });
let log = '';
let requests = 0;
srv.stderr.on('data', (d) => {
  const s = String(d);
  if (!url) log += s;
  requests += (s.match(/ POST \/alerts \d{3} /g) ?? []).length;
});
let url;
for (let i = 0; i < 200 && !url; i++) {
  await new Promise((r) => setTimeout(r, 50));
  url = /Listening on (http:\/\/[\d.]+:\d+)/.exec(log)?.[1];
}
if (!url) throw new Error(`receiver did not start:\n${log}`);

let peakRss = 0;
const rssTimer = setInterval(() => {
  try {
    const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${srv.pid}/status`, 'utf8'));
    if (m) peakRss = Math.max(peakRss, Number(m[1]) / 1024);
  } catch {
    /* gone */
  }
}, 200);

console.log(`receiver ${url}, ${seconds} s, ${connections} keep-alive connections, client: ${useWrk ? 'wrk' : 'node:http'}`);
if (useWrk) {
  // Distinct events (a per-thread counter in flow_id); 250 source IPs, so 250 dedup keys:
  // a few tickets are created, every other request is an occurrence.
  const lua = join(home.dir, 'post.lua');
  const q = (s) => JSON.stringify(s);
  writeFileSync(
    lua,
    `local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end
function init(args)
  n = id * 100000000
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  n = n + 1
  local ip = "198.51.100." .. (n % 250 + 1)
  local body = ${q(before)} .. n .. ${q(ipBefore)} .. ip .. ${q(ipAfter)}
  return wrk.format(nil, "/alerts", nil, body)
end
response = function(status)
  if status ~= 202 then io.stderr:write("status " .. status .. "\\n") end
end
`,
  );
  const threads = Math.min(2, connections);
  // async, so the RSS sampler keeps running
  const r = await new Promise((resolve) => {
    const w = spawn('wrk', ['-t', String(threads), '-c', String(connections), '-d', `${seconds}s`, '--latency', '-s', lua, url]);
    let stdout = '';
    let stderr = '';
    w.stdout.on('data', (d) => (stdout += d));
    w.stderr.on('data', (d) => (stderr += d));
    w.on('close', () => resolve({ stdout, stderr }));
  });
  process.stdout.write(r.stdout);
  if (r.stderr.trim()) console.log(`non-202 responses:\n${r.stderr.split('\n').slice(0, 5).join('\n')}`);
} else {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const end = Date.now() + seconds * 1000;
  let done = 0;
  let n = 0;
  const codes = {};
  const lat = [];
  const post = () =>
    new Promise((resolve, reject) => {
      n++;
      const b = `${before}${n}${ipBefore}198.51.100.${(n % 250) + 1}${ipAfter}`;
      const t0 = performance.now();
      const req = request(`${url}/alerts`, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(b) } }, (res) => {
        res.resume();
        res.on('end', () => {
          lat.push(performance.now() - t0);
          codes[res.statusCode] = (codes[res.statusCode] ?? 0) + 1;
          done++;
          resolve();
        });
      });
      req.on('error', reject);
      req.end(b);
    });
  const t0 = Date.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (Date.now() < end) await post();
    }),
  );
  const s = (Date.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  console.log(`${done} requests in ${s.toFixed(1)} s: ${(done / s).toFixed(0)} requests/s; latency p50 ${lat[Math.floor(lat.length / 2)].toFixed(2)} ms, p99 ${lat[Math.floor(lat.length * 0.99)].toFixed(2)} ms; status codes ${JSON.stringify(codes)}`);
  agent.destroy();
}
clearInterval(rssTimer);
srv.kill('SIGTERM');
const code = await new Promise((r) => srv.on('close', (c) => r(c)));
console.log(`receiver logged ${requests} POSTs, exited ${code} on SIGTERM; peak RSS ${peakRss.toFixed(0)} MB`);
const tickets = spawnSync(process.execPath, [BIN, '--json', 'list', '--all', '--limit', '1000000'], { env: home.env, encoding: 'utf8', maxBuffer: 1 << 30 });
try {
  const list = JSON.parse(tickets.stdout);
  const occ = list.reduce((a, t) => a + t.occurrences, 0);
  console.log(`store: ${list.length} tickets holding ${occ} alerts`);
} catch {
  /* list is someone else's command; the figures above stand */
}
home.cleanup();
