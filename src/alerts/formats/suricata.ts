// Suricata EVE JSON. Only event_type "alert" makes a ticket.

import type { Severity } from '../../domain/types.js';
import { AlertFieldError, dedupKey, getPath, isObj, mitreIds, mitreInText, optNumber, optObj, optString, optStrings, override, timeField } from '../fields.js';
import { ObservableSet } from '../observables.js';
import { lines, makeAlert, type AlertFormatHandler } from './common.js';

/** Suricata priority: 1 is the most severe. 1 → high, 2 → normal, 3 and above → low. */
export function suricataSeverity(sev: number): Severity {
  if (sev <= 1) return 'high';
  if (sev === 2) return 'normal';
  return 'low';
}

export const suricata: AlertFormatHandler = {
  name: 'suricata',
  detect(o) {
    return typeof o.event_type === 'string' && ('src_ip' in o || 'dest_ip' in o || 'flow_id' in o || 'in_iface' in o || 'alert' in o);
  },
  normalise(o, ctx) {
    const eventType = optString(o, 'event_type');
    if (eventType !== 'alert') return { skip: `suricata event_type ${(eventType ?? 'missing').slice(0, 40)}` };
    const alert = optObj(o, 'alert');
    if (!alert) throw new AlertFieldError('alert', 'missing');
    const sid = optNumber(o, 'alert.signature_id');
    if (sid === undefined) throw new AlertFieldError('alert.signature_id', 'missing');
    const gid = optNumber(o, 'alert.gid') ?? 1;
    const sev = optNumber(o, 'alert.severity') ?? 3;
    const time = timeField(o, ['timestamp', '@timestamp']);
    const signature = optString(o, 'alert.signature');
    const srcIp = optString(o, 'src_ip');
    const dstIp = optString(o, 'dest_ip');
    const srcPort = optString(o, 'src_port');
    const dstPort = optString(o, 'dest_port');
    const proto = optString(o, 'proto');
    const httpHost = optString(o, 'http.hostname');
    const httpUrl = optString(o, 'http.url');

    const obs = new ObservableSet();
    obs.add('ip', srcIp);
    obs.add('ip', dstIp);
    obs.addHostish(httpHost);
    if (httpUrl) {
      if (/^[a-z]+:\/\//i.test(httpUrl)) obs.addUrl(httpUrl);
      else if (httpHost && httpUrl.startsWith('/')) {
        const port = optString(o, 'http.http_port');
        obs.add('url', `http://${httpHost.includes(':') && !httpHost.startsWith('[') ? `[${httpHost}]` : httpHost}${port && port !== '80' ? `:${port}` : ''}${httpUrl}`);
      }
    }
    obs.add('domain', getPath(o, 'tls.sni'));
    obs.add('domain', getPath(o, 'dns.rrname'));
    const queries = getPath(o, 'dns.query');
    if (Array.isArray(queries)) for (const q of queries) if (isObj(q)) obs.add('domain', q.rrname);
    obs.fromPaths(o, 'hash', ['fileinfo.md5', 'fileinfo.sha1', 'fileinfo.sha256']);
    obs.fromPaths(o, 'email', ['email.from', 'email.to', 'smtp.mail_from', 'smtp.rcpt_to']);

    const mitre = mitreIds([...optStrings(o, 'alert.metadata.mitre_technique_id'), ...mitreInText(signature ?? '')]);
    const flowLine = srcIp || dstIp ? `${proto ?? 'IP'} ${srcIp ?? '?'}${srcPort ? `:${srcPort}` : ''} -> ${dstIp ?? '?'}${dstPort ? `:${dstPort}` : ''}` : undefined;
    const httpLine = httpHost || httpUrl ? `HTTP ${optString(o, 'http.http_method') ?? ''} ${httpHost ?? ''}${httpUrl ?? ''}`.replace(/\s+/g, ' ').trim() : undefined;
    const ua = optString(o, 'http.http_user_agent');

    return [
      makeAlert(
        'suricata',
        {
          title: signature ?? `Suricata sid ${sid}`,
          severity: override(ctx.severity, sev) ?? suricataSeverity(sev),
          time,
          description: lines(
            signature && `Signature: ${signature} [${gid}:${sid}:${optString(o, 'alert.rev') ?? '0'}]`,
            optString(o, 'alert.category') && `Category: ${optString(o, 'alert.category')}`,
            optString(o, 'alert.action') && `Action: ${optString(o, 'alert.action')}`,
            flowLine,
            optString(o, 'app_proto') && `App protocol: ${optString(o, 'app_proto')}`,
            httpLine,
            ua && `User-Agent: ${ua}`,
          ),
          host: optString(o, 'host'),
          srcIp,
          dstIp,
          ruleId: String(sid),
          ruleName: signature,
          mitre,
          observables: obs.list,
          category: optString(o, 'alert.category'),
          dedupKey: dedupKey('suricata', [gid, sid, srcIp, dstIp]),
        },
        ctx.raw,
      ),
    ];
  },
};
