// `admin osticket setup` (an osTicket admin creates the custom statuses and reads the ids) and
// `admin osticket check` (anyone verifies a profile end to end). Admin pages: scp/lists.php?id=1,
// departments.php, helptopics.php, staff.php, teams.php (INTERFACE.md §h for the status list).
import type { Severity } from '../../domain/types.js';
import { inlineText, maybeJson, parseAdminLinks, parseNumberLookup, parseOptions, parseStaffList, parseStatusList, parseTicketPage, type IdName, type StatusItem } from './parse.js';
import type { OsTicketSession } from './session.js';
import type { HttpClient } from './http.js';
import { CUSTOM_STATUS_NAMES, STOCK_PRIORITIES } from './profile.js';
import type { StoredMapping } from './settings.js';
import { slug } from './mapping.js';
import { OsTicketPermissionError } from './errors.js';
import { judgeCreate } from './api.js';
import { CliError } from '../../errors.js';

export interface TopicRow extends IdName {
  dept?: string;
}

/** helptopics.php rows: the topic link, then (same row) the department link. */
export function parseTopicRows(html: string): TopicRow[] {
  const out: TopicRow[] = [];
  for (const row of html.split(/<tr\b/i).slice(1)) {
    const t = /<a href="helptopics\.php\?id=(\d+)"[^>]*>([\s\S]*?)<\/a>/i.exec(row);
    if (!t) continue;
    const d = /<a href="departments\.php\?id=\d+"[^>]*>([\s\S]*?)<\/a>/i.exec(row);
    out.push({ id: Number(t[1]), name: inlineText(t[2]), dept: d ? inlineText(d[1]) : undefined });
  }
  return out;
}

/** staff.php rows with each agent's primary department. */
export function parseStaffDepts(html: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const row of html.split(/<tr\b/i).slice(1)) {
    const s = /<td><a href="staff\.php\?id=\d+">[\s\S]*?<\/a><\/td>\s*<td>([\s\S]*?)<\/td>/i.exec(row);
    const d = /<a href="departments\.php\?id=\d+"[^>]*>([\s\S]*?)<\/a>/i.exec(row);
    if (s && d) out[inlineText(s[1])] = inlineText(d[1]);
  }
  return out;
}

/**
 * An agent's extended department access on the admin's `staff.php?id=N` page: the access tab is
 * filled by script calls `addAccess(4, "SOC", 1, 1, null);` (dept id, JSON-encoded name, role id).
 */
export function parseExtendedAccess(html: string, roleNames: Map<number, string>): Array<{ department: string; role?: string }> {
  const out: Array<{ department: string; role?: string }> = [];
  const re = /addAccess\((\d+),\s*("(?:[^"\\]|\\.)*"),\s*(\d+),/g;
  for (let m; (m = re.exec(html)); ) {
    let department: string;
    try {
      department = JSON.parse(m[2]) as string;
    } catch {
      continue;
    }
    out.push({ department, role: roleNames.get(Number(m[3])) });
  }
  return out;
}

async function adminPage(session: OsTicketSession, path: string): Promise<string> {
  const res = await session.get(`scp/${path}`, false);
  // Non-admins are sent back to the staff panel's index.
  if (res.status === 302 || res.status === 403 || (res.status === 200 && /Access Denied/i.test(res.body) && !/<form/i.test(res.body))) {
    throw new OsTicketPermissionError(`${session.username} may not open osTicket's admin panel (${path}).`, 'Run setup logged in as an osTicket admin (soc-ticket login --username ADMIN), or import the mapping an admin made: soc-ticket admin config set osticket.mapping --stdin < mapping.json');
  }
  if (res.status !== 200) throw session.unexpected(`GET scp/${path}`, res);
  return res.body;
}

export interface SetupResult {
  mapping: StoredMapping;
  topics: Record<string, number>;
  createdStatuses: string[];
  unmappedCategories: string[];
  department?: IdName;
}

/** Reads ids (and creates the custom statuses) as an osTicket admin. */
export async function runSetup(session: OsTicketSession, categories: string[], departmentName = 'SOC'): Promise<SetupResult> {
  let statuses = parseStatusList(await adminPage(session, 'lists.php?id=1'));
  const created: string[] = [];
  for (const name of [CUSTOM_STATUS_NAMES.triaged, CUSTOM_STATUS_NAMES.inProgress]) {
    if (statuses.some((s) => s.name.toLowerCase() === name.toLowerCase())) continue;
    const res = await session.post('scp/ajax.php/list/1/item/add', { name, state: 'open', description: `soc-ticket stage (${name === CUSTOM_STATUS_NAMES.triaged ? 'triaged' : 'assigned'})` });
    const j = maybeJson(res.body) as { success?: boolean } | undefined;
    if (res.status !== 201 || !j?.success) session.judgeAjax(`create status ${name} for`, res, 'list 1');
    created.push(name);
  }
  if (created.length) statuses = parseStatusList(await adminPage(session, 'lists.php?id=1'));
  const byName = (name: string, state: string): StatusItem | undefined => statuses.find((s) => s.name.toLowerCase() === name.toLowerCase() && s.state === state);
  const depts = parseAdminLinks(await adminPage(session, 'departments.php'), 'departments.php');
  const topics = parseTopicRows(await adminPage(session, 'helptopics.php'));
  const staffHtml = await adminPage(session, 'staff.php');
  const staff = parseStaffList(staffHtml);
  const staffDepts = parseStaffDepts(staffHtml);
  const teams = parseAdminLinks(await adminPage(session, 'teams.php'), 'teams.php');
  const roles: Record<string, string> = {};
  const access: Record<string, Array<{ department: string; role?: string }>> = {};
  for (const s of staff) {
    const page = await adminPage(session, `staff.php?id=${s.id}`);
    const roleOptions = parseOptions(page, 'role_id');
    const role = roleOptions.find((o) => o.selected);
    if (role) roles[s.username] = role.label;
    const extended = parseExtendedAccess(page, new Map(roleOptions.map((o) => [Number(o.value), o.label])));
    if (extended.length) access[s.username] = extended;
  }
  const dept = depts.find((d) => d.name.toLowerCase() === departmentName.toLowerCase());
  const socTopics = topics.filter((t) => !dept || t.dept === dept.name);
  const topicMap: Record<string, number> = {};
  const unmapped: string[] = [];
  for (const c of categories) {
    const hit = socTopics.find((t) => slug(t.name) === slug(c)) ?? socTopics.find((t) => slug(t.name).startsWith(slug(c)) || slug(c).startsWith(slug(t.name)));
    if (hit) topicMap[c] = hit.id;
    else unmapped.push(c);
  }
  const need = (name: string, state: string) => byName(name, state)?.id;
  const mapping: StoredMapping = {
    statuses: {
      open: need('Open', 'open') ?? 1,
      triaged: need(CUSTOM_STATUS_NAMES.triaged, 'open'),
      inProgress: need(CUSTOM_STATUS_NAMES.inProgress, 'open'),
      resolved: need('Resolved', 'closed') ?? 2,
      closed: need('Closed', 'closed') ?? 3,
    },
    departmentId: dept?.id,
    priorities: { ...STOCK_PRIORITIES } as Partial<Record<Severity, number>>,
    agents: Object.fromEntries(staff.map((s) => [s.username, s.id])),
    teams: Object.fromEntries(teams.map((t) => [t.name, t.id])),
    topics: topicMap,
    names: {
      statuses: Object.fromEntries(statuses.map((s) => [String(s.id), s.name])),
      topics: Object.fromEntries(topics.map((t) => [String(t.id), t.name])),
      priorities: { '1': 'Low', '2': 'Normal', '3': 'High', '4': 'Emergency' },
      agents: Object.fromEntries(staff.map((s) => [s.username, s.name])),
      department: dept?.name,
      agentDepartments: staffDepts,
      agentRoles: roles,
      agentAccess: access,
      topicDepartments: Object.fromEntries(topics.filter((t) => t.dept).map((t) => [String(t.id), t.dept!])),
    },
  };
  return { mapping, topics: topicMap, createdStatuses: created, unmappedCategories: unmapped, department: dept };
}

export interface CheckLine {
  check: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

/** The API key, without creating a ticket: an empty request fails validation (500) only after the key passed. */
export async function checkApiKey(http: HttpClient, apiKey: string | undefined): Promise<CheckLine> {
  if (!apiKey) return { check: 'API key', ok: false, detail: 'no API key in this profile', fix: 'soc-ticket admin config set osticket.apiKey (prompts), or SOC_TICKET_OSTICKET_API_KEY' };
  try {
    const res = await http.send('POST', 'api/tickets.json', { headers: { 'x-api-key': apiKey }, json: { alert: false, autorespond: false } });
    if (res.status === 500 && /Unable to create new ticket/i.test(res.body)) return { check: 'API key', ok: true, detail: 'accepted for this machine\'s IP address' };
    judgeCreate(res, new URL(http.base).host);
    return { check: 'API key', ok: false, detail: `unexpected answer HTTP ${res.status}` };
  } catch (e) {
    const err = e as CliError;
    return { check: 'API key', ok: false, detail: err.message, fix: err.hint };
  }
}

/** Status ids of the mapping against what a ticket page offers (non-admins can read that). */
export async function checkStatuses(session: OsTicketSession, mapping: StoredMapping): Promise<CheckLine> {
  const s = mapping.statuses ?? {};
  const missing = (['triaged', 'inProgress'] as const).filter((k) => !s[k]);
  if (missing.length) {
    return { check: 'statuses', ok: false, detail: `no status id for ${missing.join(', ')} in the profile`, fix: 'An osTicket admin runs: soc-ticket admin osticket setup' };
  }
  let sample: number | undefined;
  for (const q of ['1', '2', '3', '4', '5', '6', '7', '8', '9']) {
    const res = await session.get(`scp/ajax.php/tickets/number-lookup?q=${q}&limit=1`, true);
    const hit = parseNumberLookup(res.body)[0];
    if (hit) {
      sample = hit.ticketId;
      break;
    }
  }
  if (!sample) return { check: 'statuses', ok: true, detail: 'ids present in the profile (no visible ticket to compare with)' };
  const page = parseTicketPage((await session.get(`scp/tickets.php?id=${sample}`, false)).body);
  if (!page) return { check: 'statuses', ok: true, detail: 'ids present in the profile (sample ticket unreadable)' };
  const offered = new Map<number, string>(Object.entries(page.statusMenu).map(([id, n]) => [Number(id), n]));
  const names = mapping.names?.statuses ?? {};
  const bad: string[] = [];
  for (const [k, id] of Object.entries(s)) {
    if (!id) continue;
    const name = offered.get(id);
    const want = names[String(id)];
    if (name === undefined && want && want.toLowerCase() !== page.status.toLowerCase()) bad.push(`${k} (id ${id} not offered)`);
    else if (name && want && name.toLowerCase() !== want.toLowerCase()) bad.push(`${k} (id ${id} is "${name}", expected "${want}")`);
  }
  return bad.length
    ? { check: 'statuses', ok: false, detail: bad.join('; '), fix: 'An osTicket admin re-runs: soc-ticket admin osticket setup' }
    : { check: 'statuses', ok: true, detail: Object.entries(s).map(([k, id]) => `${k}=${id}`).join(' ') };
}
