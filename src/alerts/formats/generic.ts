// Any JSON, mapped by user-defined field paths (ctx.generic), e.g.
//   {title: 'rule.name', severity: 'level', time: '@timestamp', host: 'agent.hostname'}
// Keys: title (required), severity, time, description, host, srcIp, dstIp, ruleId, ruleName,
// category, dedup, mitre, user, hash, url, domain, email, ip (snake_case aliases accepted).

import type { Severity } from '../../domain/types.js';
import { AlertFieldError, dedupKey, getPath, mitreIds, optString, optStrings, override, severityWord, timeField } from '../fields.js';
import { ObservableSet } from '../observables.js';
import { makeAlert, type AlertFormatHandler } from './common.js';

const ALIASES: Record<string, string> = {
  src_ip: 'srcIp',
  source_ip: 'srcIp',
  dst_ip: 'dstIp',
  dest_ip: 'dstIp',
  rule: 'ruleId',
  rule_id: 'ruleId',
  rule_name: 'ruleName',
  dedup_key: 'dedup',
  dedupKey: 'dedup',
  timestamp: 'time',
};

export const GENERIC_KEYS = [
  'title', 'severity', 'time', 'description', 'host', 'srcIp', 'dstIp', 'ruleId', 'ruleName',
  'category', 'dedup', 'mitre', 'user', 'hash', 'url', 'domain', 'email', 'ip',
] as const;

/** The mapping with aliases resolved; throws for unknown keys or a missing title. */
export function genericMapping(m: Record<string, string> | undefined): Record<string, string> {
  if (!m) throw new AlertFieldError('generic', 'no field mapping given (title=PATH at least)');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m)) {
    const key = ALIASES[k] ?? k;
    if (!(GENERIC_KEYS as readonly string[]).includes(key)) throw new AlertFieldError('generic', `unknown mapping key "${k}"`);
    if (typeof v !== 'string' || !v) throw new AlertFieldError('generic', `empty path for "${k}"`);
    out[key] = v;
  }
  if (!out.title) throw new AlertFieldError('generic', 'the mapping needs title=PATH');
  return out;
}

/** Numbers 1–4 are read low → emergency; words as usual. */
function genericSeverity(v: unknown): Severity | undefined {
  if (typeof v === 'string') return severityWord(v) ?? (/^\d+$/.test(v.trim()) ? genericSeverity(Number(v)) : undefined);
  if (typeof v === 'number' && Number.isInteger(v)) return v <= 1 ? 'low' : v === 2 ? 'normal' : v === 3 ? 'high' : 'emergency';
  return undefined;
}

export const generic: AlertFormatHandler = {
  name: 'generic',
  detect() {
    return false; // only by --format generic or when a mapping is configured
  },
  normalise(o, ctx) {
    const m = genericMapping(ctx.generic);
    const s = (k: string): string | undefined => (m[k] ? optString(o, m[k]) : undefined);
    const title = s('title');
    if (!title) throw new AlertFieldError(m.title, 'missing');
    const sevRaw = m.severity ? getPath(o, m.severity) : undefined;
    if (sevRaw !== undefined && sevRaw !== null && typeof sevRaw !== 'string' && typeof sevRaw !== 'number')
      throw new AlertFieldError(m.severity, 'expected a string or a number');
    const severity = override(ctx.severity, sevRaw === undefined || sevRaw === null ? undefined : String(sevRaw)) ?? genericSeverity(sevRaw) ?? 'normal';
    const time = m.time ? timeField(o, [m.time], ctx.now) : ctx.now().toISOString();
    const host = s('host');
    const srcIp = s('srcIp');
    const dstIp = s('dstIp');
    const ruleId = s('ruleId');

    const obs = new ObservableSet();
    obs.addHostish(srcIp);
    obs.addHostish(dstIp);
    if (m.ip) obs.fromPaths(o, 'ip', [m.ip]);
    if (m.user) for (const u of optStrings(o, m.user)) obs.addUser(u);
    if (m.hash) obs.fromPaths(o, 'hash', [m.hash]);
    if (m.url) for (const u of optStrings(o, m.url)) obs.addUrl(u);
    if (m.domain) obs.fromPaths(o, 'domain', [m.domain]);
    if (m.email) obs.fromPaths(o, 'email', [m.email]);

    return [
      makeAlert(
        'generic',
        {
          title,
          severity,
          time,
          description: s('description'),
          host,
          srcIp,
          dstIp,
          ruleId,
          ruleName: s('ruleName'),
          category: s('category'),
          mitre: m.mitre ? mitreIds(optStrings(o, m.mitre)) : [],
          observables: obs.list,
          dedupKey: s('dedup') !== undefined ? dedupKey('generic', [s('dedup')]) : dedupKey('generic', [title, host, srcIp, dstIp, ruleId]),
        },
        ctx.raw,
      ),
    ];
  },
};
