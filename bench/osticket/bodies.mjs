// The exact API bodies soc-ticket would send for an NDJSON file of alerts, one file each (for curl).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { normaliseAll } from '../../dist/alerts/normalise.js';
import { createBody } from '../../dist/backends/osticket/api.js';
import { Mapping } from '../../dist/backends/osticket/mapping.js';
const [inFile, outDir] = process.argv.slice(2);
mkdirSync(outDir, { recursive: true });
const map = new Mapping({ url: 'x', statuses: { open: 1, triaged: 6, inProgress: 7, resolved: 2, closed: 3 }, topics: { malware: 12 }, priorities: {}, defaultCategory: 'malware' });
let i = 0;
for (const line of readFileSync(inFile, 'utf8').split('\n')) {
  if (!line.trim()) continue;
  for (const r of normaliseAll(JSON.parse(line), line)) for (const a of r.alerts ?? []) writeFileSync(join(outDir, `${String(++i).padStart(6, '0')}.json`), JSON.stringify(createBody(a, map)));
}
console.log(`${i} bodies`);
