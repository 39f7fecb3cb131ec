// Wazuh 4 alerts (alerts.json / integrations): rule.level 0–15.

import type { Severity } from '../../domain/types.js';
import { AlertFieldError, dedupKey, getPath, isObj, mitreIds, optNumber, optString, optStringAny, optStrings, override, reqString, timeField } from '../fields.js';
import { ObservableSet } from '../observables.js';
import { lines, makeAlert, type AlertFormatHandler } from './common.js';

/** Wazuh's dashboard buckets: 0–6 low, 7–11 medium, 12–14 high, 15 critical. */
export function wazuhLevelSeverity(level: number): Severity {
  if (level >= 15) return 'emergency';
  if (level >= 12) return 'high';
  if (level >= 7) return 'normal';
  return 'low';
}

export function wazuhLevel(obj: unknown, path: string): number {
  const level = optNumber(obj, path);
  if (level === undefined) throw new AlertFieldError(path, 'missing');
  if (!Number.isInteger(level) || level < 0 || level > 15) throw new AlertFieldError(path, `expected an integer 0-15, got ${level}`);
  return level;
}

export const wazuh: AlertFormatHandler = {
  name: 'wazuh',
  detect(o) {
    const rule = o.rule;
    return isObj(rule) && 'level' in rule && ('agent' in o || 'manager' in o || 'decoder' in o || 'location' in o);
  },
  normalise(o, ctx) {
    const ruleId = reqString(o, 'rule.id');
    const level = wazuhLevel(o, 'rule.level');
    const time = timeField(o, ['timestamp', '@timestamp']);
    const agentId = optString(o, 'agent.id');
    const srcIp = optStringAny(o, ['data.srcip', 'data.src_ip']);
    const dstIp = optStringAny(o, ['data.dstip', 'data.dst_ip']);
    const fimPath = optString(o, 'syscheck.path');
    const groups = optStrings(o, 'rule.groups');

    const obs = new ObservableSet();
    obs.add('ip', srcIp);
    obs.add('ip', dstIp);
    obs.add('ip', getPath(o, 'agent.ip'));
    for (const p of ['data.srcuser', 'data.dstuser', 'data.user', 'data.win.eventdata.targetUserName', 'data.win.eventdata.subjectUserName', 'syscheck.uname_after'])
      obs.addUser(getPath(o, p));
    for (const p of ['syscheck.md5_after', 'syscheck.sha1_after', 'syscheck.sha256_after', 'data.md5', 'data.sha1', 'data.sha256', 'data.virustotal.source.md5', 'data.virustotal.source.sha1'])
      obs.add('hash', getPath(o, p));
    obs.addUrl(getPath(o, 'data.url'));
    obs.addHostish(getPath(o, 'data.hostname'));
    obs.add('domain', getPath(o, 'data.dns.query'));

    return [
      makeAlert(
        'wazuh',
        {
          title: optString(o, 'rule.description') ?? `Wazuh rule ${ruleId}`,
          severity: override(ctx.severity, level) ?? wazuhLevelSeverity(level),
          time,
          description: lines(optString(o, 'full_log'), optString(o, 'location') && `Location: ${optString(o, 'location')}`),
          host: optStringAny(o, ['agent.name', 'manager.name']),
          srcIp,
          dstIp,
          ruleId,
          ruleName: optString(o, 'rule.description'),
          mitre: mitreIds(optStrings(o, 'rule.mitre.id')),
          observables: obs.list,
          category: groups.length ? groups[groups.length - 1] : undefined,
          dedupKey: dedupKey('wazuh', [ruleId, agentId, srcIp ?? fimPath]),
        },
        ctx.raw,
      ),
    ];
  },
};
