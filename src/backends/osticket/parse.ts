// osTicket 1.18 staff-panel HTML, CSV exports and ajax JSON → plain data.
// Small string scanning, no DOM: the markup is osTicket's own templates
// (include/staff/ticket-view.inc.php, templates/thread-entry.tmpl.php, thread-event.tmpl.php).
// Everything extracted here may contain attacker-controlled text; callers sanitise before display.

const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', mdash: '—', ndash: '–', hellip: '…',
  laquo: '«', raquo: '»', copy: '©', reg: '®', trade: '™', rsquo: '’', lsquo: '‘', rdquo: '”', ldquo: '“',
};

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') {
      const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      if (!Number.isFinite(cp) || cp < 0 || cp > 0x10ffff) return m;
      try {
        return String.fromCodePoint(cp);
      } catch {
        return m;
      }
    }
    const v = NAMED[e.toLowerCase()];
    return v ?? m;
  });
}

/** HTML fragment → readable text (block ends become newlines). */
export function htmlToText(html: string): string {
  const t = html
    .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|tr|li|h\d|table|pre|blockquote)\s*>/gi, '\n')
    .replace(/<[^>]*>/g, '');
  return decodeEntities(t)
    .split('\n')
    .map((l) => l.replace(/[ \t\r\f\v\u00a0]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** One-line text of a fragment. */
export function inlineText(html: string): string {
  return htmlToText(html).replace(/\s+/g, ' ').trim();
}

/** The session's CSRF token: `<meta name="csrf_token">` on staff pages, hidden input on the login page. */
export function extractCsrf(html: string): string | undefined {
  const m =
    /<meta\s+name="csrf_token"\s+content="([^"]+)"/i.exec(html) ??
    /name="__CSRFToken__"\s+value="([^"]+)"/i.exec(html) ??
    /value="([^"]+)"\s+name="__CSRFToken__"/i.exec(html);
  return m?.[1];
}

/** `<div id="msg_error">` (pages) or `<p id="msg_error">` (dialogs) text, with per-field errors. */
export function findMsgError(html: string): { message: string; fields: string[] } | undefined {
  const m = /<(div|p) id="msg_error"[^>]*>([\s\S]*?)<\/\1>/i.exec(html);
  if (!m) return undefined;
  const fields: string[] = [];
  const re = /<(?:font|span|div)[^>]*class="error"[^>]*>([\s\S]*?)<\/(?:font|span|div)>/gi;
  for (let f; (f = re.exec(html)); ) {
    const t = inlineText(f[1]);
    if (t && t !== '*' && !fields.includes(t)) fields.push(t);
  }
  return { message: inlineText(m[2]), fields };
}

/** The login page's `<h3 id="login-message">`. */
export function loginMessage(html: string): string | undefined {
  const m = /<h3 id="login-message"[^>]*>([\s\S]*?)<\/h3>/i.exec(html);
  return m ? inlineText(m[1]) : undefined;
}

export interface SelectOption {
  value: string;
  label: string;
  selected: boolean;
}

/** All `<option>`s of a dialog or page (optionally only those of `<select name=...>`). */
export function parseOptions(html: string, selectName?: string): SelectOption[] {
  let scope = html;
  if (selectName) {
    const re = new RegExp(`<select[^>]*name="${selectName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"[^>]*>([\\s\\S]*?)</select>`, 'i');
    const m = re.exec(html);
    if (!m) return [];
    scope = m[1];
  }
  const out: SelectOption[] = [];
  const re = /<option\b([^>]*)>([\s\S]*?)(?=<option\b|<\/option>|<\/select>|<\/optgroup>|$)/gi;
  for (let m; (m = re.exec(scope)); ) {
    const v = /value="([^"]*)"/i.exec(m[1]);
    if (!v) continue;
    out.push({ value: decodeEntities(v[1]), label: inlineText(m[2]), selected: /selected/i.test(m[1]) });
  }
  return out;
}

export interface ThreadAttachment {
  name: string;
  size?: number;
  url?: string;
  fileId?: number;
}

export interface ThreadEntry {
  kind: 'entry';
  entryId: number;
  /** message = requester, response = agent reply, note = internal note. */
  type: 'message' | 'response' | 'note';
  poster: string;
  /** ISO 8601 from `<time datetime>`. */
  time?: string;
  title?: string;
  bodyHtml: string;
  bodyText: string;
  attachments: ThreadAttachment[];
}

export interface ThreadEventItem {
  kind: 'event';
  text: string;
  actor?: string;
  time?: string;
}

export interface TicketPage {
  id: number;
  number: string;
  subject: string;
  status: string;
  /** Status ids/names offered in the status menu (the current status is not among them). */
  statusMenu: Record<number, string>;
  priority?: string;
  department?: string;
  /** Agent (and/or team) as shown: `Analyst One`, `Analyst One/Tier2`, or undefined when unassigned. */
  assignedTo?: string;
  /** Closed tickets show "Closed By" instead of "Assigned To". */
  closedBy?: string;
  helpTopic?: string;
  user?: string;
  email?: string;
  source?: string;
  threadId?: number;
  /** Entries and events in page order (oldest first). */
  thread: Array<ThreadEntry | ThreadEventItem>;
}

function rowValue(html: string, label: string): string | undefined {
  const re = new RegExp(`<th[^>]*>\\s*${label}:\\s*</th>\\s*<td[^>]*>([\\s\\S]*?)</td>`, 'i');
  const m = re.exec(html);
  if (!m) return undefined;
  const t = inlineText(m[1]);
  return t || undefined;
}

function unassigned(s: string | undefined): string | undefined {
  if (!s) return undefined;
  if (/^[—–-]*\s*unassigned\s*[—–-]*$/i.test(s)) return undefined;
  return s;
}

function timeAfter(html: string, from: number): string | undefined {
  const re = /<time\s+datetime="([^"]+)"/gi;
  re.lastIndex = from;
  const m = re.exec(html);
  return m ? normaliseIso(m[1]) : undefined;
}

/** `2026-12-03T18:40:30+00:00` → `2026-12-03T18:40:30.000Z`. */
export function normaliseIso(s: string): string | undefined {
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** `YYYY-MM-DD HH:MM:SS` (CSV export; UTC on a UTC-configured instance) → ISO. */
export function csvDateToIso(s: string | undefined, tzOffsetMinutes = 0): string | undefined {
  if (!s) return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?/.exec(s.trim());
  if (!m) return normaliseIso(s);
  const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] ?? 0)) - tzOffsetMinutes * 60_000;
  return new Date(ms).toISOString();
}

function parseAttachments(html: string): ThreadAttachment[] {
  const out: ThreadAttachment[] = [];
  const re = /<a\s+class="no-pjax truncate filename"\s+href="([^"]*)"\s+download="([^"]*)"[^>]*>[\s\S]*?<\/a>\s*(?:<small class="filesize faded">([^<]*)<\/small>)?/gi;
  for (let m; (m = re.exec(html)); ) {
    const url = decodeEntities(m[1]);
    const id = /[?&]id=(\d+)/.exec(url);
    out.push({ name: decodeEntities(m[2]), url, size: parseSize(m[3]), fileId: id ? Number(id[1]) : undefined });
  }
  return out;
}

function parseSize(s: string | undefined): number | undefined {
  if (!s) return undefined;
  const m = /([\d.]+)\s*(bytes|kb|mb|gb)/i.exec(s);
  if (!m) return undefined;
  const mult = { bytes: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[m[2].toLowerCase() as 'bytes'] ?? 1;
  return Math.round(parseFloat(m[1]) * mult);
}

function parseThread(html: string): Array<ThreadEntry | ThreadEventItem> {
  const start = html.indexOf('id="thread-items"');
  if (start < 0) return [];
  // The thread ends where the reply/note forms begin.
  let end = html.indexOf('id="reply_tabs"', start);
  if (end < 0) end = html.indexOf('<form', start);
  const part = end > 0 ? html.slice(start, end) : html.slice(start);
  const marks: Array<{ pos: number; kind: 'entry' | 'event'; m: RegExpExecArray }> = [];
  const reEntry = /<div id="thread-entry-(\d+)"><div class="thread-entry (message|response|note)\b/g;
  const reEvent = /<div class="thread-event\b[^"]*">/g;
  for (let m; (m = reEntry.exec(part)); ) marks.push({ pos: m.index, kind: 'entry', m });
  for (let m; (m = reEvent.exec(part)); ) marks.push({ pos: m.index, kind: 'event', m });
  marks.sort((a, b) => a.pos - b.pos);
  const out: Array<ThreadEntry | ThreadEventItem> = [];
  for (let i = 0; i < marks.length; i++) {
    const mk = marks[i];
    const chunk = part.slice(mk.pos, i + 1 < marks.length ? marks[i + 1].pos : part.length);
    if (mk.kind === 'entry') {
      const poster = /<b>([\s\S]*?)<\/b>\s*posted/i.exec(chunk);
      const title = /class="faded title truncate">([\s\S]*?)<\/span>/i.exec(chunk);
      const bodyStart = chunk.search(/<div class="thread-body[^"]*">/i);
      let bodyHtml = '';
      if (bodyStart >= 0) {
        const open = chunk.indexOf('>', bodyStart) + 1;
        const clear = chunk.indexOf('<div class="clear"></div>', open);
        bodyHtml = chunk.slice(open, clear > 0 ? clear : undefined).trim();
        bodyHtml = bodyHtml.replace(/^<div>([\s\S]*)<\/div>$/, '$1');
      }
      const attachArea = chunk.indexOf('class="attachments"');
      out.push({
        kind: 'entry',
        entryId: Number(mk.m[1]),
        type: mk.m[2] as ThreadEntry['type'],
        poster: poster ? inlineText(poster[1]) : '',
        time: timeAfter(chunk, 0),
        title: title ? inlineText(title[1]) || undefined : undefined,
        bodyHtml,
        bodyText: htmlToText(bodyHtml),
        attachments: attachArea >= 0 ? parseAttachments(chunk.slice(attachArea)) : [],
      });
    } else {
      // The description holds the actor, a <time>, and for edits "— Priority Level changed from … to …".
      const desc = /<span class="faded description">([\s\S]*?)<\/span>\s*<\/div>/i.exec(chunk);
      const descHtml = desc ? desc[1].replace(/<time\b[\s\S]*?<\/time>/gi, ' ') : '';
      const actor = /<b>(?:<img[^>]*>)?([\s\S]*?)<\/b>/i.exec(descHtml);
      out.push({
        kind: 'event',
        text: desc ? inlineText(descHtml) : inlineText(chunk),
        actor: actor ? inlineText(actor[1]) || undefined : undefined,
        time: timeAfter(chunk, 0),
      });
    }
  }
  return out;
}

/** The staff view of one ticket (`scp/tickets.php?id=N`). Undefined if the page is not a ticket view. */
export function parseTicketPage(html: string): TicketPage | undefined {
  const head = /<h2>\s*<a href="tickets\.php\?id=(\d+)"[\s\S]*?Ticket #([^<\s]+)\s*<\/a>/i.exec(html);
  if (!head) return undefined;
  const subj = /<div class="clear tixTitle[^"]*">\s*<h3>([\s\S]*?)<\/h3>/i.exec(html);
  const statusMenu: Record<number, string> = {};
  const reStatus = /href="#tickets\/\d+\/status\/(?:open|reopen|close|resolve)\/(\d+)"[^>]*>(?:\s*<i[^>]*><\/i>)?([^<]*)<\/a>/gi;
  for (let m; (m = reStatus.exec(html)); ) statusMenu[Number(m[1])] = inlineText(m[2]);
  const user = /id="user-\d+-name"\s*>([\s\S]*?)<\/span>/i.exec(html);
  const email = /id="user-\d+-email">([\s\S]*?)<\/span>/i.exec(html);
  const thread = /id="thread-items" data-thread-id="(\d+)"/i.exec(html);
  return {
    id: Number(head[1]),
    number: decodeEntities(head[2]),
    subject: subj ? inlineText(subj[1]) : '',
    status: rowValue(html, 'Status') ?? '',
    statusMenu,
    priority: rowValue(html, 'Priority'),
    department: rowValue(html, 'Department'),
    assignedTo: unassigned(rowValue(html, 'Assigned To')),
    closedBy: unassigned(rowValue(html, 'Closed By')),
    helpTopic: rowValue(html, 'Help Topic'),
    user: user ? inlineText(user[1]) : undefined,
    email: email ? inlineText(email[1]) : undefined,
    source: rowValue(html, 'Source'),
    threadId: thread ? Number(thread[1]) : undefined,
    thread: parseThread(html),
  };
}

/**
 * The ticket preview fragment (`scp/ajax.php/tickets/<id>/preview`, ~7 KB against ~100 KB for the
 * full view): its number and current status name, enough to re-check a stage before a change.
 * "Ticket State" reads `Triaged — Normal` for open tickets (status — priority) and `Resolved` for
 * closed ones; the first such row is osTicket's (the subject above it is HTML-escaped).
 */
export function parsePreviewState(html: string): { number: string; status: string } | undefined {
  const head = /<h2>\s*Ticket #([^:<\s]+):/i.exec(html);
  const state = rowValue(html, 'Ticket State');
  if (!head || state === undefined) return undefined;
  return { number: decodeEntities(head[1]), status: state.split(/\s+[—–]\s+/)[0].trim() };
}

/** RFC 4180 CSV (quotes, doubled quotes, newlines inside quotes, CRLF); strips a UTF-8 BOM. */
export function parseCsv(text: string, delimiter = ','): string[][] {
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  let any = false;
  while (i < s.length) {
    const c = s[i];
    if (quoted) {
      if (c === '"') {
        if (s[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') {
      quoted = true;
      any = true;
      i++;
    } else if (c === delimiter) {
      row.push(field);
      field = '';
      any = true;
      i++;
    } else if (c === '\n' || c === '\r') {
      if (any || field !== '' || row.length) {
        row.push(field);
        rows.push(row);
      }
      row = [];
      field = '';
      any = false;
      i += c === '\r' && s[i + 1] === '\n' ? 2 : 1;
    } else {
      field += c;
      any = true;
      i++;
    }
  }
  if (any || field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** CSV rows → objects keyed by the header line. */
export function csvRecords(text: string, delimiter = ','): Array<Record<string, string>> {
  const rows = parseCsv(text, delimiter);
  if (!rows.length) return [];
  const [header, ...body] = rows;
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h.trim(), r[i] ?? ''])));
}

export interface NumberLookupHit {
  number: string;
  ticketId: number;
  subject?: string;
}

/** `ajax.php/tickets/number-lookup` JSON (array; labelled text/html or json). */
export function parseNumberLookup(body: string): NumberLookupHit[] {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    return [];
  }
  if (!Array.isArray(data)) return [];
  const out: NumberLookupHit[] = [];
  for (const d of data) {
    if (d && typeof d === 'object' && 'ticket_id' in d) {
      const o = d as Record<string, unknown>;
      out.push({ number: String(o.value ?? o.id ?? ''), ticketId: Number(o.ticket_id), subject: typeof o.subject === 'string' ? o.subject : undefined });
    }
  }
  return out;
}

/** JSON when the body looks like JSON, whatever the Content-Type says. */
export function maybeJson(body: string): unknown {
  const t = body.trim();
  if (!(t.startsWith('{') || t.startsWith('['))) return undefined;
  try {
    return JSON.parse(t);
  } catch {
    return undefined;
  }
}

// ---- admin pages (setup) ---------------------------------------------------------------

export interface IdName {
  id: number;
  name: string;
}

/** Links like `<a href="departments.php?id=4">SOC</a>` on an admin list page. */
export function parseAdminLinks(html: string, page: string): IdName[] {
  const out: IdName[] = [];
  const seen = new Set<number>();
  const re = new RegExp(`<a href="${page.replace('.', '\\.')}\\?id=(\\d+)"[^>]*>([\\s\\S]*?)</a>`, 'gi');
  for (let m; (m = re.exec(html)); ) {
    const id = Number(m[1]);
    const name = inlineText(m[2]);
    if (!id || !name || seen.has(id)) continue;
    seen.add(id);
    out.push({ id, name });
  }
  return out;
}

export interface StaffRow {
  id: number;
  name: string;
  username: string;
}

/** `scp/staff.php`: rows `<a href="staff.php?id=2">Analyst One</a></td><td>analyst1</td>`. */
export function parseStaffList(html: string): StaffRow[] {
  const out: StaffRow[] = [];
  const re = /<td><a href="staff\.php\?id=(\d+)">([\s\S]*?)<\/a><\/td>\s*<td>([\s\S]*?)<\/td>/gi;
  for (let m; (m = re.exec(html)); ) out.push({ id: Number(m[1]), name: inlineText(m[2]), username: inlineText(m[3]) });
  return out;
}

export interface StatusItem {
  id: number;
  name: string;
  state: string;
}

/** `scp/lists.php?id=1` (ticket statuses): `<tr id="list-item-6">…Triaged…<td>open</td>`. */
export function parseStatusList(html: string): StatusItem[] {
  const out: StatusItem[] = [];
  const re = /<tr id="list-item-(\d+)"[\s\S]*?<a class="field-config preview"[\s\S]*?>(?:<i[^>]*><\/i>)?([\s\S]*?)<\/a>\s*<\/td>\s*<td[^>]*><span class="truncate">([^<]*)<\/span>/gi;
  for (let m; (m = re.exec(html)); ) out.push({ id: Number(m[1]), name: inlineText(m[2]), state: inlineText(m[3]) });
  return out;
}
