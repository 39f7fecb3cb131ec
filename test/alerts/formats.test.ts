// Every format on the real samples in test/fixtures/alerts (see its PROVENANCE.md):
// detection, normalisation, severity mapping, dedup key.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scanBuffer } from '../../src/alerts/reader.js';
import { detectFormat } from '../../src/alerts/detect.js';
import { normaliseAll, normaliseObject, type NormaliseOptions } from '../../src/alerts/normalise.js';
import type { NormalisedAlert } from '../../src/alerts/types.js';
import { wazuhLevelSeverity } from '../../src/alerts/formats/wazuh.js';
import { suricataSeverity } from '../../src/alerts/formats/suricata.js';
import { riskScoreSeverity } from '../../src/alerts/formats/elastic.js';
import { graylogPriority } from '../../src/alerts/formats/graylog.js';

const FIX = join(__dirname, '..', 'fixtures', 'alerts');
const now = () => new Date('2030-01-01T00:00:00Z');

/** The parsed objects of a fixture file, with their text. */
function fixture(path: string): Array<{ value: Record<string, unknown>; text: string; line: number }> {
  return scanBuffer(readFileSync(join(FIX, path)), path).map((i) => {
    if (i.kind !== 'object') throw new Error(`${path}:${i.line}: ${i.reason}`);
    return { value: i.value as Record<string, unknown>, text: i.text, line: i.line };
  });
}

function alertsOf(path: string, opts: NormaliseOptions = {}): NormalisedAlert[] {
  const out: NormalisedAlert[] = [];
  for (const o of fixture(path)) {
    for (const r of normaliseAll(o.value, o.text, { now, ...opts })) {
      if ('alerts' in r) out.push(...r.alerts);
      else if ('error' in r) throw new Error(r.error);
    }
  }
  return out;
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));

describe('suricata (EVE JSON)', () => {
  const mauz = 'suricata/mauz88_Suricata_Detection_eve.alerts-only.ndjson';
  const sekoia = 'suricata/sekoia-intake-formats_tests_alerts.ndjson';

  it('detects every sample', () => {
    for (const f of [mauz, sekoia]) for (const o of fixture(f)) expect(detectFormat(o.value)).toBe('suricata');
  });

  it('normalises a real sensor alert', () => {
    const all = alertsOf(mauz);
    const first = all.find((a) => a.ruleId === '2009358')!;
    const i = all.indexOf(first);
    expect(first).toMatchObject({
      format: 'suricata',
      title: 'ET SCAN Nmap Scripting Engine User-Agent Detected (Nmap Scripting Engine)',
      severity: 'high',
      srcIp: '85.255.233.2',
      dstIp: '172.31.32.173',
      ruleId: '2009358',
      dedupKey: 'suricata:1|2009358|85.255.233.2|172.31.32.173',
    });
    expect(first.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(first.observables).toEqual(expect.arrayContaining([{ type: 'ip', value: '85.255.233.2' }, { type: 'ip', value: '172.31.32.173' }]));
    expect(first.raw).toBe(fixture(mauz)[i].text);
    expect(first.description).toMatch(/Signature: .*\[1:2009358:\d+\]/);
  });

  it('reads colon-less offsets and microseconds (sekoia samples: +0000)', () => {
    const a = alertsOf(sekoia);
    expect(a[0]).toMatchObject({ time: '2024-01-07T19:54:41.712Z', severity: 'low', title: 'SURICATA HTTP missing Host header' });
    expect(a[2]).toMatchObject({ time: '2020-01-27T21:11:18.578Z', severity: 'normal' });
  });

  it('maps severity 1/2/3 to high/normal/low, overridable', () => {
    expect([1, 2, 3, 4].map(suricataSeverity)).toEqual(['high', 'normal', 'low', 'low']);
    const sev2 = alertsOf(mauz).find((a) => a.ruleId === '2001219')!;
    expect(sev2.severity).toBe('normal');
    const over = alertsOf(mauz, { severityOverrides: { suricata: { '2': 'emergency' } } }).find((a) => a.ruleId === '2001219')!;
    expect(over.severity).toBe('emergency');
  });

  it('the dedup key ignores time, ports and flow, not the signature or the hosts', () => {
    const [o] = fixture(mauz);
    const key = (v: Record<string, unknown>) => (normaliseObject(v, JSON.stringify(v)) as { alerts: NormalisedAlert[] }).alerts[0].dedupKey;
    const base = key(o.value);
    const later = clone(o.value);
    later.timestamp = '2031-05-05T00:00:00.000000+0000';
    later.src_port = 1;
    later.flow_id = 42;
    expect(key(later)).toBe(base);
    const otherSrc = clone(o.value);
    otherSrc.src_ip = '10.9.9.9';
    expect(key(otherSrc)).not.toBe(base);
    const otherSid = clone(o.value);
    (otherSid.alert as Record<string, unknown>).signature_id = 1;
    expect(key(otherSid)).not.toBe(base);
  });

  it('other event types are skipped, not rejected', () => {
    const flow = { timestamp: '2024-01-01T00:00:00Z', event_type: 'flow', src_ip: '1.2.3.4', dest_ip: '5.6.7.8', flow_id: 1 };
    expect(normaliseObject(flow, JSON.stringify(flow))).toEqual({ skip: 'suricata event_type flow' });
  });

  it('an alert without a signature id is rejected naming the field', () => {
    const o = clone(fixture(mauz)[0].value);
    delete (o.alert as Record<string, unknown>).signature_id;
    expect(normaliseObject(o, '')).toEqual({ error: 'suricata: alert.signature_id: missing', field: 'alert.signature_id' });
    const bad = clone(fixture(mauz)[0].value);
    bad.src_ip = { nested: true };
    expect(normaliseObject(bad, '')).toMatchObject({ error: 'suricata: src_ip: expected a string, got an object', field: 'src_ip' });
  });

  it('EVE carried as a string in `message` (filebeat, syslog shippers) is unwrapped', () => {
    const line = fixture(sekoia)[0].text;
    const shipped = { '@timestamp': '2024-01-07T19:54:42Z', host: { name: 'sensor-1' }, message: line };
    const [r] = normaliseAll(shipped, JSON.stringify(shipped));
    expect(r).toMatchObject({ text: line, alerts: [expect.objectContaining({ format: 'suricata', title: 'SURICATA HTTP missing Host header', raw: line })] });
  });
});

describe('wazuh 4 (alerts.json)', () => {
  const f = 'wazuh/wazuh-qa_integratord_alert_samples.ndjson';

  it('detects and normalises sshd brute force and a FIM event', () => {
    for (const o of fixture(f)) expect(detectFormat(o.value)).toBe('wazuh');
    const [ssh, fim] = alertsOf(f);
    expect(ssh).toMatchObject({
      title: 'sshd: brute force trying to get access to the system. Non existent user.',
      severity: 'normal', // level 10
      time: '2022-05-11T12:29:19.905Z',
      srcIp: '172.17.1.1',
      ruleId: '5712',
      mitre: ['T1110'],
      dedupKey: 'wazuh:5712|000|172.17.1.1',
      host: 'localhost.localdomain',
    });
    expect(ssh.observables).toEqual(expect.arrayContaining([{ type: 'user', value: 'paco' }]));
    expect(fim).toMatchObject({ ruleId: '554', severity: 'low', dedupKey: 'wazuh:554|000|/test_folder/TEST_VALID_ALERT.txt' });
    expect(fim.observables.filter((o) => o.type === 'hash')).toHaveLength(3);
  });

  it('maps rule.level 0–15 in the dashboard buckets, overridable per level', () => {
    expect([0, 6, 7, 11, 12, 14, 15].map(wazuhLevelSeverity)).toEqual(['low', 'low', 'normal', 'normal', 'high', 'high', 'emergency']);
    expect(alertsOf(f, { severityOverrides: { wazuh: { '10': 'high' } } })[0].severity).toBe('high');
  });

  it('the vendor test template with placeholders is rejected with the field named', () => {
    const [o] = fixture('wazuh/wazuh_integrations-tests_alerts.TEMPLATE.json');
    expect(detectFormat(o.value)).toBe('wazuh');
    expect(normaliseObject(o.value, o.text)).toEqual({ error: 'wazuh: rule.id: missing', field: 'rule.id' });
    const withId = clone(o.value);
    (withId.rule as Record<string, unknown>).id = '100';
    expect(normaliseObject(withId, '')).toEqual({ error: 'wazuh: timestamp: not a valid timestamp', field: 'timestamp' });
    (withId.rule as Record<string, unknown>).level = 99;
    withId.timestamp = '2024-01-01T00:00:00+0000';
    expect(normaliseObject(withId, '')).toMatchObject({ field: 'rule.level', error: expect.stringContaining('0-15') });
  });
});

describe('wazuh 5 findings', () => {
  const f = 'wazuh/wazuh5-dashboard-sampledata_findings_system.head5.ndjson';
  it('detects, maps the level word, keys by rule + agent + source', () => {
    for (const o of fixture(f)) expect(detectFormat(o.value)).toBe('wazuh5');
    const a = alertsOf(f);
    expect(a.map((x) => x.severity)).toEqual(['normal', 'high', 'low', 'low', 'emergency']);
    expect(a[0]).toMatchObject({
      title: 'Threat hunting: suspicious ssh_login detected in system logs',
      ruleId: 'net-003',
      srcIp: '192.168.1.2',
      host: 'server01',
      mitre: ['T1134', 'T1098.003'],
      dedupKey: 'wazuh5:net-003|002|192.168.1.2',
    });
    const levels = fixture(f).map((o) => (o.value as { wazuh: { rule: { level: string } } }).wazuh.rule.level);
    expect(levels).toEqual(['medium', 'high', 'low', 'informational', 'critical']);
  });
});

describe('elastic security (kibana.alert.*, dotted and nested mixed)', () => {
  const f = 'elastic/kibana_es_archives_security_solution_alerts_8.1.0.first2docs.source.ndjson';
  it('detects and normalises the Kibana 8.1 documents', () => {
    for (const o of fixture(f)) expect(detectFormat(o.value)).toBe('elastic');
    const [a, b] = alertsOf(f);
    expect(a).toMatchObject({
      title: 'threat-match-rule',
      severity: 'low',
      time: '2022-03-19T02:48:12.634Z',
      host: 'security-linux-1',
      ruleId: '53000028-120c-4e55-a8c0-db092e05aef4',
      dedupKey: 'elastic:031d5c00-a72f-11ec-a8a3-7b1c8077fc3e|security-linux-1||',
    });
    expect(b.dedupKey).not.toBe(a.dedupKey); // another host
  });

  it('maps low/medium/high/critical, and risk score bands when there is no word', () => {
    const [o] = fixture(f);
    const sev = (word: string | undefined, risk?: number) => {
      const v = clone(o.value);
      if (word === undefined) delete v['kibana.alert.severity'];
      else v['kibana.alert.severity'] = word;
      delete v['kibana.alert.rule.severity'];
      if (risk !== undefined) v['kibana.alert.risk_score'] = risk;
      const r = normaliseObject(v, '') as { alerts: NormalisedAlert[] };
      return r.alerts[0].severity;
    };
    expect(['low', 'medium', 'high', 'critical'].map((w) => sev(w))).toEqual(['low', 'normal', 'high', 'emergency']);
    expect([0, 21, 22, 47, 48, 73, 74, 100].map(riskScoreSeverity)).toEqual(['low', 'low', 'normal', 'normal', 'high', 'high', 'emergency', 'emergency']);
    expect(normaliseObject({ ...clone(o.value), 'kibana.alert.severity': 'apocalyptic' }, '')).toMatchObject({ field: 'kibana.alert.severity' });
  });

  it('unwraps Elasticsearch hits, _source documents and Kibana archive entries', () => {
    const docs = fixture(f).map((o) => o.value);
    const search = { took: 3, hits: { total: { value: 2 }, hits: docs.map((d, i) => ({ _index: '.alerts-security', _id: String(i), _source: d })) } };
    const hit = { _index: '.alerts-security', _id: 'x', _source: docs[0] };
    const archive = { type: 'doc', value: { index: '.alerts-security', id: 'x', source: docs[1] } };
    const titles = (v: unknown) => normaliseAll(v, JSON.stringify(v)).flatMap((r) => ('alerts' in r ? r.alerts.map((a) => a.host) : [r]));
    expect(titles(search)).toEqual(['security-linux-1', 'security-linux-3']);
    expect(titles(hit)).toEqual(['security-linux-1']);
    expect(titles(archive)).toEqual(['security-linux-3']);
    expect(normaliseAll({ hits: { hits: [] } }, '{}')).toEqual([{ skip: 'envelope without documents', text: '{}' }]);
  });
});

describe('splunk (webhook alert action)', () => {
  const f = 'splunk/zulip_webhooks_splunk_fixtures_search_one_result.json';
  it('detects and normalises', () => {
    const [o] = fixture(f);
    expect(detectFormat(o.value)).toBe('splunk');
    const [a] = alertsOf(f);
    expect(a).toMatchObject({ title: 'sudo', severity: 'normal', host: 'myserver', time: '2017-01-04T19:14:32.000Z', dedupKey: 'splunk:sudo|myserver|||' });
    expect(a.description).toContain('session closed for user root');
  });
  it('the dedup key leaves out the sid (new on every run of the search)', () => {
    const [o] = fixture(f);
    const v = clone(o.value);
    v.sid = 'scheduler__admin__search__RMD5_at_1_2';
    expect((normaliseObject(v, '') as { alerts: NormalisedAlert[] }).alerts[0].dedupKey).toBe('splunk:sudo|myserver|||');
  });
  it('maps result.severity words and 1–6', () => {
    const [o] = fixture(f);
    const sev = (s: string) => {
      const v = clone(o.value);
      (v.result as Record<string, unknown>).severity = s;
      return (normaliseObject(v, '') as { alerts: NormalisedAlert[] }).alerts[0].severity;
    };
    expect(['1', '2', '3', '4', '5', '6', 'critical', 'low'].map(sev)).toEqual(['low', 'low', 'normal', 'high', 'high', 'emergency', 'emergency', 'low']);
  });
});

describe('alertmanager (webhook)', () => {
  const zulip = 'alertmanager/zulip_webhooks_alertmanager_fixtures_alert.json';
  const oncall = 'alertmanager/grafana-oncall_config_integrations_alertmanager.example_payload.json';
  it('one alert per entry of alerts[], keyed by fingerprint, severity from the label', () => {
    for (const f of [zulip, oncall]) expect(detectFormat(fixture(f)[0].value)).toBe('alertmanager');
    const a = alertsOf(zulip);
    expect(a).toHaveLength(2);
    expect(a.map((x) => x.dedupKey)).toEqual(['alertmanager:a1bc48475b20e73d', 'alertmanager:c2ea85182f28cbd9']);
    expect(a[0]).toMatchObject({ title: 'High CPU core temperature', severity: 'emergency', host: 'andromeda', status: 'firing', time: '2020-02-06T00:17:58.432Z' });
    // each alert keeps its own raw: the envelope with only that alert
    expect(JSON.parse(a[1].raw).alerts).toHaveLength(1);
    expect(JSON.parse(a[1].raw).alerts[0].fingerprint).toBe('c2ea85182f28cbd9');
    expect(alertsOf(oncall).map((x) => x.title)).toEqual(['Instance localhost:8081 down', 'Instance localhost:8082 down']);
  });
  it('resolved alerts carry status resolved and their end time', () => {
    const [o] = fixture(zulip);
    const v = clone(o.value) as { status: string; alerts: Array<Record<string, unknown>> };
    v.status = 'resolved';
    v.alerts[0].status = 'resolved';
    v.alerts[0].endsAt = '2020-02-06T01:00:00Z';
    const r = normaliseObject(v, JSON.stringify(v)) as { alerts: NormalisedAlert[] };
    expect(r.alerts[0]).toMatchObject({ status: 'resolved', time: '2020-02-06T01:00:00.000Z', dedupKey: 'alertmanager:a1bc48475b20e73d' });
  });
  it('maps the severity label: critical/warning/info, unknown → normal, overridable', () => {
    const [o] = fixture(zulip);
    const sev = (label: string, opts: NormaliseOptions = {}) => {
      const v = clone(o.value) as { commonLabels: Record<string, string>; alerts: Array<{ labels: Record<string, string> }> };
      v.alerts[0].labels.severity = label;
      return (normaliseObject(v, '', opts) as { alerts: NormalisedAlert[] }).alerts[0].severity;
    };
    expect(['critical', 'warning', 'info', 'page', 'weird'].map((l) => sev(l))).toEqual(['emergency', 'normal', 'low', 'emergency', 'normal']);
    expect(sev('critical', { severityOverrides: { alertmanager: { critical: 'high' } } })).toBe('high');
  });
  it('an alert without labels is rejected naming the entry', () => {
    const v = clone(fixture(zulip)[0].value) as { alerts: Array<Record<string, unknown>> };
    delete v.alerts[1].labels;
    expect(normaliseObject(v, '')).toEqual({ error: 'alertmanager: alerts.1.labels: missing', field: 'alerts.1.labels' });
  });
});

describe('graylog (HTTP notification)', () => {
  const events = 'graylog/rendau_graylog_notify_send.go.events.concatenated.json';
  const test = 'graylog/rendau_graylog_notify_send.go.test-notification.json';
  it('reads the pretty-printed, concatenated bodies and detects each', () => {
    const objs = fixture(events);
    expect(objs.map((o) => o.line)).toEqual([1, 33, 68]);
    for (const o of [...objs, ...fixture(test)]) expect(detectFormat(o.value)).toBe('graylog');
  });
  it('priority 1–4 → low/normal/high/emergency; key = definition + event key', () => {
    expect([1, 2, 3, 4].map(graylogPriority)).toEqual(['low', 'normal', 'high', 'emergency']);
    const a = alertsOf(events);
    expect(a.map((x) => x.severity)).toEqual(['high', 'high', 'high']);
    expect(new Set(a.map((x) => x.dedupKey))).toEqual(new Set(['graylog:65420b968189520c8fe81364|']));
    expect(a[0]).toMatchObject({ title: 'Error and Warn', time: '2023-11-01T08:28:18.943Z', ruleId: '65420b968189520c8fe81364' });
    const [t] = alertsOf(test);
    expect(t).toMatchObject({ title: 'Event Definition Test Title', severity: 'normal', dedupKey: 'graylog:NotificationTestId|testkey' });
  });
  it('a priority of the wrong type is rejected', () => {
    const v = clone(fixture(test)[0].value) as { event: Record<string, unknown> };
    v.event.priority = 'urgent';
    expect(normaliseObject(v, '')).toMatchObject({ field: 'event.priority' });
  });
});

describe('soc-ticket own JSON and generic mapping', () => {
  it('the own format: severity words, observables, given dedup key', () => {
    const v = { title: 'Phish reported', severity: 'high', host: 'mail1', src_ip: '203.0.113.9', dedup_key: 'phish-42', observables: ['evil.example.com', { type: 'user', value: 'bob' }], mitre: ['t1566'] };
    expect(detectFormat(v)).toBe('soc-ticket');
    const r = normaliseObject(v, JSON.stringify(v), { now }) as { alerts: NormalisedAlert[] };
    expect(r.alerts[0]).toMatchObject({ severity: 'high', dedupKey: 'soc-ticket:phish-42', mitre: ['T1566'], time: '2030-01-01T00:00:00.000Z' });
    expect(r.alerts[0].observables).toEqual(expect.arrayContaining([{ type: 'domain', value: 'evil.example.com' }, { type: 'user', value: 'bob' }, { type: 'ip', value: '203.0.113.9' }]));
    expect(normaliseObject({ ...v, severity: 'meh' }, '')).toMatchObject({ field: 'severity' });
  });

  it('generic: only with a mapping; paths pick the fields', () => {
    const v = { alarm: { name: 'Disk full', lvl: 3 }, at: 1700000000, node: 'db1' };
    expect(normaliseObject(v, '')).toEqual({ error: 'unrecognised alert format' });
    const generic = { title: 'alarm.name', severity: 'alarm.lvl', time: 'at', host: 'node' };
    const r = normaliseObject(v, JSON.stringify(v), { generic }) as { alerts: NormalisedAlert[] };
    expect(r.alerts[0]).toMatchObject({ format: 'generic', title: 'Disk full', severity: 'high', time: '2023-11-14T22:13:20.000Z', host: 'db1', dedupKey: 'generic:Disk full|db1|||' });
    expect(normaliseObject(v, '', { format: 'generic', generic: { sevrity: 'x' } as Record<string, string> })).toMatchObject({ error: expect.stringContaining('unknown mapping key "sevrity"') });
  });

  it('an object no format recognises is an error, not a crash', () => {
    expect(normaliseObject({ hello: 'world' }, '')).toEqual({ error: 'unrecognised alert format' });
    expect(normaliseObject([1, 2] as unknown, '')).toEqual({ error: 'not a JSON object' });
  });
});
