// Input → normalised alerts, skips and rejects, in input order, one object at a time.
// (Reading and normalising on a worker thread was tried: 100k alerts 4.6 s instead of 5.4 s, but
// +70 MB peak RSS, past the 150 MB budget — bench/ingest/README.md.)
import type { NormalisedAlert } from '../alerts/types.js';
import { normaliseAll, type NormaliseOptions } from '../alerts/normalise.js';
import { readInputs, type ReadItem, type ReadOptions } from '../alerts/reader.js';

export type Parsed =
  | { kind: 'alert'; alert: NormalisedAlert; source: string; line: number }
  | { kind: 'skip'; reason: string; source: string; line: number }
  | { kind: 'reject'; reason: string; text: string; field?: string; source: string; line: number };

/** Options from configuration (the clock is the reader's own). */
export type PlainNormaliseOptions = Omit<NormaliseOptions, 'now'>;

/** One read item's outcomes. Envelopes (Elasticsearch hits, Kibana archives, EVE in `message`) hold several. */
export function parseItem(item: ReadItem, opts: PlainNormaliseOptions): Parsed[] {
  const { source, line } = item;
  if (item.kind === 'error') return [{ kind: 'reject', reason: item.reason, text: item.text, source, line }];
  const out: Parsed[] = [];
  for (const res of normaliseAll(item.value, item.text, opts)) {
    if ('error' in res) out.push({ kind: 'reject', reason: res.error, text: res.text, field: res.field, source, line });
    else if ('skip' in res) out.push({ kind: 'skip', reason: res.skip, source, line });
    else for (const alert of res.alerts) out.push({ kind: 'alert', alert, source, line });
  }
  return out;
}

export async function* parsedInputs(
  paths: string[],
  stdin: NodeJS.ReadableStream,
  readOpts: ReadOptions,
  opts: PlainNormaliseOptions,
): AsyncGenerator<Parsed> {
  for await (const item of readInputs(paths, stdin, readOpts)) yield* parseItem(item, opts);
}
