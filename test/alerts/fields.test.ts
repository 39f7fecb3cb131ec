import { describe, expect, it } from 'vitest';
import { dedupKey, getPath, mitreIds, optNumber, optString, parseTime, AlertFieldError } from '../../src/alerts/fields.js';
import { ObservableSet } from '../../src/alerts/observables.js';

describe('parseTime', () => {
  it.each([
    ['2024-01-07T19:54:41.712927+0000', '2024-01-07T19:54:41.712Z'], // Suricata: colon-less offset, µs
    ['2024-01-07T21:54:41.712927+0200', '2024-01-07T19:54:41.712Z'],
    ['2024-01-07T19:54:41.123456789Z', '2024-01-07T19:54:41.123Z'], // ns
    ['2024-01-07T19:54:41+02:00', '2024-01-07T17:54:41.000Z'],
    ['2024-01-07 19:54:41', '2024-01-07T19:54:41.000Z'], // no offset: UTC
    ['2024-01-07T19:54:41-05', '2024-01-08T00:54:41.000Z'],
    ['1700000000', '2023-11-14T22:13:20.000Z'], // epoch seconds as a string
    ['1700000000.5', '2023-11-14T22:13:20.500Z'],
    [1700000000123, '2023-11-14T22:13:20.123Z'], // ms
    [1700000000123456, '2023-11-14T22:13:20.123Z'], // µs
    ['1700000000123456789', '2023-11-14T22:13:20.123Z'], // ns
  ])('%s → %s', (input, want) => {
    expect(parseTime(input)).toBe(want);
  });

  it.each(['year-month-dayThours:minuts:seconds+0000', '2024-02-31T00:00:00Z', '2024-13-01', 'yesterday', '', -5, {}])('rejects %s', (v) => {
    expect(parseTime(v)).toBeUndefined();
  });
});

describe('field access', () => {
  it('reads dotted keys, nested objects and any mix', () => {
    const o = { 'kibana.alert.rule': { name: 'a' }, kibana: { alert: { severity: 'low' } }, 'x.y.z': 1, list: [{ v: 'first' }] };
    expect(getPath(o, 'kibana.alert.rule.name')).toBe('a');
    expect(getPath(o, 'kibana.alert.severity')).toBe('low');
    expect(getPath(o, 'x.y.z')).toBe(1);
    expect(getPath(o, 'list.0.v')).toBe('first');
    expect(getPath(o, '__proto__.constructor')).toBeUndefined();
  });

  it('typed getters name the field on a wrong type', () => {
    expect(() => optString({ a: [1] }, 'a')).toThrow(new AlertFieldError('a', 'expected a string, got a list'));
    expect(() => optNumber({ a: 'ten' }, 'a')).toThrow(/a: expected a number, got a string/);
    expect(optNumber({ a: '10' }, 'a')).toBe(10);
  });
});

describe('dedup keys', () => {
  it('escape the separator, hash long or control-laden keys', () => {
    expect(dedupKey('x', ['a|b', 'c%d', undefined, 3])).toBe('x:a%7Cb|c%25d||3');
    expect(dedupKey('x', ['y'.repeat(300)])).toMatch(/^x:h:[0-9a-f]{32}$/);
    expect(dedupKey('x', ['evil\u001b[2J'])).toMatch(/^x:h:[0-9a-f]{32}$/);
    expect(dedupKey('x', ['a', 'b'])).not.toBe(dedupKey('x', ['a|b']));
  });
});

describe('observables and MITRE ids', () => {
  it('validate each value for its type', () => {
    const s = new ObservableSet();
    s.add('ip', '10.0.0.1');
    s.add('ip', 'not-an-ip');
    s.add('domain', 'Evil.Example.COM.');
    s.add('hash', 'ABCDEF0123456789ABCDEF0123456789');
    s.add('hash', 'xyz');
    s.addUrl('http://198.51.100.7:8080/x');
    s.addUser('-');
    s.addUser('alice@example.org');
    expect(s.list).toEqual([
      { type: 'ip', value: '10.0.0.1' },
      { type: 'domain', value: 'evil.example.com' },
      { type: 'hash', value: 'abcdef0123456789abcdef0123456789' },
      { type: 'url', value: 'http://198.51.100.7:8080/x' },
      { type: 'ip', value: '198.51.100.7' },
      { type: 'user', value: 'alice@example.org' },
      { type: 'email', value: 'alice@example.org' },
    ]);
    expect(mitreIds(['t1110', 'T1110.001', 'TA0001', 'T1110', 7])).toEqual(['T1110', 'T1110.001']);
  });
});
