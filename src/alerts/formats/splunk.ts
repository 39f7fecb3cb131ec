// Splunk webhook alert action: {result, sid, results_link, search_name, owner, app}.

import type { Severity } from '../../domain/types.js';
import { dedupKey, getPath, isObj, optString, optStringAny, override, severityWord, timeField } from '../fields.js';
import { ObservableSet } from '../observables.js';
import { lines, makeAlert, type AlertFormatHandler } from './common.js';

/** Splunk's alert.severity scale 1–6 (debug, info, warn, error, severe, fatal). */
function numericSeverity(n: number): Severity {
  if (n >= 6) return 'emergency';
  if (n >= 4) return 'high';
  if (n === 3) return 'normal';
  return 'low';
}

export const splunk: AlertFormatHandler = {
  name: 'splunk',
  detect(o) {
    return isObj(o.result) && ('sid' in o || 'search_name' in o) && ('results_link' in o || 'app' in o || 'owner' in o || 'sid' in o);
  },
  normalise(o, ctx) {
    const searchName = optString(o, 'search_name');
    const sid = optString(o, 'sid');
    const native = optStringAny(o, ['result.severity', 'result.urgency', 'result.priority']);
    let severity: Severity = 'normal';
    if (native !== undefined) severity = /^\d+$/.test(native) ? numericSeverity(Number(native)) : (severityWord(native) ?? 'normal');
    severity = override(ctx.severity, native?.toLowerCase()) ?? severity;
    const time = timeField(o, ['result._time', 'result.time', 'result._indextime'], ctx.now);
    const host = optStringAny(o, ['result.host', 'result.dest_host', 'result.dvc']);
    const srcIp = optStringAny(o, ['result.src_ip', 'result.src']);
    const dstIp = optStringAny(o, ['result.dest_ip', 'result.dest']);
    const user = optStringAny(o, ['result.user', 'result.src_user']);

    const obs = new ObservableSet();
    obs.addHostish(srcIp);
    obs.addHostish(dstIp);
    obs.addUser(user);
    obs.addUser(getPath(o, 'result.src_user'));
    obs.fromPaths(o, 'hash', ['result.file_hash', 'result.md5', 'result.sha1', 'result.sha256', 'result.hash']);
    obs.addUrl(getPath(o, 'result.url'));
    obs.fromPaths(o, 'domain', ['result.query', 'result.domain']);
    obs.fromPaths(o, 'email', ['result.recipient', 'result.sender', 'result.email']);

    return [
      makeAlert(
        'splunk',
        {
          title: searchName ?? `Splunk alert ${sid ?? ''}`.trim(),
          severity,
          time,
          description: lines(optString(o, 'result._raw'), optString(o, 'results_link') && `Results: ${optString(o, 'results_link')}`),
          host,
          srcIp,
          dstIp,
          ruleId: searchName,
          ruleName: searchName,
          observables: obs.list,
          // the sid changes on every run of the search: not part of the key
          dedupKey: dedupKey('splunk', [searchName ?? optString(o, 'app'), host, srcIp, dstIp, user]),
        },
        ctx.raw,
      ),
    ];
  },
};
