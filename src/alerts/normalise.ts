// One parsed object → NormalisedAlert(s), a skip, or an error for the rejects file.

import type { Severity } from '../domain/types.js';
import type { AlertFormat, NormalisedAlert } from './types.js';
import { detectFormat, getFormat } from './detect.js';
import { AlertFieldError, getPath, isObj } from './fields.js';
import { unwrap } from './unwrap.js';

export { AlertFieldError } from './fields.js';

/**
 * Sets the category of matching alerts, first matching rule wins (over the format's own
 * category). Every condition given must hold.
 */
export interface CategoryRule {
  category: string;
  /** Only alerts of these formats. */
  format?: AlertFormat | AlertFormat[];
  /** ruleId equal to one of these. */
  ruleId?: string | string[];
  /** Regular expression (case-insensitive) tested against the title. */
  title?: string | RegExp;
  /** Technique ids; `T1110` also matches `T1110.001`. */
  mitre?: string | string[];
  /** A field of the original object (dotted path) equal to `equals` or matching `matches` (regex, case-insensitive). */
  field?: { path: string; equals?: string; matches?: string | RegExp };
}

export interface NormaliseOptions {
  /** Skip detection: every object is read as this format. */
  format?: AlertFormat;
  /** Per format: native severity value (as a string, e.g. wazuh "12", suricata "1", elastic "critical") → Severity. */
  severityOverrides?: Partial<Record<AlertFormat, Record<string, Severity>>>;
  /** Field paths for the generic format (title=PATH, ...). When set, unrecognised objects are read as generic. */
  generic?: Record<string, string>;
  categoryRules?: CategoryRule[];
  /** Clock for alerts without a time of their own. Default: now. */
  now?: () => Date;
}

export type NormaliseResult = { alerts: NormalisedAlert[] } | { skip: string } | { error: string; field?: string };

const asList = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const regex = (r: string | RegExp): RegExp => (typeof r === 'string' ? new RegExp(r, 'i') : r);

/** Throws (with the rule's index) when a rule has no category or an invalid regular expression. */
export function validateCategoryRules(rules: CategoryRule[]): void {
  rules.forEach((r, i) => {
    if (!r || typeof r.category !== 'string' || !r.category) throw new Error(`category rule ${i + 1}: category missing`);
    try {
      if (r.title !== undefined) regex(r.title);
      if (r.field?.matches !== undefined) regex(r.field.matches);
    } catch (e) {
      throw new Error(`category rule ${i + 1}: ${(e as Error).message}`);
    }
  });
}

function ruleMatches(r: CategoryRule, a: NormalisedAlert, obj: unknown): boolean {
  if (r.format !== undefined && !asList(r.format).includes(a.format)) return false;
  if (r.ruleId !== undefined && (a.ruleId === undefined || !asList(r.ruleId).includes(a.ruleId))) return false;
  if (r.title !== undefined && !regex(r.title).test(a.title)) return false;
  if (r.mitre !== undefined) {
    const want = asList(r.mitre).map((m) => m.toUpperCase());
    if (!a.mitre.some((m) => want.some((w) => m === w || m.startsWith(`${w}.`)))) return false;
  }
  if (r.field) {
    const v = getPath(obj, r.field.path);
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return false;
    const s = String(v);
    if (r.field.equals !== undefined && s !== r.field.equals) return false;
    if (r.field.matches !== undefined && !regex(r.field.matches).test(s)) return false;
  }
  return true;
}

export function applyCategoryRules(alerts: NormalisedAlert[], obj: unknown, rules: CategoryRule[] | undefined): void {
  if (!rules?.length) return;
  for (const a of alerts) {
    for (const r of rules) {
      if (ruleMatches(r, a, obj)) {
        a.category = r.category;
        break;
      }
    }
  }
}

/**
 * Normalise one object (no envelope unwrapping: see normaliseAll). `text` is its original
 * text, kept as `raw`. Never throws for bad content.
 */
export function normaliseObject(obj: unknown, text: string, opts: NormaliseOptions = {}): NormaliseResult {
  if (!isObj(obj)) return { error: 'not a JSON object' };
  let format: AlertFormat | undefined;
  try {
    format = opts.format ?? detectFormat(obj, { generic: opts.generic !== undefined });
  } catch (e) {
    return { error: `detection failed: ${(e as Error).message}` };
  }
  if (!format) return { error: 'unrecognised alert format' };
  try {
    const r = getFormat(format).normalise(obj, {
      severity: opts.severityOverrides?.[format],
      generic: opts.generic,
      now: opts.now ?? (() => new Date()),
      raw: text,
    });
    if (!Array.isArray(r)) return r;
    applyCategoryRules(r, obj, opts.categoryRules);
    return { alerts: r };
  } catch (e) {
    if (e instanceof AlertFieldError) return { error: `${format}: ${e.message}`, field: e.field };
    return { error: `${format}: ${(e as Error)?.message ?? String(e)}` };
  }
}

export type NormalisedItem = NormaliseResult & { text: string };

/**
 * Unwrap envelopes (Elasticsearch hits, `_source`, Kibana archives, EVE in `message`), then
 * normalise each document. `text` of each result is that document's text.
 */
export function normaliseAll(obj: unknown, text: string, opts: NormaliseOptions = {}): NormalisedItem[] {
  const out: NormalisedItem[] = [];
  for (const doc of unwrap(obj, text)) out.push({ ...normaliseObject(doc.value, doc.text, opts), text: doc.text });
  if (out.length === 0) out.push({ skip: 'envelope without documents', text });
  return out;
}
