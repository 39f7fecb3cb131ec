import { createHash } from 'node:crypto';
import { closeSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { detectMime, readEvidence } from '../../src/integrations/evidence.js';

const MB = 1024 * 1024;
const OSTICKET_DEFAULT = 1 * MB;
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'evidence-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function put(name: string, data: Buffer | string): string {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
}

describe('detectMime', () => {
  it('trusts content over the name, then the extension, then text or binary', () => {
    expect(detectMime(Buffer.from('%PDF-1.4\n'), 'notes.txt')).toBe('application/pdf');
    expect(detectMime(Buffer.from([0x0a, 0x0d, 0x0d, 0x0a, 0x1c, 0, 0, 0]), 'x.bin')).toBe('application/x-pcapng');
    expect(detectMime(Buffer.from('a,b\n1,2\n'), 'hits.csv')).toBe('text/csv');
    expect(detectMime(Buffer.from('plain words\n'), 'README')).toBe('text/plain');
    expect(detectMime(Buffer.from([0x00, 0x01, 0x02, 0xff]), 'blob')).toBe('application/octet-stream');
  });
});

describe('readEvidence', () => {
  it('reads, hashes and types a file', async () => {
    const data = Buffer.from('Aug 12 18:30:00 sshd[812]: Invalid user admin\n');
    const a = await readEvidence(put('auth.log', data), OSTICKET_DEFAULT);
    expect(a).toMatchObject({ name: 'auth.log', size: data.length, mime: 'text/plain', sha256: createHash('sha256').update(data).digest('hex') });
    expect(a.data.equals(data)).toBe(true);
  });

  it('accepts a file of exactly the limit and refuses one byte more, naming both sizes', async () => {
    const at = join(dir, 'at-limit.bin');
    const over = join(dir, 'over.bin');
    for (const [p, size] of [
      [at, OSTICKET_DEFAULT],
      [over, OSTICKET_DEFAULT + 1],
    ] as const) {
      const fd = openSync(p, 'w');
      ftruncateSync(fd, size);
      closeSync(fd);
    }
    expect((await readEvidence(at, OSTICKET_DEFAULT)).size).toBe(OSTICKET_DEFAULT);
    const err = await readEvidence(over, OSTICKET_DEFAULT, { limitNote: "osTicket's default; raise it in Admin → Settings → Tickets" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toBe(
      "over.bin is 1 MB (1048577 bytes); this backend accepts at most 1 MB (1048576 bytes) per file (osTicket's default; raise it in Admin → Settings → Tickets).",
    );
  });

  it('says plainly how far over a clearly larger file is', async () => {
    const p = join(dir, 'capture.pcap');
    const fd = openSync(p, 'w');
    ftruncateSync(fd, 1.5 * MB);
    closeSync(fd);
    await expect(readEvidence(p, OSTICKET_DEFAULT)).rejects.toThrow(/^capture\.pcap is 1\.5 MB; this backend accepts at most 1 MB per file\.$/);
  });

  it('refuses a missing file and a directory', async () => {
    await expect(readEvidence(join(dir, 'nope.log'), MB)).rejects.toThrow(/nope\.log: no such file/);
    mkdirSync(join(dir, 'folder'));
    await expect(readEvidence(join(dir, 'folder'), MB)).rejects.toThrow(/folder is not a regular file/);
  });
});
