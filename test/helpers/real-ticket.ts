// A ticket made from a real alert: one line of the Suricata EVE sample (public source IP, private
// destination, an amazonaws.com host name and a URL), ingested through the CLI.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Sandbox } from './cli.js';

export const SURICATA_FILE = new URL('../fixtures/alerts/suricata/mauz88_Suricata_Detection_eve.alerts-only.ndjson', import.meta.url);
/** Line 2: "ET SCAN Nmap Scripting Engine User-Agent Detected". */
export const NMAP_LINE = readFileSync(SURICATA_FILE, 'utf8').split('\n')[1];

export const PUBLIC_IP = '85.255.233.2';
export const PRIVATE_IP = '172.31.32.173';
export const HOSTNAME = 'ec2-18-232-65-49.compute-1.amazonaws.com';
export const URL_SEEN = `http://${HOSTNAME}/robots.txt`;

/** Ingest `line` (default the Nmap alert) and return the new ticket's number. */
export async function ticketFromRealAlert(sb: Sandbox, user: string, line = NMAP_LINE): Promise<string> {
  const file = join(sb.home, `alert-${Date.now()}-${Math.random().toString(36).slice(2)}.ndjson`);
  writeFileSync(file, line + '\n');
  const r = await sb.run(['ingest', file], { user });
  if (r.code !== 0) throw new Error(`ingest failed (${r.code}): ${r.stderr}`);
  const rows = r.stdout.trim().split('\n').slice(1);
  const created = rows.map((l) => l.split('\t')).find((c) => c[1] === 'created');
  if (!created) throw new Error(`ingest created no ticket: ${r.stdout}`);
  return created[0];
}

export async function showJson(sb: Sandbox, user: string, id: string): Promise<Record<string, any>> {
  const r = await sb.run(['--json', 'show', id], { user });
  if (r.code !== 0) throw new Error(`show failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}
