// What every format module exports, and the builder they share.

import type { Observable, Severity } from '../../domain/types.js';
import type { AlertFormat, NormalisedAlert } from '../types.js';
import { capTitle, type Obj } from '../fields.js';

export interface FormatContext {
  /** User overrides for this format: native severity value (as a string) → Severity. */
  severity?: Record<string, Severity>;
  /** Field paths for the `generic` format. */
  generic?: Record<string, string>;
  /** Clock for alerts that carry no time of their own (webhooks). */
  now: () => Date;
  /** The object's original text. */
  raw: string;
}

export type FormatResult = NormalisedAlert[] | { skip: string };

export interface AlertFormatHandler {
  name: AlertFormat;
  detect(obj: Obj): boolean;
  /** Throws AlertFieldError for a field of the wrong type or a missing required field. */
  normalise(obj: Obj, ctx: FormatContext): FormatResult;
}

export interface AlertFields {
  title: string;
  severity: Severity;
  time: string;
  dedupKey: string;
  description?: string;
  host?: string;
  srcIp?: string;
  dstIp?: string;
  ruleId?: string;
  ruleName?: string;
  mitre?: string[];
  observables?: Observable[];
  category?: string;
  status?: 'firing' | 'resolved';
}

/** A NormalisedAlert with the title capped, empty optional strings dropped. */
export function makeAlert(format: AlertFormat, f: AlertFields, raw: string): NormalisedAlert {
  const a: NormalisedAlert = {
    format,
    title: capTitle(f.title) || `${format} alert`,
    severity: f.severity,
    time: f.time,
    mitre: f.mitre ?? [],
    observables: f.observables ?? [],
    dedupKey: f.dedupKey,
    raw,
  };
  const opt = ['description', 'host', 'srcIp', 'dstIp', 'ruleId', 'ruleName', 'category'] as const;
  for (const k of opt) {
    const v = f[k];
    if (typeof v === 'string' && v.trim() !== '') a[k] = v;
  }
  if (f.status) a.status = f.status;
  return a;
}

/** Lines joined, empty ones dropped. */
export function lines(...xs: Array<string | undefined | false>): string | undefined {
  const out = xs.filter((x): x is string => typeof x === 'string' && x.trim() !== '');
  return out.length ? out.join('\n') : undefined;
}
