// Wazuh 5 findings: ECS documents with `wazuh.rule.*`, the level as a word.

import type { Severity } from '../../domain/types.js';
import { AlertFieldError, dedupKey, getPath, isObj, mitreIds, optString, optStringAny, optStrings, override, reqString, severityWord, timeField } from '../fields.js';
import { ObservableSet } from '../observables.js';
import { lines, makeAlert, type AlertFormatHandler } from './common.js';
import { wazuhLevelSeverity } from './wazuh.js';

const LEVELS: Record<string, Severity> = {
  informational: 'low',
  info: 'low',
  low: 'low',
  medium: 'normal',
  high: 'high',
  critical: 'emergency',
};

export const wazuh5: AlertFormatHandler = {
  name: 'wazuh5',
  detect(o) {
    const rule = getPath(o, 'wazuh.rule');
    return isObj(rule) && ('level' in rule || 'title' in rule) && ('@timestamp' in o || 'event' in o);
  },
  normalise(o, ctx) {
    const ruleId = reqString(o, 'wazuh.rule.id');
    const rawLevel = getPath(o, 'wazuh.rule.level');
    let severity: Severity;
    let native: string;
    if (typeof rawLevel === 'string') {
      native = rawLevel.toLowerCase();
      const s = LEVELS[native] ?? severityWord(native);
      if (!s) throw new AlertFieldError('wazuh.rule.level', `unknown level "${rawLevel.slice(0, 40)}"`);
      severity = s;
    } else if (typeof rawLevel === 'number' && Number.isInteger(rawLevel) && rawLevel >= 0 && rawLevel <= 15) {
      native = String(rawLevel);
      severity = wazuhLevelSeverity(rawLevel);
    } else if (rawLevel === undefined || rawLevel === null) {
      native = '';
      severity = 'normal';
    } else throw new AlertFieldError('wazuh.rule.level', 'expected a level word or 0-15');
    const time = timeField(o, ['@timestamp', 'event.created']);
    const srcIp = optString(o, 'source.ip');
    const dstIp = optString(o, 'destination.ip');

    const obs = new ObservableSet();
    obs.add('ip', srcIp);
    obs.add('ip', dstIp);
    obs.fromPaths(o, 'ip', ['related.ip']);
    obs.addUser(getPath(o, 'user.name'));
    for (const u of optStrings(o, 'related.user')) obs.addUser(u);
    obs.fromPaths(o, 'hash', ['file.hash.md5', 'file.hash.sha1', 'file.hash.sha256', 'process.hash.md5', 'process.hash.sha1', 'process.hash.sha256', 'related.hash']);
    obs.addUrl(getPath(o, 'url.full'));
    obs.fromPaths(o, 'domain', ['dns.question.name', 'destination.domain', 'url.domain']);

    const eventCategory = optStrings(o, 'event.category');
    return [
      makeAlert(
        'wazuh5',
        {
          title: optString(o, 'wazuh.rule.title') ?? optString(o, 'message') ?? `Wazuh rule ${ruleId}`,
          severity: override(ctx.severity, native) ?? severity,
          time,
          description: lines(optString(o, 'message'), optString(o, 'event.original')),
          host: optStringAny(o, ['host.hostname', 'host.name', 'wazuh.agent.host.hostname', 'wazuh.agent.name']),
          srcIp,
          dstIp,
          ruleId,
          ruleName: optString(o, 'wazuh.rule.title'),
          mitre: mitreIds([...optStrings(o, 'wazuh.rule.mitre.technique.id'), ...optStrings(o, 'wazuh.rule.mitre.subtechnique.id')]),
          observables: obs.list,
          category: optString(o, 'wazuh.integration.category') ?? eventCategory[0],
          dedupKey: dedupKey('wazuh5', [ruleId, optString(o, 'wazuh.agent.id'), srcIp]),
        },
        ctx.raw,
      ),
    ];
  },
};
