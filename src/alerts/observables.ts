// Observables (IPs, domains, URLs, hashes, users, emails) taken from the known fields of an
// alert. Every value is validated for its type; anything that does not look right is dropped.

import { isIP } from 'node:net';
import type { Observable, ObservableType } from '../domain/types.js';
import { getPath } from './fields.js';

export const MAX_OBSERVABLES = 100;
const MAX_VALUE = 2048;

const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?\.?$/i;
const EMAIL = /^[^\s@<>()[\],;:"]{1,64}@((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63})$/i;
const HEX = /^[0-9a-f]+$/i;
const NOT_USERS = new Set(['', '-', '(none)', 'none', 'n/a', 'unknown', 'null']);

export function isIpAddress(s: string): boolean {
  return isIP(s) !== 0;
}

export function isDomain(s: string): boolean {
  return DOMAIN.test(s) && !isIP(s) && !/^\d+(\.\d+)*\.?$/.test(s);
}

export function isHash(s: string): boolean {
  return (s.length === 32 || s.length === 40 || s.length === 64) && HEX.test(s);
}

export function isUrl(s: string): boolean {
  if (!/^(?:https?|ftp):\/\//i.test(s)) return false;
  try {
    new URL(s);
    return true;
  } catch {
    return false;
  }
}

/** Strip `[::1]`, a zone id, or an IPv4-mapped prefix so net.isIP can judge. */
function normIp(s: string): string {
  let v = s.trim();
  if (v.startsWith('[') && v.endsWith(']')) v = v.slice(1, -1);
  return v;
}

export class ObservableSet {
  private readonly seen = new Set<string>();
  readonly list: Observable[] = [];

  /** Add a value if it validates for `type`; returns whether it was added. */
  add(type: ObservableType, value: unknown): boolean {
    if (this.list.length >= MAX_OBSERVABLES) return false;
    if (typeof value === 'number' && type !== 'ip') value = String(value);
    if (typeof value !== 'string') return false;
    let v = value.trim();
    if (!v || v.length > MAX_VALUE) return false;
    switch (type) {
      case 'ip':
        v = normIp(v);
        if (!isIP(v)) return false;
        v = v.toLowerCase();
        break;
      case 'domain':
        v = v.replace(/\.$/, '').toLowerCase();
        if (!isDomain(v)) return false;
        break;
      case 'url':
        if (!isUrl(v)) return false;
        break;
      case 'hash':
        v = v.toLowerCase();
        if (!isHash(v)) return false;
        break;
      case 'email':
        if (!EMAIL.test(v)) return false;
        v = v.toLowerCase();
        break;
      case 'user':
        if (NOT_USERS.has(v.toLowerCase()) || /[\x00-\x1f]/.test(v)) return false;
        break;
    }
    const k = `${type}\u0000${v}`;
    if (this.seen.has(k)) return false;
    this.seen.add(k);
    this.list.push({ type, value: v });
    return true;
  }

  /** An IP, domain or email in a "host"-like field: whichever it is. */
  addHostish(value: unknown): void {
    if (typeof value !== 'string') return;
    const v = value.trim();
    if (isIP(normIp(v))) this.add('ip', v);
    else if (EMAIL.test(v)) this.add('email', v);
    else this.add('domain', v);
  }

  /** Each path's value (or each element when it is a list) added as `type`. */
  fromPaths(obj: unknown, type: ObservableType, paths: string[]): void {
    for (const p of paths) {
      const v = getPath(obj, p);
      if (Array.isArray(v)) for (const x of v) this.add(type, x);
      else this.add(type, v);
    }
  }

  /** A user name; if it is an email, also the email. */
  addUser(value: unknown): void {
    if (typeof value !== 'string') return;
    if (this.add('user', value) && EMAIL.test(value.trim())) this.add('email', value);
  }

  /** URL, plus its host as a domain or IP. */
  addUrl(value: unknown): void {
    if (typeof value !== 'string' || !this.add('url', value)) return;
    try {
      this.addHostish(new URL(value.trim()).hostname);
    } catch {
      /* validated above */
    }
  }
}

/** Coerce the `{type,value}` objects or plain strings of a hand-written alert. */
export function guessObservableType(v: string): ObservableType | undefined {
  const s = v.trim();
  if (isIP(normIp(s))) return 'ip';
  if (isUrl(s)) return 'url';
  if (EMAIL.test(s)) return 'email';
  if (isHash(s)) return 'hash';
  if (isDomain(s)) return 'domain';
  return undefined;
}
