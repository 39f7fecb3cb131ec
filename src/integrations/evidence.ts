// Evidence files attached to notes: size checked before reading, hashed while streaming, typed by
// content (magic bytes) before name.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { AttachmentInput } from '../backends/types.js';
import { UsageError } from '../errors.js';
import { humanBytes } from './http.js';

export { humanBytes };

export interface ReadEvidenceOptions {
  /**
   * Why the limit is what it is and how to raise it, appended to the refusal in parentheses, e.g.
   * "osTicket's default; raise it in Admin → Settings → Tickets".
   */
  limitNote?: string;
}

const MAGIC: Array<[number[], string, number?]> = [
  [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'image/png'],
  [[0xff, 0xd8, 0xff], 'image/jpeg'],
  [[0x47, 0x49, 0x46, 0x38, 0x37, 0x61], 'image/gif'], // GIF87a
  [[0x47, 0x49, 0x46, 0x38, 0x39, 0x61], 'image/gif'], // GIF89a
  [[0x25, 0x50, 0x44, 0x46, 0x2d], 'application/pdf'], // %PDF-
  [[0xd4, 0xc3, 0xb2, 0xa1], 'application/vnd.tcpdump.pcap'], // pcap, little-endian µs
  [[0xa1, 0xb2, 0xc3, 0xd4], 'application/vnd.tcpdump.pcap'], // pcap, big-endian µs
  [[0x4d, 0x3c, 0xb2, 0xa1], 'application/vnd.tcpdump.pcap'], // pcap, little-endian ns
  [[0xa1, 0xb2, 0x3c, 0x4d], 'application/vnd.tcpdump.pcap'], // pcap, big-endian ns
  [[0x0a, 0x0d, 0x0d, 0x0a], 'application/x-pcapng'], // pcapng section header block
  [[0x1f, 0x8b], 'application/gzip'],
  [[0x50, 0x4b, 0x03, 0x04], 'application/zip'],
  [[0x50, 0x4b, 0x05, 0x06], 'application/zip'], // empty archive
  [[0x50, 0x4b, 0x07, 0x08], 'application/zip'], // spanned
];

const BY_EXT: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.pdf': 'application/pdf',
  '.pcap': 'application/vnd.tcpdump.pcap',
  '.cap': 'application/vnd.tcpdump.pcap',
  '.pcapng': 'application/x-pcapng',
  '.gz': 'application/gzip',
  '.tgz': 'application/gzip',
  '.zip': 'application/zip',
  '.json': 'application/json',
  '.ndjson': 'application/x-ndjson',
  '.csv': 'text/csv',
  '.txt': 'text/plain',
  '.log': 'text/plain',
  '.html': 'text/html',
  '.htm': 'text/html',
  '.xml': 'application/xml',
  '.eml': 'message/rfc822',
  '.evtx': 'application/octet-stream',
  '.exe': 'application/octet-stream',
  '.bin': 'application/octet-stream',
};

/** MIME type of content: magic bytes, then the file name's extension, then UTF-8 text or binary. */
export function detectMime(data: Buffer, name = ''): string {
  for (const [sig, mime] of MAGIC) {
    if (data.length >= sig.length && sig.every((b, i) => data[i] === b)) return mime;
  }
  const ext = extname(name).toLowerCase();
  if (ext && BY_EXT[ext]) return BY_EXT[ext];
  return isUtf8Text(data) ? 'text/plain' : 'application/octet-stream';
}

function isUtf8Text(data: Buffer): boolean {
  try {
    const s = new TextDecoder('utf-8', { fatal: true }).decode(data);
    // NUL and most C0 controls do not occur in text files.
    return !/[\x00-\x08\x0e-\x1a\x1c-\x1f]/.test(s);
  } catch {
    return false;
  }
}

/**
 * Read a file to attach. Refuses (UsageError) a missing file, a non-regular file, or one over
 * `maxBytes` — the last before reading a byte, with the sizes in human units.
 */
export async function readEvidence(path: string, maxBytes: number, opts: ReadEvidenceOptions = {}): Promise<AttachmentInput> {
  const name = basename(path);
  let st;
  try {
    st = await stat(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`${name}: no such file (${path}).`);
    if (code === 'EACCES' || code === 'EPERM') throw new UsageError(`${name}: permission denied.`);
    throw new UsageError(`${name}: cannot read (${code ?? 'error'}).`);
  }
  if (!st.isFile()) throw new UsageError(`${name} is not a regular file.`);
  // Rounded sizes can look equal (50 MB vs 50 MB); then the exact byte counts say why.
  const same = (size: number) => humanBytes(size) === humanBytes(maxBytes);
  const exact = (n: number, size: number) => (same(size) ? `${humanBytes(n)} (${n} bytes)` : humanBytes(n));
  const tooBig = (size: number) =>
    new UsageError(
      `${name} is ${exact(size, size)}; this backend accepts at most ${exact(maxBytes, size)} per file` +
        (opts.limitNote ? ` (${opts.limitNote})` : '') +
        '.',
      'Compress it, trim it, or attach a link to where it is stored instead.',
    );
  if (st.size > maxBytes) throw tooBig(st.size);

  const hash = createHash('sha256');
  const chunks: Buffer[] = [];
  let size = 0;
  await new Promise<void>((resolve, reject) => {
    // Read at most one byte past the limit, so a file that grows after stat is still caught.
    const stream = createReadStream(path, { start: 0, end: maxBytes });
    stream.on('data', (c) => {
      const b = c as Buffer;
      size += b.length;
      if (size > maxBytes) {
        stream.destroy();
        reject(tooBig(size));
        return;
      }
      hash.update(b);
      chunks.push(b);
    });
    stream.on('error', (err) => reject(new UsageError(`${name}: read failed (${(err as NodeJS.ErrnoException).code ?? err.message}).`)));
    stream.on('end', () => resolve());
  });
  const data = Buffer.concat(chunks, size);
  return { name, size, sha256: hash.digest('hex'), mime: detectMime(data, name), data };
}
