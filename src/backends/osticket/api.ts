// osTicket's official API: ticket creation with an API key (INTERFACE.md §a). It can do nothing else.
import type { NormalisedAlert } from '../../alerts/types.js';
import { sanitizeCell } from '../../ui/sanitize.js';
import { AlertRejectedError, OsTicketAuthError, OsTicketUnavailableError } from './errors.js';
import type { HttpClient, RawResponse } from './http.js';
import { alertMessageHtml } from './message.js';
import type { Mapping } from './mapping.js';
import { rawAttachment } from '../local/store.js';

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/** The JSON body of `POST api/tickets.json` for one alert. */
export function createBody(alert: NormalisedAlert, map: Mapping): Record<string, unknown> {
  const p = map.p;
  const raw = rawAttachment(alert);
  const body: Record<string, unknown> = {
    name: p.requester?.name ?? 'soc-ticket',
    email: p.requester?.email ?? 'soc-ticket@localhost.localdomain',
    // osTicket's subject field holds 255 characters at most (ost_ticket__cdata.subject).
    subject: alert.title.replace(/[\r\n\t]+/g, ' ').slice(0, 250) || '(untitled alert)',
    // `charset=utf-8` matters: without it osTicket transcodes the text as ISO-8859-1.
    message: `data:text/html;charset=utf-8,${alertMessageHtml(alert)}`,
    priorityId: map.priorityId(alert.severity),
    source: 'API',
    alert: false,
    autorespond: false,
    attachments: [{ [raw.name]: `data:${raw.mime};base64,${raw.data.toString('base64')}` }],
  };
  const topic = map.topicId(alert.category);
  if (topic !== undefined) body.topicId = topic;
  if (alert.srcIp && IPV4.test(alert.srcIp)) body.ip = alert.srcIp;
  for (const [field, variable] of Object.entries(p.customFields ?? {})) {
    const v = field === 'dedupKey' ? alert.dedupKey : (alert as unknown as Record<string, unknown>)[field];
    if (typeof v === 'string' && v) body[variable] = v;
  }
  return body;
}

/** `Unable to create new ticket :21\nIssue Details is a required field` → { "21": "Issue…" }. */
export function parseValidationErrors(body: string): Record<string, string> {
  const text = body.replace(/^[\s\S]*?Unable to create new ticket\s*:?/i, '');
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < lines.length; i += 2) out[lines[i]] = lines[i + 1];
  if (lines.length % 2 === 1) out[lines.length > 1 ? lines[lines.length - 1] : 'error'] = lines[lines.length - 1];
  return out;
}

/** Judge the API's answer; returns the new ticket's number. */
export function judgeCreate(res: RawResponse, host: string): string {
  const text = res.body.trim();
  if (res.status === 201 && /^[A-Za-z0-9-]{1,32}$/.test(text)) return text;
  const shown = sanitizeCell(text).slice(0, 300);
  if (res.status === 401) {
    throw new OsTicketAuthError(
      `osTicket at ${host} refused the API key (${shown || 'HTTP 401'}).`,
      /not authorized$/i.test(text)
        ? 'The key may not create tickets: Admin panel → Manage → API Keys → tick "Can Create Tickets".'
        : 'Either the key is wrong (soc-ticket admin config set osticket.apiKey), or it is bound to another IP address: ' +
            'osTicket ties each key to one client IP (Admin panel → Manage → API Keys); this machine needs a key for its own address.',
    );
  }
  if (res.status === 500 && /Unable to create new ticket/i.test(text)) {
    const fields = parseValidationErrors(text);
    const reasons = Object.values(fields).join('; ');
    throw new AlertRejectedError(`osTicket refused the ticket: ${sanitizeCell(reasons || shown)}`, fields,
      /client information/i.test(text) ? 'Check osticket.requester (a valid email; osTicket may verify its domain by DNS).' : undefined);
  }
  if (res.status === 400) throw new AlertRejectedError(`osTicket refused the request: ${shown || 'HTTP 400'}`, {});
  if (res.status === 404) throw new OsTicketUnavailableError(`No osTicket API at ${host} (HTTP 404).`, 'Check osticket.url: it must be the osTicket root, where api/ and scp/ live.');
  throw new OsTicketUnavailableError(`osTicket's API answered HTTP ${res.status}${shown ? `: ${shown}` : ''}.`);
}

export async function createTicket(http: HttpClient, apiKey: string, body: Record<string, unknown>): Promise<string> {
  const res = await http.send('POST', 'api/tickets.json', { headers: { 'x-api-key': apiKey }, json: body });
  return judgeCreate(res, new URL(http.base).host);
}
