import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AlertScanner, readAlertStream, readInputs, scanBuffer, type ReadItem } from '../../src/alerts/reader.js';

const objects = (items: ReadItem[]) => items.filter((i) => i.kind === 'object').map((i) => (i as { value: unknown }).value);
const errors = (items: ReadItem[]) => items.filter((i): i is Extract<ReadItem, { kind: 'error' }> => i.kind === 'error');
const lines = (items: ReadItem[]) => items.map((i) => `${i.kind}@${i.line}`);

/** Feed `buf` in chunks of `size` bytes (1 = every byte boundary). */
function scanChunked(buf: Buffer, size: number, opts = {}): ReadItem[] {
  const s = new AlertScanner('chunked', opts);
  const out: ReadItem[] = [];
  for (let i = 0; i < buf.length; i += size) s.push(buf.subarray(i, i + size), out);
  s.end(out);
  return out;
}

async function collect(it: AsyncIterable<ReadItem>): Promise<ReadItem[]> {
  const out: ReadItem[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('reader: input shapes', () => {
  it('NDJSON, with blank lines, CRLF and a BOM', () => {
    const items = scanBuffer('\ufeff{"a":1}\r\n\r\n{"a":2}\n{"a":3}');
    expect(objects(items)).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }]);
    expect(lines(items)).toEqual(['object@1', 'object@3', 'object@4']);
  });

  it('a top-level array, compact and pretty-printed', () => {
    expect(objects(scanBuffer('[{"a":1},{"a":2}]'))).toEqual([{ a: 1 }, { a: 2 }]);
    const pretty = JSON.stringify([{ a: { b: [1, { c: 2 }] } }, { d: '}{' }], null, 2);
    const items = scanBuffer(pretty);
    expect(objects(items)).toEqual([{ a: { b: [1, { c: 2 }] } }, { d: '}{' }]);
    expect(lines(items)).toEqual(['object@2', 'object@12']);
  });

  it('pretty-printed objects one after another, blank-line separated or not', () => {
    const a = JSON.stringify({ x: 1, nested: { y: [1, 2] } }, null, 2);
    const b = JSON.stringify({ x: 2 }, null, '\t');
    expect(objects(scanBuffer(`${a}\n\n${b}\n`))).toEqual([{ x: 1, nested: { y: [1, 2] } }, { x: 2 }]);
    expect(objects(scanBuffer(`${a}${b}`))).toEqual([{ x: 1, nested: { y: [1, 2] } }, { x: 2 }]);
  });

  it('concatenated objects on one line, and RFC 7464 record separators', () => {
    expect(objects(scanBuffer('{"a":1}{"a":2} {"a":3}'))).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }]);
    expect(objects(scanBuffer('\x1e{"a":1}\n\x1e{"a":2}\n'))).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it('strings with braces, brackets, escaped quotes and backslashes', () => {
    const v = { s: 'a "quoted" {brace} [x] \\ \\"', t: '\u2028 é 🙂' };
    expect(objects(scanBuffer(JSON.stringify(v) + '\n' + JSON.stringify(v)))).toEqual([v, v]);
  });

  it('any chunking gives the same items', () => {
    const input = Buffer.from(
      [
        '{"a":1}',
        '[{"b":"x\\"}"},',
        ' {"c":[1,2,{"d":null}]}]',
        'garbage line',
        JSON.stringify({ e: 'é🙂' }, null, 2),
        '{"broken": "no end',
        '{"f":true}',
      ].join('\n'),
    );
    const whole = scanBuffer(input, 'chunked');
    for (const size of [1, 2, 3, 7, 16, 64]) expect(scanChunked(input, size)).toEqual(whole);
    expect(objects(whole)).toEqual([{ a: 1 }, { b: 'x"}' }, { c: [1, 2, { d: null }] }, { e: 'é🙂' }, { f: true }]);
    expect(errors(whole).map((e) => [e.line, e.reason.split(':')[0]])).toEqual([
      [4, 'not a JSON object'],
      [8, 'invalid JSON'],
    ]);
  });

  it('keeps each object text exactly as read (the raw event)', () => {
    const line = '{ "b" : 2,  "a":1 }';
    const [item] = scanBuffer(line + '\n');
    expect(item).toMatchObject({ kind: 'object', text: line });
  });
});

describe('reader: bad input becomes errors with line numbers', () => {
  it('a malformed line among good ones', () => {
    const items = scanBuffer('{"a":1}\n{"a":,}\n{"a":3}\n');
    expect(objects(items)).toEqual([{ a: 1 }, { a: 3 }]);
    const [e] = errors(items);
    expect(e.line).toBe(2);
    expect(e.reason).toMatch(/^invalid JSON/);
    expect(e.text).toBe('{"a":,}');
  });

  it('a truncated line followed by a good one (the next object starts at column 0)', () => {
    const items = scanBuffer('{"a":{"b":1\n{"a":2}\n');
    expect(objects(items)).toEqual([{ a: 2 }]);
    expect(errors(items)[0]).toMatchObject({ line: 1, reason: expect.stringMatching(/unterminated object/) });
  });

  it('an unterminated string ends at the newline', () => {
    const items = scanBuffer('{"a":"xx\n{"a":2}\n');
    expect(objects(items)).toEqual([{ a: 2 }]);
    expect(errors(items)[0]).toMatchObject({ line: 1, reason: expect.stringMatching(/unterminated string/) });
  });

  it('mismatched brackets', () => {
    const items = scanBuffer('{"a":[1}\n{"ok":1}\n');
    expect(objects(items)).toEqual([{ ok: 1 }]);
    expect(errors(items)[0]).toMatchObject({ line: 1, reason: "invalid JSON: unexpected '}' at line 1" });
  });

  it('input ending inside an object', () => {
    const items = scanBuffer('{"a":1}\n{"a":{"b":');
    expect(errors(items)).toEqual([expect.objectContaining({ line: 2, reason: 'invalid JSON: unexpected end of input inside an object' })]);
  });

  it('scalars in an array, and non-JSON lines', () => {
    const items = scanBuffer('[1, "two", {"a":1}, null]\nhello world\n');
    expect(objects(items)).toEqual([{ a: 1 }]);
    expect(errors(items).map((e) => [e.line, e.reason, e.text])).toEqual([
      [1, 'array element is not an object', '1'],
      [1, 'array element is not an object', '"two"'],
      [1, 'array element is not an object', 'null'],
      [2, 'not a JSON object', 'hello world'],
    ]);
  });

  it('invalid UTF-8 inside an object', () => {
    const buf = Buffer.concat([Buffer.from('{"a":1}\n{"a":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}\n{"a":3}\n')]);
    const items = scanBuffer(buf);
    expect(objects(items)).toEqual([{ a: 1 }, { a: 3 }]);
    expect(errors(items)).toEqual([expect.objectContaining({ line: 2, reason: 'invalid UTF-8' })]);
  });

  it('an object over the size cap is one error, and the next object is read', () => {
    const big = JSON.stringify({ pad: 'x'.repeat(5000) });
    const items = scanBuffer(`{"a":1}\n${big}\n{"a":3}\n`, 'f', { maxObjectBytes: 1000 });
    expect(objects(items)).toEqual([{ a: 1 }, { a: 3 }]);
    const [e] = errors(items);
    expect(e).toMatchObject({ line: 2, reason: 'object exceeds 1000 bytes' });
    expect(e.text.length).toBeLessThanOrEqual(4096);
  });

  it('nesting over the depth cap', () => {
    const deep = '['.repeat(600) + ']'.repeat(600);
    const items = scanBuffer(`{"a":${deep}}\n{"b":1}\n`);
    expect(objects(items)).toEqual([{ b: 1 }]);
    expect(errors(items)).toEqual([expect.objectContaining({ line: 1, reason: 'nesting deeper than 512' })]);
  });
});

describe('reader: hostile input (no crash, no hang, bounded memory)', () => {
  it('JSON nested 100,000 deep', () => {
    const deep = '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000);
    const items = scanBuffer(`${deep}\n{"ok":true}\n`);
    expect(objects(items)).toEqual([{ ok: true }]);
    expect(errors(items)).toEqual([expect.objectContaining({ line: 1, reason: 'nesting deeper than 512' })]);
    // unbalanced: never closes
    const open = scanBuffer('['.repeat(100_000));
    expect(errors(open)).toHaveLength(1);
    expect(open[0]).toMatchObject({ kind: 'error', line: 1 });
  });

  it('a 50 MB line, streamed in 64 KiB chunks, is one error; the next line is read', async () => {
    const chunk = Buffer.alloc(64 * 1024, 'a');
    async function* gen() {
      yield Buffer.from('{"ok":1}\n{"pad":"');
      for (let i = 0; i < 800; i++) yield chunk; // 50 MiB of string content
      yield Buffer.from('"}\n{"ok":2}\n');
    }
    const before = process.memoryUsage().heapUsed;
    const items = await collect(readAlertStream(gen(), 'big'));
    expect(objects(items)).toEqual([{ ok: 1 }, { ok: 2 }]);
    expect(errors(items)).toEqual([expect.objectContaining({ line: 2, reason: 'object exceeds 1048576 bytes' })]);
    // nothing close to the 50 MB was retained
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(30 * 1024 * 1024);
  });

  it('escape sequences are kept as data (the terminal layer sanitises them)', () => {
    const v = { title: '\u001b]52;c;ZXZpbA==\u0007\u001b[2J evil' };
    expect(objects(scanBuffer(JSON.stringify(v)))).toEqual([v]);
    // raw ESC bytes outside strings are not JSON: an error, not a crash
    const items = scanBuffer('\x1b[31m{"a":1}\n');
    expect(errors(items)[0]).toMatchObject({ line: 1, reason: 'not a JSON object' });
  });

  it('random bytes: never throws, always terminates, every error has a line inside the input', () => {
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const alphabet = Buffer.from('{}[]",:\\ \n\r\tabc01\x1e\x00\xff\xc3');
    for (let run = 0; run < 400; run++) {
      const len = Math.floor(rnd() * 2000);
      const buf = Buffer.alloc(len);
      const biased = rnd() < 0.5;
      for (let i = 0; i < len; i++) buf[i] = biased ? alphabet[Math.floor(rnd() * alphabet.length)] : Math.floor(rnd() * 256);
      const nl = buf.filter((b) => b === 0x0a).length;
      const items = scanChunked(buf, 1 + Math.floor(rnd() * 300), { maxObjectBytes: 500, maxDepth: 20 });
      for (const it of items) {
        expect(it.line).toBeGreaterThanOrEqual(1);
        expect(it.line).toBeLessThanOrEqual(nl + 1);
        if (it.kind === 'error') {
          expect(it.reason).toBeTruthy();
          expect(Buffer.byteLength(it.text)).toBeLessThanOrEqual(4096 * 3);
        } else expect(typeof it.value).toBe('object');
      }
      // chunking never changes the result
      expect(scanChunked(buf, 1, { maxObjectBytes: 500, maxDepth: 20 })).toEqual(scanBuffer(buf, 'chunked', { maxObjectBytes: 500, maxDepth: 20 }));
    }
  });

  it('random valid objects in random shapes are all read back', () => {
    let seed = 99;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const value = (d: number): unknown => {
      const r = rnd();
      if (d > 3 || r < 0.3) return ['s{"}', 'é', 1.5, -2, true, null, '\\', '\n\t'][Math.floor(rnd() * 8)];
      if (r < 0.6) return Array.from({ length: Math.floor(rnd() * 4) }, () => value(d + 1));
      return Object.fromEntries(Array.from({ length: Math.floor(rnd() * 4) }, (_, i) => [`k${i}`, value(d + 1)]));
    };
    for (let run = 0; run < 200; run++) {
      const objs = Array.from({ length: 1 + Math.floor(rnd() * 5) }, () => ({ id: run, v: value(0) }));
      const shape = Math.floor(rnd() * 4);
      const text =
        shape === 0 ? objs.map((o) => JSON.stringify(o)).join('\n')
        : shape === 1 ? JSON.stringify(objs, null, 2)
        : shape === 2 ? objs.map((o) => JSON.stringify(o, null, 2)).join('\n\n')
        : objs.map((o) => JSON.stringify(o)).join('');
      expect(objects(scanChunked(Buffer.from(text), 1 + Math.floor(rnd() * 50)))).toEqual(objs);
    }
  });
});

describe('reader: inputs', () => {
  it('files, several files, gzip by extension and by magic bytes, stdin, and a missing file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reader-'));
    try {
      writeFileSync(join(dir, 'a.ndjson'), '{"n":1}\n{"n":2}\n');
      writeFileSync(join(dir, 'b.json.gz'), gzipSync('[{"n":3}]'));
      writeFileSync(join(dir, 'c.bin'), gzipSync('{"n":4}'));
      writeFileSync(join(dir, 'd.gz'), Buffer.from('not gzip at all'));
      const stdin = Readable.from([Buffer.from('{"n":5}\n')]);
      const items = await collect(
        readInputs([join(dir, 'a.ndjson'), join(dir, 'b.json.gz'), join(dir, 'c.bin'), '-', join(dir, 'missing.json'), join(dir, 'd.gz')], stdin),
      );
      expect(objects(items)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }, { n: 5 }]);
      expect(items.filter((i) => i.kind === 'object').map((i) => i.source.split('/').pop())).toEqual(['a.ndjson', 'a.ndjson', 'b.json.gz', 'c.bin', '<stdin>']);
      const errs = errors(items);
      expect(errs[0]).toMatchObject({ line: 0, reason: expect.stringMatching(/cannot read: .*missing\.json: no such file/) });
      expect(errs[1]).toMatchObject({ source: join(dir, 'd.gz'), reason: expect.stringMatching(/^read error/) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a gzip file is streamed, not inflated in memory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reader-'));
    try {
      const line = JSON.stringify({ pad: 'y'.repeat(200) }) + '\n';
      writeFileSync(join(dir, 'big.ndjson.gz'), gzipSync(Buffer.from(line.repeat(100_000)))); // 20 MB inflated
      let n = 0;
      for await (const it of readInputs([join(dir, 'big.ndjson.gz')])) if (it.kind === 'object') n++;
      expect(n).toBe(100_000);
      expect(readFileSync(join(dir, 'big.ndjson.gz')).length).toBeLessThan(1_000_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
