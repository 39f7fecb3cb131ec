// The project's own alert JSON:
//   {title, severity, description, host, src_ip, dst_ip, rule, time, observables, dedup_key,
//    category, mitre, status}
// rule: "id" or {id, name}; observables: [{type, value}] or plain strings (type guessed).

import { SEVERITIES, type ObservableType, type Severity } from '../../domain/types.js';
import { AlertFieldError, dedupKey, getPath, isObj, mitreIds, optString, optStrings, override, severityWord, timeField, typeName } from '../fields.js';
import { guessObservableType, ObservableSet } from '../observables.js';
import { makeAlert, type AlertFormatHandler } from './common.js';

const TYPES: readonly ObservableType[] = ['ip', 'domain', 'url', 'hash', 'user', 'email'];

export const socTicket: AlertFormatHandler = {
  name: 'soc-ticket',
  detect(o) {
    return (
      typeof o.title === 'string' &&
      ('severity' in o || 'dedup_key' in o || 'observables' in o || 'rule' in o || 'src_ip' in o || 'host' in o || 'time' in o)
    );
  },
  normalise(o, ctx) {
    const title = optString(o, 'title');
    if (!title) throw new AlertFieldError('title', 'missing');
    const sevRaw = optString(o, 'severity');
    let severity: Severity = 'normal';
    if (sevRaw !== undefined) {
      const s = (SEVERITIES as readonly string[]).includes(sevRaw) ? (sevRaw as Severity) : severityWord(sevRaw);
      if (!s) throw new AlertFieldError('severity', `unknown severity "${sevRaw.slice(0, 40)}" (low, normal, high, emergency)`);
      severity = override(ctx.severity, sevRaw) ?? s;
    }
    const time = timeField(o, ['time'], ctx.now);
    let ruleId: string | undefined;
    let ruleName: string | undefined;
    const rule = o.rule;
    if (typeof rule === 'string' || typeof rule === 'number') ruleId = String(rule) || undefined;
    else if (isObj(rule)) {
      ruleId = optString(rule, 'id');
      ruleName = optString(rule, 'name');
    } else if (rule !== undefined && rule !== null) throw new AlertFieldError('rule', `expected a string or {id, name}, got ${typeName(rule)}`);
    const host = optString(o, 'host');
    const srcIp = optString(o, 'src_ip');
    const dstIp = optString(o, 'dst_ip');

    const obs = new ObservableSet();
    obs.add('ip', srcIp);
    obs.add('ip', dstIp);
    const list = getPath(o, 'observables');
    if (list !== undefined && list !== null) {
      if (!Array.isArray(list)) throw new AlertFieldError('observables', `expected a list, got ${typeName(list)}`);
      list.forEach((x, i) => {
        if (typeof x === 'string') {
          const t = guessObservableType(x);
          if (t) obs.add(t, x);
        } else if (isObj(x)) {
          const type = x.type;
          if (typeof type !== 'string' || !TYPES.includes(type as ObservableType))
            throw new AlertFieldError(`observables.${i}.type`, `expected one of ${TYPES.join(', ')}`);
          if (typeof x.value !== 'string') throw new AlertFieldError(`observables.${i}.value`, 'expected a string');
          if (type === 'user') obs.addUser(x.value);
          else obs.add(type as ObservableType, x.value);
        } else throw new AlertFieldError(`observables.${i}`, `expected a string or {type, value}, got ${typeName(x)}`);
      });
    }
    const status = optString(o, 'status');
    if (status !== undefined && status !== 'firing' && status !== 'resolved') throw new AlertFieldError('status', 'expected firing or resolved');
    const given = optString(o, 'dedup_key');

    return [
      makeAlert(
        'soc-ticket',
        {
          title,
          severity,
          time,
          description: optString(o, 'description'),
          host,
          srcIp,
          dstIp,
          ruleId,
          ruleName,
          mitre: mitreIds(optStrings(o, 'mitre')),
          observables: obs.list,
          category: optString(o, 'category'),
          status: status as 'firing' | 'resolved' | undefined,
          dedupKey: given !== undefined ? dedupKey('soc-ticket', [given]) : dedupKey('soc-ticket', [title, host, srcIp, dstIp, ruleId]),
        },
        ctx.raw,
      ),
    ];
  },
};
