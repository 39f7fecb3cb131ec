// One parsed object → NormalisedAlert(s), a skip, or an error for the rejects file.

import type { Severity } from '../domain/types.js';
import type { AlertFormat, NormalisedAlert } from './types.js';
import { detectFormat, getFormat } from './detect.js';
import { AlertFieldError, isObj } from './fields.js';
import { unwrap } from './unwrap.js';

export { AlertFieldError } from './fields.js';

export interface NormaliseOptions {
  /** Skip detection: every object is read as this format. */
  format?: AlertFormat;
  /** Per format: native severity value (as a string, e.g. wazuh "12", suricata "1", elastic "critical") → Severity. */
  severityOverrides?: Partial<Record<AlertFormat, Record<string, Severity>>>;
  /** Field paths for the generic format (title=PATH, ...). When set, unrecognised objects are read as generic. */
  generic?: Record<string, string>;
  /** Clock for alerts without a time of their own. Default: now. */
  now?: () => Date;
}

export type NormaliseResult = { alerts: NormalisedAlert[] } | { skip: string } | { error: string; field?: string };

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
