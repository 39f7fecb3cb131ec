// Graylog HTTP notification (event definitions, Graylog 3.1+): event.priority 1 low, 2 normal,
// 3 high, 4 critical (newer releases).

import type { Severity } from '../../domain/types.js';
import { AlertFieldError, dedupKey, getPath, isObj, optString, optStringAny, override, timeField } from '../fields.js';
import { ObservableSet } from '../observables.js';
import { lines, makeAlert, type AlertFormatHandler } from './common.js';

export function graylogPriority(p: number): Severity {
  if (p >= 4) return 'emergency';
  if (p === 3) return 'high';
  if (p === 2) return 'normal';
  return 'low';
}

const SRC = ['src_ip', 'source_ip', 'srcip', 'src_addr', 'client_ip'];
const DST = ['dst_ip', 'dest_ip', 'destination_ip', 'dstip', 'dst_addr'];
const USERS = ['user', 'username', 'user_name', 'src_user', 'target_user'];

export const graylog: AlertFormatHandler = {
  name: 'graylog',
  detect(o) {
    return isObj(o.event) && (typeof o.event_definition_id === 'string' || typeof getPath(o, 'event.event_definition_id') === 'string');
  },
  normalise(o, ctx) {
    const defId = optStringAny(o, ['event_definition_id', 'event.event_definition_id']);
    const title = optString(o, 'event_definition_title');
    const pr = getPath(o, 'event.priority');
    if (pr !== undefined && pr !== null && (typeof pr !== 'number' || !Number.isInteger(pr)))
      throw new AlertFieldError('event.priority', 'expected an integer');
    const priority = typeof pr === 'number' ? pr : 2;
    const time = timeField(o, ['event.timestamp', 'event.timestamp_processing'], ctx.now);
    const fields = isObj(getPath(o, 'event.fields')) ? (getPath(o, 'event.fields') as Record<string, unknown>) : {};
    const srcIp = optStringAny(fields, SRC);
    const dstIp = optStringAny(fields, DST);
    const key = optString(o, 'event.key');

    const obs = new ObservableSet();
    obs.addHostish(srcIp);
    obs.addHostish(dstIp);
    for (const u of USERS) obs.addUser(fields[u]);
    const backlog = Array.isArray(o.backlog) ? o.backlog : [];
    for (const m of backlog.slice(0, 50)) {
      if (!isObj(m)) continue;
      const f = isObj(m.fields) ? m.fields : m;
      for (const p of SRC) obs.add('ip', f[p]);
      for (const p of DST) obs.add('ip', f[p]);
      for (const p of USERS) obs.addUser(f[p]);
    }

    return [
      makeAlert(
        'graylog',
        {
          title: title ?? optString(o, 'event.message') ?? 'Graylog event',
          severity: override(ctx.severity, priority) ?? graylogPriority(priority),
          time,
          description: lines(
            optString(o, 'event.message'),
            optString(o, 'event_definition_description'),
            backlog.length ? `Backlog: ${backlog.length} message(s)` : undefined,
          ),
          host: optStringAny(fields, ['source', 'host', 'hostname']),
          srcIp,
          dstIp,
          ruleId: defId,
          ruleName: title,
          observables: obs.list,
          category: optString(fields, 'category'),
          dedupKey: dedupKey('graylog', [defId, key]),
        },
        ctx.raw,
      ),
    ];
  },
};
