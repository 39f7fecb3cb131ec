// Elastic Security / Kibana detection alerts (`kibana.alert.*`, dotted or nested), and the
// legacy `.siem-signals` documents (`signal.rule.*`).

import type { Severity } from '../../domain/types.js';
import { AlertFieldError, dedupKey, getPath, isObj, mitreIds, optNumber, optString, optStringAny, optStrings, override, severityWord, timeField } from '../fields.js';
import { ObservableSet } from '../observables.js';
import { lines, makeAlert, type AlertFormatHandler } from './common.js';

/** Elastic's own risk-score bands: 0–21 low, 22–47 medium, 48–73 high, 74–100 critical. */
export function riskScoreSeverity(score: number): Severity {
  if (score >= 74) return 'emergency';
  if (score >= 48) return 'high';
  if (score >= 22) return 'normal';
  return 'low';
}

const ELASTIC: Record<string, Severity> = { low: 'low', medium: 'normal', high: 'high', critical: 'emergency' };

function threatIds(threat: unknown): string[] {
  const ids: string[] = [];
  if (!Array.isArray(threat)) return ids;
  for (const t of threat) {
    if (!isObj(t)) continue;
    const techs = Array.isArray(t.technique) ? t.technique : [];
    for (const te of techs) {
      if (!isObj(te)) continue;
      ids.push(...optStrings(te, 'id'));
      const subs = Array.isArray(te.subtechnique) ? te.subtechnique : [];
      for (const s of subs) if (isObj(s)) ids.push(...optStrings(s, 'id'));
    }
  }
  return ids;
}

function firstTactic(threat: unknown): string | undefined {
  if (!Array.isArray(threat)) return undefined;
  for (const t of threat) {
    const name = isObj(t) ? getPath(t, 'tactic.name') : undefined;
    if (typeof name === 'string' && name) return name;
  }
  return undefined;
}

const R = (k: string): string[] => [`kibana.alert.rule.${k}`, `signal.rule.${k}`];

export const elastic: AlertFormatHandler = {
  name: 'elastic',
  detect(o) {
    if (isObj(getPath(o, 'kibana.alert')) || isObj(getPath(o, 'signal.rule'))) return true;
    for (const k in o) if (k.startsWith('kibana.alert.')) return true;
    return false;
  },
  normalise(o, ctx) {
    const ruleName = optStringAny(o, R('name'));
    const ruleUuid = optStringAny(o, ['kibana.alert.rule.uuid', 'signal.rule.id']);
    const ruleId = optStringAny(o, [...R('rule_id'), 'kibana.alert.rule.uuid', 'signal.rule.id']);
    const sevWord = optStringAny(o, ['kibana.alert.severity', ...R('severity')]);
    const risk = optNumber(o, 'kibana.alert.risk_score') ?? optNumber(o, 'kibana.alert.rule.risk_score') ?? optNumber(o, 'signal.rule.risk_score');
    let severity: Severity;
    if (sevWord !== undefined) {
      const s = ELASTIC[sevWord.toLowerCase()] ?? severityWord(sevWord);
      if (!s) throw new AlertFieldError('kibana.alert.severity', `unknown severity "${sevWord.slice(0, 40)}"`);
      severity = s;
    } else severity = risk !== undefined ? riskScoreSeverity(risk) : 'normal';
    severity = override(ctx.severity, sevWord?.toLowerCase()) ?? severity;
    const time = timeField(o, ['@timestamp', 'kibana.alert.original_time', 'signal.original_time']);
    const host = optStringAny(o, ['host.name', 'host.hostname']);
    const srcIp = optString(o, 'source.ip');
    const dstIp = optString(o, 'destination.ip');
    const user = optString(o, 'user.name');

    const threat = getPath(o, 'kibana.alert.rule.threat') ?? getPath(o, 'kibana.alert.rule.parameters.threat') ?? getPath(o, 'signal.rule.threat');
    const mitre = mitreIds([...threatIds(threat), ...optStrings(o, 'threat.technique.id'), ...optStrings(o, 'threat.technique.subtechnique.id')]);

    const obs = new ObservableSet();
    obs.add('ip', srcIp);
    obs.add('ip', dstIp);
    obs.fromPaths(o, 'ip', ['host.ip', 'related.ip']);
    obs.addUser(user);
    for (const u of optStrings(o, 'related.user')) obs.addUser(u);
    obs.fromPaths(o, 'hash', ['file.hash.md5', 'file.hash.sha1', 'file.hash.sha256', 'process.hash.md5', 'process.hash.sha1', 'process.hash.sha256', 'related.hash']);
    obs.addUrl(getPath(o, 'url.full'));
    obs.fromPaths(o, 'domain', ['dns.question.name', 'destination.domain', 'url.domain']);
    obs.fromPaths(o, 'email', ['email.from.address', 'email.to.address', 'user.email']);

    const status = optString(o, 'kibana.alert.status');
    return [
      makeAlert(
        'elastic',
        {
          title: ruleName ?? optString(o, 'kibana.alert.reason') ?? 'Elastic Security alert',
          severity,
          time,
          description: lines(optString(o, 'kibana.alert.reason') ?? optString(o, 'signal.reason'), optStringAny(o, R('description'))),
          host,
          srcIp,
          dstIp,
          ruleId,
          ruleName,
          mitre,
          observables: obs.list,
          category: firstTactic(threat),
          status: status === 'recovered' ? 'resolved' : undefined,
          dedupKey: dedupKey('elastic', [ruleUuid ?? ruleId ?? ruleName, host, srcIp, dstIp]),
        },
        ctx.raw,
      ),
    ];
  },
};
