// Streaming reader for alert files: NDJSON, a top-level JSON array, pretty-printed objects,
// concatenated `{..}{..}` and blank-line separated objects, all in one byte-level scanner.
//
// The scanner never holds more than one object (capped at maxObjectBytes) plus the current
// chunk. It tracks string/escape state and nesting depth itself, and only hands a complete
// object's text to JSON.parse, so deep nesting, huge objects, binary noise and truncated input
// become error items instead of exceptions or unbounded memory.

import { isUtf8 } from 'node:buffer';
import { promises as fsp } from 'node:fs';
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';

export type ReadItem =
  | { kind: 'object'; value: unknown; text: string; source: string; line: number }
  | { kind: 'error'; source: string; line: number; reason: string; /** at most ~4 KiB */ text: string };

export interface ReadOptions {
  /** Largest object accepted, in bytes of input. Default 1 MiB. */
  maxObjectBytes?: number;
  /** Deepest nesting of objects/arrays accepted. Default 512. */
  maxDepth?: number;
}

export const DEFAULT_MAX_OBJECT_BYTES = 1024 * 1024;
export const DEFAULT_MAX_DEPTH = 512;
/** How much of a rejected input is kept in its error item. */
export const ERROR_TEXT_BYTES = 4096;

const NL = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const TAB = 0x09;
const RS = 0x1e; // RFC 7464 record separator
const COMMA = 0x2c;
const QUOTE = 0x22;
const BSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACK = 0x5b;
const RBRACK = 0x5d;

// Scanner states.
const OUT = 0; // between objects
const OBJ = 1; // inside an object, buffering it
const SKIP = 2; // inside an object already rejected (too big / too deep): track its end, keep nothing
const JUNK_LINE = 3; // non-JSON content: skip to the end of the line
const JUNK_TOK = 4; // a scalar array element: skip to the next delimiter
const JUNK_STR = 5; // a string array element
const RESYNC = 6; // after a broken object: skip lines until one begins with `{` or `[`

/** Decode for an error item: lossy, capped. */
function errorText(parts: Buffer[]): string {
  const b = parts.length === 1 ? parts[0] : Buffer.concat(parts);
  return b.subarray(0, ERROR_TEXT_BYTES).toString('utf8');
}

/**
 * The incremental scanner behind readAlertStream. Feed it chunks with push(); it appends
 * complete items to `out`. Call end() once after the last chunk.
 */
export class AlertScanner {
  private readonly max: number;
  private readonly maxDepth: number;
  private state = OUT;
  /** Line number of the byte about to be scanned. */
  line = 1;
  private atLineStart = true;
  private arrayDepth = 0;
  private first = true;

  // the object being read
  private objLine = 0;
  private depth = 0;
  private inStr = false;
  private esc = false;
  private readonly stack: Uint8Array;
  private pieces: Buffer[] = [];
  private piecesLen = 0;

  // rejected object / junk: its first bytes, for the error item
  private head: Buffer[] = [];
  private headLen = 0;
  private pendingReason = '';
  private pendingLine = 0;

  constructor(
    private readonly source: string,
    opts: ReadOptions = {},
  ) {
    this.max = Math.max(2, opts.maxObjectBytes ?? DEFAULT_MAX_OBJECT_BYTES);
    this.maxDepth = Math.max(1, opts.maxDepth ?? DEFAULT_MAX_DEPTH);
    this.stack = new Uint8Array(this.maxDepth + 2);
  }

  private addHead(b: Buffer): void {
    if (this.headLen >= ERROR_TEXT_BYTES || b.length === 0) return;
    const take = b.subarray(0, ERROR_TEXT_BYTES - this.headLen);
    // copy: the head must not pin the whole chunk in memory
    this.head.push(Buffer.from(take));
    this.headLen += take.length;
  }

  private error(out: ReadItem[], line: number, reason: string, text: string): void {
    out.push({ kind: 'error', source: this.source, line, reason, text });
  }

  private flushPending(out: ReadItem[]): void {
    this.error(out, this.pendingLine, this.pendingReason, this.head.length ? errorText(this.head) : '');
    this.head = [];
    this.headLen = 0;
    this.pendingReason = '';
  }

  /** Abandon the object being buffered: keep its first bytes as the error text. */
  private abandonObject(chunk: Buffer, objStart: number, end: number): void {
    this.head = [];
    this.headLen = 0;
    for (const p of this.pieces) this.addHead(p);
    this.addHead(chunk.subarray(objStart, end));
    this.pieces = [];
    this.piecesLen = 0;
    this.pendingLine = this.objLine;
  }

  private emitObject(out: ReadItem[], chunk: Buffer, objStart: number, end: number): void {
    const size = this.piecesLen + (end - objStart);
    const line = this.objLine;
    if (size > this.max) {
      this.abandonObject(chunk, objStart, end);
      this.pendingReason = `object exceeds ${this.max} bytes`;
      this.flushPending(out);
      return;
    }
    let buf: Buffer;
    if (this.piecesLen === 0) buf = chunk.subarray(objStart, end);
    else {
      this.pieces.push(chunk.subarray(objStart, end));
      buf = Buffer.concat(this.pieces, size);
      this.pieces = [];
      this.piecesLen = 0;
    }
    if (!isUtf8(buf)) {
      this.error(out, line, 'invalid UTF-8', buf.subarray(0, ERROR_TEXT_BYTES).toString('utf8'));
      return;
    }
    const text = buf.toString('utf8');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      this.error(out, line, `invalid JSON: ${(e as Error).message}`, text.slice(0, ERROR_TEXT_BYTES));
      return;
    }
    out.push({ kind: 'object', value, text, source: this.source, line });
  }

  push(input: Buffer | Uint8Array | string, out: ReadItem[]): void {
    const chunk = typeof input === 'string' ? Buffer.from(input, 'utf8') : Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    const n = chunk.length;
    let i = 0;
    if (this.first && n > 0) {
      this.first = false;
      if (n >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3; // BOM
    }
    // where the current object / junk began in this chunk
    let objStart = this.state === OBJ ? 0 : -1;
    let junkStart = this.state === JUNK_LINE || this.state === JUNK_TOK || this.state === JUNK_STR ? 0 : -1;

    while (i < n) {
      switch (this.state) {
        case OUT: {
          let line = this.line;
          let arrayDepth = this.arrayDepth;
          let c = 0;
          for (; i < n; i++) {
            c = chunk[i];
            if (c === LBRACE) break;
            if (c === NL) {
              line++;
              continue;
            }
            if (c === SP || c === TAB || c === CR || c === COMMA || c === RS) continue;
            if (c === LBRACK) {
              arrayDepth++;
              continue;
            }
            if (c === RBRACK && arrayDepth > 0) {
              arrayDepth--;
              continue;
            }
            break;
          }
          this.line = line;
          this.arrayDepth = arrayDepth;
          if (i >= n) break;
          if (c === LBRACE) {
            this.state = OBJ;
            this.objLine = line;
            this.depth = 0;
            this.inStr = false;
            this.esc = false;
            this.atLineStart = false;
            objStart = i;
            continue; // the OBJ loop consumes the brace
          }
          // anything else is not an object
          this.head = [];
          this.headLen = 0;
          this.pendingLine = line;
          junkStart = i;
          if (arrayDepth > 0) {
            this.pendingReason = 'array element is not an object';
            if (c === QUOTE) {
              this.state = JUNK_STR;
              this.esc = false;
              // the opening quote may be the chunk's last byte: keep it now
              this.addHead(chunk.subarray(i, i + 1));
              i++;
              junkStart = i;
            } else this.state = JUNK_TOK;
          } else {
            this.pendingReason = 'not a JSON object';
            this.state = JUNK_LINE;
          }
          continue;
        }

        case OBJ:
        case SKIP: {
          const skipping = this.state === SKIP;
          const stack = this.stack;
          const maxDepth = this.maxDepth;
          let depth = this.depth;
          let inStr = this.inStr;
          let esc = this.esc;
          let line = this.line;
          let lineStart = this.atLineStart;
          let outcome = 0; // 1 complete, 2 newline in string, 3 new object at column 0, 4 too deep, 5 mismatch
          for (; i < n; i++) {
            const c = chunk[i];
            if (inStr) {
              if (esc) {
                esc = false;
                if (c === NL) {
                  outcome = 2;
                  break;
                }
              } else if (c === QUOTE) inStr = false;
              else if (c === BSLASH) esc = true;
              else if (c === NL) {
                outcome = 2;
                break;
              }
              continue;
            }
            if (c === NL) {
              line++;
              lineStart = true;
              continue;
            }
            if (lineStart) {
              lineStart = false;
              if (c === LBRACE && depth > 0) {
                outcome = 3;
                break;
              }
            }
            if (c === QUOTE) inStr = true;
            else if (c === LBRACE || c === LBRACK) {
              depth++;
              if (!skipping) {
                if (depth > maxDepth) {
                  outcome = 4;
                  i++;
                  break;
                }
                stack[depth] = c;
              }
            } else if (c === RBRACE || c === RBRACK) {
              if (!skipping && stack[depth] !== (c === RBRACE ? LBRACE : LBRACK)) {
                outcome = 5;
                break;
              }
              depth--;
              if (depth === 0) {
                outcome = 1;
                i++;
                break;
              }
            }
          }
          this.depth = depth;
          this.inStr = inStr;
          this.esc = esc;
          this.line = line;
          this.atLineStart = lineStart;
          if (outcome === 0) break; // chunk exhausted

          if (outcome === 1) {
            if (skipping) this.flushPending(out);
            else this.emitObject(out, chunk, objStart, i);
            this.state = OUT;
            objStart = -1;
            continue;
          }
          if (outcome === 4) {
            this.abandonObject(chunk, objStart, i);
            this.pendingReason = `nesting deeper than ${maxDepth}`;
            this.state = SKIP;
            objStart = -1;
            continue;
          }
          // the object is broken: report it
          if (!skipping) {
            this.abandonObject(chunk, objStart, i);
            this.pendingReason =
              outcome === 2
                ? `invalid JSON: unterminated string (raw newline at line ${line})`
                : outcome === 3
                  ? `invalid JSON: unterminated object (a new object starts at line ${line})`
                  : `invalid JSON: unexpected '${String.fromCharCode(chunk[i])}' at line ${line}`;
          }
          this.flushPending(out);
          objStart = -1;
          if (outcome === 3) {
            this.state = OUT; // rescan the brace as the start of the next object
          } else {
            this.state = RESYNC;
            if (outcome === 2) {
              // the newline itself: the next line may begin an object
              this.line++;
              i++;
              this.atLineStart = true;
            } else this.atLineStart = false;
          }
          continue;
        }

        case RESYNC: {
          let line = this.line;
          let lineStart = this.atLineStart;
          let found = false;
          for (; i < n; i++) {
            const c = chunk[i];
            if (c === NL) {
              line++;
              lineStart = true;
              continue;
            }
            if (!lineStart) continue;
            if (c === SP || c === TAB || c === CR) continue;
            if (c === LBRACE || c === LBRACK) {
              found = true;
              break;
            }
            lineStart = false;
          }
          this.line = line;
          this.atLineStart = lineStart;
          if (found) this.state = OUT;
          continue;
        }

        case JUNK_LINE: {
          const nl = chunk.indexOf(NL, i);
          const end = nl < 0 ? n : nl;
          if (this.headLen < ERROR_TEXT_BYTES) this.addHead(chunk.subarray(junkStart, end));
          i = end;
          if (nl < 0) break;
          this.flushPending(out);
          this.state = OUT;
          junkStart = -1;
          continue; // OUT counts the newline
        }

        case JUNK_TOK: {
          let c = 0;
          for (; i < n; i++) {
            c = chunk[i];
            if (c === COMMA || c === RBRACK || c === LBRACE || c === LBRACK || c === SP || c === NL || c === CR || c === TAB)
              break;
          }
          this.addHead(chunk.subarray(junkStart, i));
          if (i >= n) break;
          this.flushPending(out);
          this.state = OUT;
          junkStart = -1;
          continue;
        }

        case JUNK_STR: {
          let esc = this.esc;
          let end = -1;
          let broken = false;
          for (; i < n; i++) {
            const c = chunk[i];
            if (esc) esc = false;
            else if (c === BSLASH) esc = true;
            else if (c === QUOTE) {
              end = i + 1;
              break;
            } else if (c === NL) {
              broken = true;
              break;
            }
          }
          this.esc = esc;
          if (end < 0 && !broken) {
            this.addHead(chunk.subarray(junkStart, n));
            break;
          }
          this.addHead(chunk.subarray(junkStart, end < 0 ? i : end));
          if (end >= 0) i = end;
          this.flushPending(out);
          this.state = OUT;
          junkStart = -1;
          continue;
        }
      }
    }

    // chunk exhausted: keep what the current state needs
    if (this.state === OBJ && objStart >= 0) {
      const rest = chunk.subarray(objStart, n);
      if (this.piecesLen + rest.length > this.max) {
        this.abandonObject(chunk, objStart, n);
        this.pendingReason = `object exceeds ${this.max} bytes`;
        this.state = SKIP;
      } else if (rest.length) {
        this.pieces.push(rest);
        this.piecesLen += rest.length;
      }
    }
  }

  /** End of input: report whatever is unfinished. */
  end(out: ReadItem[]): void {
    switch (this.state) {
      case OBJ: {
        const line = this.objLine;
        const text = this.pieces.length ? errorText(this.pieces) : '';
        this.pieces = [];
        this.piecesLen = 0;
        this.error(out, line, 'invalid JSON: unexpected end of input inside an object', text);
        break;
      }
      case SKIP:
        this.flushPending(out);
        break;
      case JUNK_LINE:
      case JUNK_TOK:
      case JUNK_STR:
        this.flushPending(out);
        break;
    }
    if (this.state === OUT && this.arrayDepth > 0) {
      // a cut-off export: what was read is kept; say the array never closed
      this.error(out, this.line, 'invalid JSON: unexpected end of input inside an array', '');
    }
    this.arrayDepth = 0;
    this.state = OUT;
  }
}

/**
 * Read alert objects from a byte stream, one item per object or per rejected piece of input.
 * Never throws for bad content; a failing stream (I/O error, corrupt gzip) ends with an error item.
 */
export async function* readAlertStream(
  input: NodeJS.ReadableStream | AsyncIterable<Buffer | string>,
  name: string,
  opts: ReadOptions = {},
): AsyncGenerator<ReadItem> {
  const scanner = new AlertScanner(name, opts);
  const out: ReadItem[] = [];
  const it = (input as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
  let finished = false;
  try {
    for (;;) {
      let r: IteratorResult<Buffer | string>;
      try {
        r = await it.next();
      } catch (e) {
        scanner.end(out);
        out.push({ kind: 'error', source: name, line: scanner.line, reason: `read error: ${(e as Error).message ?? String(e)}`, text: '' });
        finished = true;
        break;
      }
      if (r.done) {
        finished = true;
        scanner.end(out);
        break;
      }
      scanner.push(r.value, out);
      if (out.length) {
        for (let k = 0; k < out.length; k++) yield out[k];
        out.length = 0;
      }
    }
    for (let k = 0; k < out.length; k++) yield out[k];
    out.length = 0;
  } finally {
    if (!finished && typeof it.return === 'function') {
      try {
        await it.return();
      } catch {
        /* closing anyway */
      }
    }
  }
}

/** Synchronous convenience for tests and small inputs. */
export function scanBuffer(buf: Buffer | string, name = 'buffer', opts: ReadOptions = {}): ReadItem[] {
  const s = new AlertScanner(name, opts);
  const out: ReadItem[] = [];
  s.push(buf, out);
  s.end(out);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Inputs

export type InputSource = { name: string; stream: NodeJS.ReadableStream } | { name: string; error: string };

export const STDIN_NAME = '<stdin>';
const READ_CHUNK = 256 * 1024;

async function* prefixed(first: Buffer, it: AsyncIterator<Buffer | string>): AsyncGenerator<Buffer> {
  yield first;
  for (;;) {
    const r = await it.next();
    if (r.done) return;
    yield typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
  }
}

/**
 * The stream's bytes, gunzipped when they start with the gzip magic bytes (or `force`).
 * Only the first chunk is looked at; nothing else is buffered.
 */
export async function autoGunzip(src: NodeJS.ReadableStream | AsyncIterable<Buffer | string>, force = false): Promise<NodeJS.ReadableStream> {
  const it = (src as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
  let first: Buffer = Buffer.alloc(0);
  while (first.length < 2) {
    const r = await it.next();
    if (r.done) break;
    const b = typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
    first = first.length ? Buffer.concat([first, b]) : b;
  }
  const gz = force || (first.length >= 2 && first[0] === 0x1f && first[1] === 0x8b);
  const body = Readable.from(prefixed(first, it), { objectMode: false });
  if (!gz) return body;
  const gunzip = createGunzip();
  pipeline(body, gunzip, () => {
    /* errors reach the reader through the gunzip stream */
  });
  return gunzip;
}

/**
 * Open each input in turn (`-`, or no path at all, is stdin). Gzip is detected by the `.gz`
 * extension or the magic bytes and decompressed in streaming. A file that cannot be opened
 * yields `{name, error}` and the next one is tried.
 */
export async function* openInputs(
  paths: string[],
  stdin: NodeJS.ReadableStream = process.stdin,
): AsyncGenerator<InputSource> {
  const list = paths.length ? paths : ['-'];
  for (const p of list) {
    if (p === '-') {
      try {
        yield { name: STDIN_NAME, stream: await autoGunzip(stdin) };
      } catch (e) {
        yield { name: STDIN_NAME, error: (e as Error).message };
      }
      continue;
    }
    let fh: fsp.FileHandle | undefined;
    try {
      fh = await fsp.open(p, 'r');
      const st = await fh.stat();
      if (st.isDirectory()) throw Object.assign(new Error(`${p}: is a directory`), { code: 'EISDIR' });
      const stream = fh.createReadStream({ highWaterMark: READ_CHUNK, autoClose: true });
      fh = undefined; // owned by the stream now
      yield { name: p, stream: await autoGunzip(stream, /\.gz$/i.test(p)) };
    } catch (e) {
      if (fh) await fh.close().catch(() => undefined);
      const err = e as NodeJS.ErrnoException;
      yield { name: p, error: err.code === 'ENOENT' ? `${p}: no such file` : err.message };
    }
  }
}

/** Every item of every input, in order; inputs that cannot be opened become an error item (line 0). */
export async function* readInputs(
  paths: string[],
  stdin: NodeJS.ReadableStream = process.stdin,
  opts: ReadOptions = {},
): AsyncGenerator<ReadItem> {
  for await (const src of openInputs(paths, stdin)) {
    if ('error' in src) {
      yield { kind: 'error', source: src.name, line: 0, reason: `cannot read: ${src.error}`, text: '' };
      continue;
    }
    yield* readAlertStream(src.stream, src.name, opts);
  }
}
