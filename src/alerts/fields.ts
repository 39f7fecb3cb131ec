// Shared helpers for the format normalisers: field access that tolerates dotted keys,
// typed getters that reject wrong types, time parsing, severity words, dedup keys, MITRE ids.

import { createHash } from 'node:crypto';
import type { Severity } from '../domain/types.js';

/** A field of an alert has the wrong type or an unusable value. */
export class AlertFieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'AlertFieldError';
  }
}

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const hasOwn = (o: object, k: string): boolean => Object.hasOwn(o, k);

function lookup(o: unknown, segs: string[], from: number): unknown {
  if (from === segs.length) return o;
  if (Array.isArray(o)) {
    const seg = segs[from];
    if (!/^\d+$/.test(seg)) return undefined;
    return lookup(o[Number(seg)], segs, from + 1);
  }
  if (!isObj(o)) return undefined;
  // Longest dotted key first: "kibana.alert.rule.name" flat, nested, or any mix of the two.
  for (let end = segs.length; end > from; end--) {
    const key = end - from === 1 ? segs[from] : segs.slice(from, end).join('.');
    if (hasOwn(o, key)) {
      const r = lookup(o[key], segs, end);
      if (r !== undefined) return r;
    }
  }
  return undefined;
}

/**
 * The value at `path` (`a.b.c`), where any run of segments may also be one dotted key
 * (`{"a.b": {"c": 1}}`), as Elasticsearch documents mix both. Array indexes are numbers (`a.0.b`).
 * Own properties only.
 */
export function getPath(obj: unknown, path: string): unknown {
  if (path === '') return obj;
  const segs = segments(path);
  // Fast path, the common case: plain nesting all the way down.
  let o: unknown = obj;
  let i = 0;
  for (; i < segs.length; i++) {
    if (!isObj(o) || !hasOwn(o, segs[i])) break;
    o = o[segs[i]];
  }
  if (i === segs.length && o !== undefined) return o;
  if (segs.length === 1 && !Array.isArray(obj)) return undefined;
  return lookup(obj, segs, 0);
}

// Paths are a small fixed set (format code, config): split each once.
const SPLIT = new Map<string, string[]>();
function segments(path: string): string[] {
  let s = SPLIT.get(path);
  if (!s) {
    s = path.split('.');
    if (SPLIT.size < 4096) SPLIT.set(path, s);
  }
  return s;
}

/** First path with a value other than undefined/null. */
export function firstPath(obj: unknown, paths: string[]): { path: string; value: unknown } | undefined {
  for (const p of paths) {
    const v = getPath(obj, p);
    if (v !== undefined && v !== null) return { path: p, value: v };
  }
  return undefined;
}

/** A string field; numbers are accepted and stringified; '' counts as absent. */
export function optString(obj: unknown, path: string): string | undefined {
  const v = getPath(obj, path);
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  throw new AlertFieldError(path, `expected a string, got ${typeName(v)}`);
}

export function optStringAny(obj: unknown, paths: string[]): string | undefined {
  for (const p of paths) {
    const v = optString(obj, p);
    if (v !== undefined) return v;
  }
  return undefined;
}

export function reqString(obj: unknown, path: string): string {
  const v = optString(obj, path);
  if (v === undefined) throw new AlertFieldError(path, 'missing');
  return v;
}

/** A number field; numeric strings ("10") are accepted. */
export function optNumber(obj: unknown, path: string): number | undefined {
  const v = getPath(obj, path);
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v)) return Number(v);
  throw new AlertFieldError(path, `expected a number, got ${typeName(v)}`);
}

/** A string, or an array of strings/numbers (non-strings dropped), as an array. */
export function optStrings(obj: unknown, path: string): string[] {
  const v = getPath(obj, path);
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return v ? [v] : [];
  if (typeof v === 'number') return [String(v)];
  if (Array.isArray(v)) {
    const out: string[] = [];
    for (const x of v) if (typeof x === 'string' ? x !== '' : typeof x === 'number') out.push(String(x));
    return out;
  }
  throw new AlertFieldError(path, `expected a string or a list, got ${typeName(v)}`);
}

export function optObj(obj: unknown, path: string): Obj | undefined {
  const v = getPath(obj, path);
  if (v === undefined || v === null) return undefined;
  if (isObj(v)) return v;
  throw new AlertFieldError(path, `expected an object, got ${typeName(v)}`);
}

export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v}`;
}

// ---------------------------------------------------------------------------------------------
// Time

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$/;

function fromEpoch(n: number): Date | undefined {
  if (!Number.isFinite(n) || n < 0) return undefined;
  // magnitude picks the unit: seconds until year 5138, then millis, micros, nanos
  let ms: number;
  if (n < 1e11) ms = n * 1000;
  else if (n < 1e14) ms = n;
  else if (n < 1e17) ms = n / 1e3;
  else ms = n / 1e6;
  const d = new Date(Math.floor(ms));
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/**
 * A timestamp as ISO 8601 UTC with milliseconds, or undefined when it is not one.
 * Accepts ISO 8601 / RFC 3339 (offsets `Z`, `+02:00`, `+0200`, `+02`; any number of fractional
 * digits, truncated to ms; no offset means UTC), and epoch seconds / millis / micros / nanos as a
 * number or a numeric string.
 */
export function parseTime(v: unknown): string | undefined {
  let d: Date | undefined;
  if (typeof v === 'number') d = fromEpoch(v);
  else if (typeof v === 'string') {
    const s = v.trim();
    if (/^\d+(\.\d+)?$/.test(s)) d = fromEpoch(Number(s));
    else {
      const m = ISO.exec(s);
      if (!m) return undefined;
      const [, Y, Mo, D, h = '0', mi = '0', sec = '0', frac = '', , sign, oh, om = '0'] = m;
      const year = +Y, month = +Mo, day = +D, hour = +h, minute = +mi, second = +sec;
      if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return undefined;
      const ms = frac ? Number(frac.slice(0, 3).padEnd(3, '0')) : 0;
      const t = new Date(0);
      t.setUTCFullYear(year, month - 1, day);
      t.setUTCHours(hour, minute, second, ms);
      if (t.getUTCDate() !== day && second !== 60) return undefined; // 2024-02-31
      let time = t.getTime();
      if (sign) {
        const off = (+oh * 60 + +om) * 60_000;
        if (+oh > 23 || +om > 59) return undefined;
        time += sign === '+' ? -off : off;
      }
      d = new Date(time);
    }
  }
  if (!d || Number.isNaN(d.getTime())) return undefined;
  const y = d.getUTCFullYear();
  if (y < 1 || y > 9999) return undefined;
  return d.toISOString();
}

/** Time from the first present path; present but unparseable is an AlertFieldError. */
export function timeField(obj: unknown, paths: string[], fallback?: () => Date): string {
  const hit = firstPath(obj, paths);
  if (hit) {
    const t = parseTime(hit.value);
    if (t === undefined) throw new AlertFieldError(hit.path, 'not a valid timestamp');
    return t;
  }
  if (fallback) return fallback().toISOString();
  throw new AlertFieldError(paths[0], 'missing');
}

// ---------------------------------------------------------------------------------------------
// Severity

const WORDS: Record<string, Severity> = {
  info: 'low',
  informational: 'low',
  information: 'low',
  notice: 'low',
  debug: 'low',
  none: 'low',
  low: 'low',
  minor: 'low',
  normal: 'normal',
  medium: 'normal',
  moderate: 'normal',
  warning: 'normal',
  warn: 'normal',
  high: 'high',
  major: 'high',
  error: 'high',
  severe: 'high',
  critical: 'emergency',
  crit: 'emergency',
  emergency: 'emergency',
  emerg: 'emergency',
  fatal: 'emergency',
  alert: 'emergency',
  page: 'emergency',
  disaster: 'emergency',
};

/** Common severity words (case-insensitive) → Severity. */
export function severityWord(s: string): Severity | undefined {
  const k = s.trim().toLowerCase();
  return Object.prototype.hasOwnProperty.call(WORDS, k) ? WORDS[k] : undefined;
}

/** A user override for the native severity value `native`, if any. */
export function override(overrides: Record<string, Severity> | undefined, native: string | number | undefined): Severity | undefined {
  if (!overrides || native === undefined) return undefined;
  const k = String(native);
  if (Object.prototype.hasOwnProperty.call(overrides, k)) return overrides[k];
  const lk = k.toLowerCase();
  if (Object.prototype.hasOwnProperty.call(overrides, lk)) return overrides[lk];
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Titles, dedup keys, MITRE

export const MAX_TITLE = 200;

/** Title capped at MAX_TITLE characters (on a code point boundary), whitespace runs folded. */
export function capTitle(s: string): string {
  const t = s.replace(/\s+/g, ' ').trim();
  if (t.length <= MAX_TITLE) return t;
  const cps = Array.from(t.slice(0, MAX_TITLE + 2));
  return cps.slice(0, MAX_TITLE - 1).join('') + '…';
}

const MAX_KEY = 200;

/**
 * `format:part1|part2|…`, with `%` and `|` escaped in parts; when that is longer than 200
 * characters or holds control characters, `format:h:` + 32 hex digits of its SHA-256 instead.
 */
export function dedupKey(format: string, parts: Array<string | number | undefined>): string {
  const body = parts.map((p) => (p === undefined ? '' : String(p).replace(/%/g, '%25').replace(/\|/g, '%7C'))).join('|');
  const key = `${format}:${body}`;
  // eslint-disable-next-line no-control-regex
  if (key.length <= MAX_KEY && !/[\x00-\x1f\x7f-\x9f]/.test(key)) return key;
  return `${format}:h:${createHash('sha256').update(body).digest('hex').slice(0, 32)}`;
}

const TECHNIQUE = /^T\d{4}(?:\.\d{3})?$/;
const TECHNIQUE_IN_TEXT = /\bT\d{4}(?:\.\d{3})?\b/g;

/** MITRE ATT&CK technique ids (T1234, T1234.001) among the given values, deduplicated, in order. */
export function mitreIds(values: Iterable<unknown>): string[] {
  const out = new Set<string>();
  for (const v of values) {
    if (typeof v !== 'string') continue;
    const s = v.trim().toUpperCase();
    if (TECHNIQUE.test(s)) out.add(s);
  }
  return [...out];
}

/** Technique ids mentioned anywhere in a text. */
export function mitreInText(s: string): string[] {
  return [...new Set(s.toUpperCase().match(TECHNIQUE_IN_TEXT) ?? [])];
}
