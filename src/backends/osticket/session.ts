// A staff-panel (SCP) session: cookie jar, CSRF token, login, expiry → one re-login and retry,
// ticket locks, and osTicket's answer patterns mapped into clear errors.
// Protocol: /work/shared/osticket/INTERFACE.md §1, §b, §e, §f, §h.
import { sanitizeCell } from '../../ui/sanitize.js';
import type { OsTicketProfile, OsTicketSecrets } from './profile.js';
import { HttpClient, type FormData_, type RawResponse } from './http.js';
import { extractCsrf, findMsgError, inlineText, loginMessage, maybeJson } from './parse.js';
import {
  OsTicketAuthError,
  OsTicketNotFoundError,
  OsTicketPermissionError,
  OsTicketRefusedError,
  OsTicketUnavailableError,
} from './errors.js';

/** Where the session cookie lives between runs (the caller keeps it 0600). Opaque string. */
export interface SessionStore {
  load(): string | undefined;
  save(state: string): void;
}

export interface OsTicketSessionOptions {
  profile: Pick<OsTicketProfile, 'url' | 'ca' | 'allowInsecureHttp' | 'timeoutMs'>;
  secrets: OsTicketSecrets;
  sessionStore?: SessionStore;
  http?: HttpClient;
}

/** A small cookie jar: one host, so name → value is enough. */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  absorb(setCookie: string | string[] | undefined): boolean {
    if (!setCookie) return false;
    let changed = false;
    for (const line of Array.isArray(setCookie) ? setCookie : [setCookie]) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      // RFC 6265 §5.3: Max-Age wins over Expires. osTicket sends both; Max-Age is relative, so a
      // client whose clock is off from the server's does not throw away a live session.
      const attr = (name: string) => {
        for (const a of attrs) {
          const eq = a.indexOf('=');
          if (eq > 0 && a.slice(0, eq).trim().toLowerCase() === name) return a.slice(eq + 1).trim();
        }
        return undefined;
      };
      const maxAge = attr('max-age');
      const expires = attr('expires');
      const expired =
        value === '' ||
        value === 'deleted' ||
        (maxAge !== undefined ? Number(maxAge) <= 0 : expires !== undefined && Date.parse(expires) < Date.now());
      if (expired) changed = this.cookies.delete(name) || changed;
      else if (this.cookies.get(name) !== value) {
        this.cookies.set(name, value);
        changed = true;
      }
    }
    return changed;
  }

  header(): string | undefined {
    if (!this.cookies.size) return undefined;
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  clear(): void {
    this.cookies.clear();
  }

  toJSON(): Record<string, string> {
    return Object.fromEntries(this.cookies);
  }

  load(o: Record<string, string>): void {
    this.cookies.clear();
    for (const [k, v] of Object.entries(o)) if (typeof v === 'string') this.cookies.set(k, v);
  }

  get size(): number {
    return this.cookies.size;
  }
}

export interface RequestOptions {
  /** ajax.php routes answer 403 "Must login" instead of redirecting. */
  ajax?: boolean;
  form?: FormData_;
  multipart?: FormData;
  /** Send the CSRF token as a form field (classic page POSTs) rather than a header. */
  csrfInForm?: boolean;
  headers?: Record<string, string>;
}

/** Does this answer mean "your session is gone"? */
export function isLoginBounce(res: RawResponse): boolean {
  if (res.status >= 300 && res.status < 400 && res.location && /(^|\/)(scp\/)?login\.php(\?|$)/.test(res.location)) return true;
  if (res.status === 403 && /^\s*Must login:/i.test(res.body)) return true;
  return false;
}

function short(body: string, max = 200): string {
  const t = sanitizeCell(inlineText(body));
  return t.length > max ? `${t.slice(0, max)}…` : t;
}

export interface Lock {
  code?: string;
  lockId?: number;
}

export class OsTicketSession {
  readonly http: HttpClient;
  private readonly jar = new CookieJar();
  private csrf?: string;
  private loggedIn = false;
  private loginInFlight?: Promise<void>;
  private readonly secrets: OsTicketSecrets;
  private readonly store?: SessionStore;
  private restored = false;
  private readonly ownsHttp: boolean;
  /** Requests sent (for benchmarks and tests). */
  requests = 0;

  constructor(opts: OsTicketSessionOptions) {
    this.secrets = opts.secrets;
    this.store = opts.sessionStore;
    this.http = opts.http ?? new HttpClient(opts.profile);
    this.ownsHttp = !opts.http;
  }

  get username(): string | undefined {
    return this.secrets.username;
  }

  hasCredentials(): boolean {
    return !!(this.secrets.username && this.secrets.password);
  }

  private restore(): void {
    if (this.restored) return;
    this.restored = true;
    let raw: string | undefined;
    try {
      raw = this.store?.load();
    } catch {
      raw = undefined;
    }
    if (!raw) return;
    try {
      const s = JSON.parse(raw) as { v?: number; user?: string; cookies?: Record<string, string>; csrf?: string };
      if (s.v !== 1 || s.user !== this.secrets.username || !s.cookies) return;
      this.jar.load(s.cookies);
      this.csrf = s.csrf;
      this.loggedIn = !!s.csrf && this.jar.size > 0;
    } catch {
      // A damaged file only costs a login.
    }
  }

  private persist(): void {
    if (!this.store) return;
    try {
      this.store.save(JSON.stringify({ v: 1, user: this.secrets.username, cookies: this.jar.toJSON(), csrf: this.csrf }));
    } catch {
      // Not being able to keep the session is not fatal.
    }
  }

  private async raw(method: 'GET' | 'POST', path: string, o: RequestOptions = {}): Promise<RawResponse> {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    const cookie = this.jar.header();
    if (cookie) headers.cookie = cookie;
    let form = o.form;
    if (method === 'POST' && this.csrf) {
      if (o.csrfInForm && form) form = { __CSRFToken__: this.csrf, ...form };
      else headers['x-csrftoken'] = this.csrf;
    }
    this.requests++;
    const res = await this.http.send(method, path, { headers, form, multipart: o.multipart, idempotent: method === 'GET' });
    if (this.jar.absorb(res.headers['set-cookie'])) this.persist();
    return res;
  }

  /** Log in (single flight: concurrent callers share one login). */
  login(): Promise<void> {
    this.loginInFlight ??= this.doLogin().finally(() => {
      this.loginInFlight = undefined;
    });
    return this.loginInFlight;
  }

  private async doLogin(attempt = 0): Promise<void> {
    const { username, password } = this.secrets;
    if (!username || !password) {
      throw new OsTicketAuthError('No osTicket agent credentials are configured.', 'Log in: soc-ticket login');
    }
    this.loggedIn = false;
    this.jar.clear();
    this.csrf = undefined;
    const page = await this.raw('GET', 'scp/login.php');
    if (page.status !== 200) throw this.unexpected('GET scp/login.php', page);
    const token = extractCsrf(page.body);
    if (!token && /Fatal error/i.test(page.body)) {
      throw new OsTicketUnavailableError(`osTicket itself is failing (PHP fatal error: ${short(page.body.replace(/^[\s\S]*?Fatal error/i, ''), 100)}).`, 'Its database or PHP may be down; ask the osTicket admin.');
    }
    if (!token) throw new OsTicketUnavailableError('The osTicket login page carries no CSRF token; is osticket.url the osTicket root?');
    this.csrf = token;
    const res = await this.raw('POST', 'scp/login.php', {
      form: { __CSRFToken__: token, do: 'scplogin', userid: username, passwd: password, ajax: 1 },
    });
    const j = maybeJson(res.body) as { status?: number; redirect?: string; message?: string } | undefined;
    const ok =
      (j && j.status === 302 && typeof j.redirect === 'string' && !/login\.php/.test(j.redirect)) ||
      (res.status === 302 && !!res.location && !/login\.php/.test(res.location));
    if (!ok) {
      const msg = j?.message ?? loginMessage(res.body) ?? '';
      this.jar.clear();
      this.csrf = undefined;
      this.persist();
      if (/maximum failed login attempts/i.test(msg)) {
        throw new OsTicketAuthError(
          `osTicket locked out the login of ${username}: too many failed attempts.`,
          'Wait 2 minutes (Admin → Settings → Agents: login timeout) and check the password (soc-ticket login) before trying again.',
        );
      }
      if (j && j.status === 302) {
        // Redirect back to login.php = stale CSRF token; try once with a fresh page.
        if (attempt === 0) return this.doLogin(1);
        throw new OsTicketAuthError('osTicket rejected the login form (CSRF token).');
      }
      if (/access denied/i.test(msg) || j?.status === 401) {
        throw new OsTicketAuthError(
          `osTicket refused the login of ${username}: ${short(msg || 'Access denied')}.`,
          'Wrong user name or password, or the account is locked/inactive. Re-enter it: soc-ticket login',
        );
      }
      throw new OsTicketAuthError(`osTicket login of ${username} failed${msg ? `: ${short(msg)}` : ` (HTTP ${res.status})`}.`);
    }
    // Re-read the token from a logged-in page; this also proves the session works.
    const index = await this.raw('GET', 'scp/index.php');
    if (isLoginBounce(index)) throw new OsTicketAuthError(`osTicket accepted the login of ${username} but the session did not stick (cookies?).`);
    this.csrf = extractCsrf(index.body) ?? token;
    this.loggedIn = true;
    this.persist();
  }

  /** A request with the session: logs in when needed; an expired session re-logs in once and retries. */
  async request(method: 'GET' | 'POST', path: string, o: RequestOptions = {}): Promise<RawResponse> {
    this.restore();
    if (!this.loggedIn) await this.login();
    let res = await this.raw(method, path, o);
    if (isLoginBounce(res)) {
      await this.login();
      res = await this.raw(method, path, o);
      if (isLoginBounce(res)) throw new OsTicketAuthError('osTicket ended the session again right after a fresh login.');
    } else if (res.status === 400 && /Valid CSRF Token Required/i.test(res.body)) {
      // The token changed under us (rotated session); read it again and repeat once — the POST was refused unprocessed.
      await this.refreshCsrf();
      res = await this.raw(method, path, o);
      if (res.status === 400 && /Valid CSRF Token Required/i.test(res.body)) {
        throw new OsTicketAuthError('osTicket keeps refusing our CSRF token.');
      }
    }
    if (!isLoginBounce(res) && res.status < 500) this.loggedIn = true;
    return res;
  }

  private async refreshCsrf(): Promise<void> {
    const index = await this.raw('GET', 'scp/index.php');
    if (isLoginBounce(index)) {
      await this.login();
      return;
    }
    const t = extractCsrf(index.body);
    if (t) {
      this.csrf = t;
      this.persist();
    }
  }

  get(path: string, ajax = path.includes('ajax.php')): Promise<RawResponse> {
    return this.request('GET', path, { ajax });
  }

  post(path: string, form: FormData_, o: Omit<RequestOptions, 'form'> = {}): Promise<RawResponse> {
    return this.request('POST', path, { ...o, form, ajax: o.ajax ?? path.includes('ajax.php') });
  }

  // ---- answer patterns -------------------------------------------------------------

  unexpected(what: string, res: RawResponse): Error {
    return new OsTicketUnavailableError(`osTicket gave an unexpected answer to ${what}: HTTP ${res.status}${res.body ? ` ${short(res.body, 120)}` : ''}.`);
  }

  /**
   * Judge an ajax dialog action (assign, claim, release, transfer, status, field edit):
   * 201 = done (whatever the body says — claim/release/transfer re-render the dialog, gotcha 1);
   * 200 = refused, reason in `<p id="msg_error">`; 403 denied; 404 unknown/invisible ticket.
   */
  judgeAjax(what: string, res: RawResponse, ticket: string): RawResponse {
    if (res.status === 201) return res;
    if (res.status === 200) {
      const err = findMsgError(res.body);
      if (err) {
        const detail = [err.message, ...err.fields].filter(Boolean).join(' — ');
        if (/permission/i.test(err.message)) {
          throw new OsTicketPermissionError(`osTicket refused to ${what} ticket ${ticket}: ${short(detail)}.`, 'Your osTicket role lacks this permission; ask an osTicket admin or a lead.');
        }
        throw new OsTicketRefusedError(`osTicket refused to ${what} ticket ${ticket}: ${short(detail)}.`, detail);
      }
      throw new OsTicketRefusedError(`osTicket did not ${what} ticket ${ticket} (it answered 200 without a reason).`, '');
    }
    if (res.status === 403) {
      throw new OsTicketPermissionError(
        `osTicket denied ${what} on ticket ${ticket}: ${short(res.body) || 'Permission denied'}.`,
        'Your osTicket role lacks the permission, or the ticket is outside your departments.',
      );
    }
    if (res.status === 404) throw new OsTicketNotFoundError(`osTicket: ticket ${ticket} not found or not visible to you (${short(res.body)}).`);
    if (res.status === 418) throw new OsTicketRefusedError(`osTicket refused to ${what} ticket ${ticket} (418).`, short(res.body));
    throw this.unexpected(`${what} on ticket ${ticket}`, res);
  }

  /** Classic page POST: 302 = done; 200 + `<div id="msg_error">` = refused. */
  judgePage(what: string, res: RawResponse, ticket: string): RawResponse {
    if (res.status === 302 || res.status === 303) return res;
    if (res.status === 200) {
      const err = findMsgError(res.body);
      const detail = err ? [err.message, ...err.fields].filter(Boolean).join(' — ') : '';
      if (/action denied|access denied|permission/i.test(detail)) {
        throw new OsTicketPermissionError(`osTicket refused to ${what} on ticket ${ticket}: ${short(detail)}.`);
      }
      if (/lock/i.test(detail)) {
        throw new OsTicketRefusedError(`osTicket refused to ${what} on ticket ${ticket}: ${short(detail)}.`, detail, 'Another agent may be working on the ticket; try again in a few minutes.');
      }
      if (/fatal error/i.test(res.body)) throw this.unexpected(`${what} on ticket ${ticket}`, { ...res, body: 'PHP fatal error' });
      throw new OsTicketRefusedError(`osTicket did not ${what} on ticket ${ticket}${detail ? `: ${short(detail)}` : ''}.`, detail);
    }
    if (res.status === 403) throw new OsTicketPermissionError(`osTicket denied ${what} on ticket ${ticket}: ${short(res.body)}.`);
    if (res.status === 404) throw new OsTicketNotFoundError(`osTicket: ticket ${ticket} not found or not visible to you.`);
    throw this.unexpected(`${what} on ticket ${ticket}`, res);
  }

  // ---- locks (gotcha 2) --------------------------------------------------------------

  private readonly locks = new Map<number, { code: string; lockId: number; until: number }>();

  /** Acquire the ticket lock a note/reply needs. Locking disabled (418) → no code. */
  async acquireLock(ticketId: number, ticket: string): Promise<Lock> {
    const res = await this.post(`scp/ajax.php/lock/ticket/${ticketId}`, {});
    if (res.status === 418) return {};
    if (res.status === 500 && !res.body.trim()) {
      // We already hold a live lock: osTicket 1.18 fails re-acquisition with an empty 500.
      const held = this.locks.get(ticketId);
      if (held && held.until > Date.now()) return { code: held.code, lockId: held.lockId };
      throw new OsTicketRefusedError(
        `osTicket could not lock ticket ${ticket}: this agent already holds a lock from an earlier attempt.`,
        'lock held',
        'Wait 3 minutes for the lock to expire, then try again.',
      );
    }
    if (res.status === 403 || res.status === 404) this.judgeAjax('lock', res, ticket);
    const j = maybeJson(res.body) as { id?: number; code?: string; msg?: string; time?: number } | undefined;
    if (!j || res.status !== 200) throw this.unexpected(`lock of ticket ${ticket}`, res);
    if (!j.id || !j.code) {
      const why = j.msg ? short(j.msg.replace(/<[^>]*>/g, '')) : 'refused';
      if (/denied/i.test(why)) throw new OsTicketPermissionError(`osTicket denied the lock on ticket ${ticket}: ${why}.`, 'The ticket is outside your departments.');
      throw new OsTicketRefusedError(`osTicket could not lock ticket ${ticket}: ${why}.`, why, 'Someone else is working on it; try again in a few minutes.');
    }
    this.locks.set(ticketId, { code: j.code, lockId: j.id, until: Date.now() + Math.max(30, (j.time ?? 180) - 15) * 1000 });
    return { code: j.code, lockId: j.id };
  }

  /** A successful note/reply releases the lock on the server. */
  forgetLock(ticketId: number): void {
    this.locks.delete(ticketId);
  }

  async releaseLock(ticketId: number): Promise<void> {
    const held = this.locks.get(ticketId);
    this.locks.delete(ticketId);
    if (!held) return;
    try {
      await this.post(`scp/ajax.php/lock/${held.lockId}/release`, {});
    } catch {
      // It expires by itself.
    }
  }

  async logout(): Promise<void> {
    this.restore();
    if (!this.loggedIn) return;
    try {
      await this.raw('GET', 'scp/logout.php');
    } finally {
      this.loggedIn = false;
      this.jar.clear();
      this.csrf = undefined;
      this.persist();
    }
  }

  close(): void {
    if (this.ownsHttp) this.http.close();
  }
}
