#!/usr/bin/env node
// Generate N Suricata EVE alert lines for the ingest benchmark, from the real samples in
// test/fixtures/alerts/suricata, varying timestamps, src/dest IPs, ports, flow ids and sids.
//
//   node bench/ingest/gen-suricata.mjs [N=100000] [OUT=bench/out/suricata-N.ndjson] [--seed S] [--gzip]
//
// Deterministic for a given seed. Streams to the file (constant memory for any N).

import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGzip } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const gzip = args.includes('--gzip');
if (gzip) args.splice(args.indexOf('--gzip'), 1);
let seed = Number(flag('--seed') ?? 42) >>> 0 || 42;
const n = Number(args[0] ?? 100000);
if (!Number.isInteger(n) || n < 0) {
  console.error('usage: gen-suricata.mjs [N] [OUT] [--seed S] [--gzip]');
  process.exit(2);
}
const out = args[1] ?? join(root, 'bench', 'out', `suricata-${n}.ndjson${gzip ? '.gz' : ''}`);

const sampleDir = join(root, 'test', 'fixtures', 'alerts', 'suricata');
const templates = [];
for (const f of ['mauz88_Suricata_Detection_eve.alerts-only.ndjson', 'sekoia-intake-formats_tests_alerts.ndjson']) {
  for (const line of readFileSync(join(sampleDir, f), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const o = JSON.parse(line);
    if (o.event_type === 'alert') templates.push(o);
  }
}
if (!templates.length) throw new Error(`no alert templates in ${sampleDir}`);

// xorshift32: fast, deterministic
function rnd() {
  seed ^= seed << 13;
  seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  seed >>>= 0;
  return seed / 4294967296;
}
const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));
const pick = (a) => a[Math.floor(rnd() * a.length)];
const publicIp = () => `${pick([45, 85, 91, 103, 185, 193, 203])}.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`;
const privateIp = () => (rnd() < 0.5 ? `10.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}` : `172.31.${int(0, 255)}.${int(1, 254)}`);
const sids = [2001219, 2009358, 2221014, 2100494, 2024897, 2027865, 2013028, 2018959, 2010935, 2003068];
const ports = [22, 23, 80, 443, 445, 3389, 8080, 8443, 2375, 5432];

function pad(n, w = 2) {
  return String(n).padStart(w, '0');
}
let t = Date.UTC(2025, 7, 12, 18, 0, 0);
function timestamp() {
  t += int(0, 2000);
  const d = new Date(t);
  const us = pad(int(0, 999999), 6);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${us}+0000`;
}

mkdirSync(dirname(out), { recursive: true });
const file = createWriteStream(out);
const sink = gzip ? createGzip() : file;
if (gzip) sink.pipe(file);

let i = 0;
function write() {
  let ok = true;
  while (i < n && ok) {
    const o = structuredClone(pick(templates));
    const inbound = rnd() < 0.7;
    o.timestamp = timestamp();
    o.flow_id = int(1, 2 ** 31) * 1000 + int(0, 999);
    o.src_ip = inbound ? publicIp() : privateIp();
    o.dest_ip = inbound ? privateIp() : publicIp();
    o.src_port = int(1024, 65535);
    o.dest_port = pick(ports);
    if (rnd() < 0.5) o.alert.signature_id = pick(sids);
    o.alert.severity = pick([1, 2, 2, 3, 3, 3]);
    if (o.flow) o.flow.start = o.timestamp;
    ok = sink.write(JSON.stringify(o) + '\n');
    i++;
  }
  if (i < n) sink.once('drain', write);
  else sink.end();
}
file.on('finish', () => console.error(`wrote ${n} alerts to ${out}`));
write();
