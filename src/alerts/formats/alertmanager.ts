// Prometheus Alertmanager webhook payload: each entry of alerts[] becomes one alert.

import type { Severity } from '../../domain/types.js';
import type { NormalisedAlert } from '../types.js';
import { AlertFieldError, dedupKey, isObj, optObj, optString, optStringAny, override, parseTime, severityWord, timeField, type Obj } from '../fields.js';
import { ObservableSet } from '../observables.js';
import { lines, makeAlert, type AlertFormatHandler } from './common.js';

function labelsKey(labels: Obj): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${String(labels[k])}`)
    .join(',');
}

export const alertmanager: AlertFormatHandler = {
  name: 'alertmanager',
  detect(o) {
    return Array.isArray(o.alerts) && ('groupKey' in o || 'receiver' in o || ('version' in o && 'status' in o));
  },
  normalise(o, ctx) {
    const list = o.alerts;
    if (!Array.isArray(list)) throw new AlertFieldError('alerts', 'expected a list');
    if (list.length === 0) return { skip: 'alertmanager payload without alerts' };
    const common = optObj(o, 'commonLabels') ?? {};
    const out: NormalisedAlert[] = [];
    const { alerts: _drop, ...envelope } = o;
    list.forEach((a, i) => {
      const at = `alerts.${i}`;
      if (!isObj(a)) throw new AlertFieldError(at, 'expected an object');
      const labels = optObj(a, 'labels');
      if (!labels) throw new AlertFieldError(`${at}.labels`, 'missing');
      const ann = optObj(a, 'annotations') ?? {};
      const status = optString(a, 'status') ?? optString(o, 'status');
      const resolved = status === 'resolved';
      const sevLabel = optString(labels, 'severity') ?? optString(common, 'severity');
      const severity: Severity = override(ctx.severity, sevLabel?.toLowerCase()) ?? (sevLabel ? severityWord(sevLabel) : undefined) ?? 'normal';
      let time: string;
      const ends = resolved ? parseTime(a.endsAt) : undefined;
      if (ends && !ends.startsWith('0001-')) time = ends;
      else time = timeField(a, ['startsAt'], ctx.now);
      const instance = optString(labels, 'instance');
      const host = optStringAny(labels, ['host', 'hostname', 'nodename', 'node']) ?? instance;
      const alertname = optString(labels, 'alertname');

      const obs = new ObservableSet();
      // `instance` is host:port; the observable is the host part
      if (host) obs.addHostish(host.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1'));
      obs.addHostish(optString(labels, 'ip'));

      out.push(
        makeAlert(
          'alertmanager',
          {
            title: optStringAny(ann, ['summary', 'title']) ?? alertname ?? 'Alertmanager alert',
            severity,
            time,
            description: lines(optStringAny(ann, ['description', 'message']), optString(a, 'generatorURL') && `Source: ${optString(a, 'generatorURL')}`),
            host,
            ruleId: alertname,
            ruleName: alertname,
            observables: obs.list,
            category: optString(labels, 'category'),
            status: resolved ? 'resolved' : 'firing',
            dedupKey: dedupKey('alertmanager', [optString(a, 'fingerprint') ?? labelsKey(labels)]),
          },
          list.length === 1 ? ctx.raw : JSON.stringify({ ...envelope, alerts: [a] }),
        ),
      );
    });
    return out;
  },
};
