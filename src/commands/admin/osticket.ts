// `admin osticket setup` and `admin osticket check`: the osTicket side of a profile.
import type { Ctx } from '../../context.js';
import { BackendError, UsageError } from '../../errors.js';
import { HttpClient } from '../../backends/osticket/http.js';
import { OsTicketSession } from '../../backends/osticket/session.js';
import { checkApiKey, checkStatuses, runSetup, type CheckLine } from '../../backends/osticket/admin.js';
import { fileSessionStore, profileFromConfig, readMapping, secretsFromConfig, sessionPath } from '../../backends/osticket/settings.js';
import { exportQueue } from '../../backends/osticket/queue.js';
import { sanitizeCell } from '../../ui/sanitize.js';

function osticketOnly(ctx: Ctx): void {
  if (ctx.config().get('backend') !== 'osticket') {
    throw new UsageError(`Profile ${ctx.config().profile} does not use osTicket.`, 'soc-ticket --profile NAME admin osticket …');
  }
}

function openSession(ctx: Ctx, http: HttpClient): OsTicketSession {
  const cfg = ctx.config();
  return new OsTicketSession({ profile: profileFromConfig(cfg), secrets: secretsFromConfig(cfg), sessionStore: fileSessionStore(sessionPath(ctx.io.env, cfg.profile)), http });
}

export async function setup(ctx: Ctx): Promise<void> {
  osticketOnly(ctx);
  await ctx.actor('admin');
  const cfg = ctx.config();
  const http = new HttpClient(profileFromConfig(cfg));
  const session = openSession(ctx, http);
  try {
    if (!session.hasCredentials()) throw new UsageError('setup logs in as an osTicket admin; no agent credentials in this profile.', 'soc-ticket login --username ADMIN');
    const r = await runSetup(session, cfg.categories);
    const current = readMapping(cfg);
    const mapping = { ...current, ...r.mapping, customFields: current.customFields ?? r.mapping.customFields };
    await cfg.set('osticket.mapping', JSON.stringify(mapping));
    if (!cfg.get('osticket.defaultCategory') && r.topics.other === undefined && Object.keys(r.topics).length) {
      // Alerts without a category still need a SOC help topic, or SOC agents will not see them.
      await cfg.set('osticket.defaultCategory', Object.keys(r.topics)[0]);
    }
    if (ctx.out.mode === 'json') return ctx.out.json({ mapping, createdStatuses: r.createdStatuses, unmappedCategories: r.unmappedCategories });
    for (const s of r.createdStatuses) ctx.out.success(`Created the ticket status ${s} (open state).`);
    ctx.out.info(`Statuses: ${Object.entries(mapping.statuses ?? {}).map(([k, v]) => `${k}=${v}`).join(' ')}`);
    ctx.out.info(`Department: ${r.department ? `${sanitizeCell(r.department.name)} (${r.department.id})` : 'none named SOC found'}`);
    ctx.out.info(`Help topics: ${Object.entries(r.topics).map(([c, id]) => `${c}→${id}`).join(' ') || 'none matched'}`);
    ctx.out.info(`Agents: ${Object.keys(mapping.agents ?? {}).map(sanitizeCell).join(', ')}; teams: ${Object.keys(mapping.teams ?? {}).map(sanitizeCell).join(', ')}`);
    if (r.unmappedCategories.length) {
      ctx.out.warn(`No SOC help topic for: ${r.unmappedCategories.join(', ')}. Alerts of these categories go to osticket.defaultCategory (${cfg.get('osticket.defaultCategory') ?? 'none'}); map one with: soc-ticket admin categories add NAME --topic ID`);
    }
    if (r.createdStatuses.length) {
      ctx.out.warn('osTicket lists new statuses first on Admin → Settings → Tickets; check "Default Status" is still Open before saving that page.');
    }
    ctx.out.success(`Mapping saved in profile ${cfg.profile}. Other machines import it: soc-ticket admin config get osticket.mapping | soc-ticket admin config set osticket.mapping --stdin`);
  } finally {
    session.close();
  }
}

export async function check(ctx: Ctx): Promise<number> {
  osticketOnly(ctx);
  const cfg = ctx.config();
  const profile = profileFromConfig(cfg);
  const secrets = secretsFromConfig(cfg);
  const mapping = readMapping(cfg);
  const http = new HttpClient(profile);
  const session = openSession(ctx, http);
  const lines: CheckLine[] = [];
  const seenDepts = new Set<string>();
  try {
    lines.push(await checkApiKey(http, secrets.apiKey));
    let loggedIn = false;
    if (!session.hasCredentials()) {
      lines.push({ check: 'login', ok: false, detail: 'no agent credentials (API key only: create tickets, nothing else)', fix: 'soc-ticket login' });
    } else {
      try {
        await session.login();
        loggedIn = true;
        lines.push({ check: 'login', ok: true, detail: `logged in as ${secrets.username}` });
      } catch (e) {
        lines.push({ check: 'login', ok: false, detail: (e as Error).message, fix: (e as BackendError).hint });
      }
    }
    if (loggedIn) {
      try {
        lines.push(await checkStatuses(session, mapping));
      } catch (e) {
        lines.push({ check: 'statuses', ok: false, detail: (e as Error).message });
      }
      try {
        const rows = await exportQueue(session, 1);
        const depts = new Set(rows.map((r) => r['Department']).filter(Boolean));
        for (const d of depts) seenDepts.add(d);
        lines.push({ check: 'open queue', ok: true, detail: `${rows.length} open tickets visible${depts.size ? ` (departments: ${[...depts].map(sanitizeCell).join(', ')})` : ''}` });
      } catch (e) {
        lines.push({ check: 'open queue', ok: false, detail: (e as Error).message });
      }
    }
    const names = mapping.names ?? {};
    const me = secrets.username;
    const myDept = me ? names.agentDepartments?.[me] : undefined;
    const socDept = names.department;
    if (socDept && myDept && myDept !== socDept && !seenDepts.has(socDept)) {
      lines.push({ check: 'department', ok: false, detail: `${me}'s primary department is ${myDept}, tickets go to ${socDept}`, fix: 'An osTicket admin gives the agent access to the SOC department (Agents → Access).' });
    } else if (socDept) {
      lines.push({ check: 'department', ok: true, detail: `${socDept}${myDept === socDept ? ` (${me}'s department)` : seenDepts.has(socDept) ? ` (${me} sees its tickets)` : ''}` });
    }
    const topics = profile.topics;
    const unmapped = cfg.categories.filter((c) => topics[c] === undefined);
    const outside = Object.entries(topics).filter(([, id]) => socDept && names.topicDepartments?.[String(id)] && names.topicDepartments[String(id)] !== socDept);
    const fallback = profile.defaultCategory && topics[profile.defaultCategory] !== undefined;
    lines.push({
      check: 'categories → help topics',
      ok: !outside.length && (fallback || !unmapped.length) && Object.keys(topics).length > 0,
      detail: [
        `${Object.keys(topics).length} mapped`,
        unmapped.length ? `unmapped: ${unmapped.join(', ')}${fallback ? ` (use ${profile.defaultCategory})` : ' (tickets would land outside the SOC department)'}` : '',
        outside.length ? `topics outside ${socDept}: ${outside.map(([c, id]) => `${c}→${id}`).join(', ')}` : '',
      ].filter(Boolean).join('; '),
      fix: !Object.keys(topics).length || (!fallback && unmapped.length) ? 'soc-ticket admin osticket setup, or: soc-ticket admin categories add NAME --topic ID; soc-ticket admin config set osticket.defaultCategory NAME' : undefined,
    });
  } finally {
    session.close();
  }
  if (ctx.out.mode === 'json') ctx.out.json({ ok: lines.every((l) => l.ok), checks: lines });
  else {
    await ctx.out.rows(
      [
        { header: 'Check', value: (l: CheckLine) => l.check },
        { header: 'Result', value: (l: CheckLine) => (l.ok ? 'ok' : 'FAIL'), color: (s: string) => (s === 'ok' ? ctx.out.c.green(s) : ctx.out.c.red(s)) },
        { header: 'Detail', value: (l: CheckLine) => l.detail, max: 100 },
      ],
      lines,
    );
    for (const l of lines) if (!l.ok && l.fix) ctx.out.info(`${l.check}: ${l.fix}`);
  }
  const failed = lines.filter((l) => !l.ok);
  if (failed.length) throw new BackendError(`${failed.length} osTicket check(s) failed: ${failed.map((l) => l.check).join(', ')}.`);
  ctx.out.success('osTicket profile works end to end.');
  return 0;
}
