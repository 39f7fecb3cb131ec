// Envelopes around alerts: Elasticsearch hits and `_source` documents, Kibana archive entries,
// and Suricata EVE carried as a JSON string in `message` (filebeat/syslog shippers).
// Each unwrapped document gets its own text: JSON.stringify of the inner document, or for EVE
// in `message` the string itself, exactly as the sensor wrote it.

import { isObj } from './fields.js';

export interface Unwrapped {
  value: unknown;
  text: string;
}

const MAX_UNWRAP_DEPTH = 4;
const MAX_MESSAGE = 1024 * 1024;

function eveInMessage(o: Record<string, unknown>): Unwrapped | undefined {
  const m = o.message;
  if (typeof m !== 'string' || m.length > MAX_MESSAGE) return undefined;
  const t = m.trim();
  if (!t.startsWith('{') || !t.endsWith('}') || !t.includes('"event_type"')) return undefined;
  try {
    const v: unknown = JSON.parse(t);
    if (isObj(v) && typeof v.event_type === 'string') return { value: v, text: t };
  } catch {
    /* not JSON after all: leave the document as it is */
  }
  return undefined;
}

function* walk(value: unknown, text: string, depth: number): Generator<Unwrapped> {
  if (depth < MAX_UNWRAP_DEPTH && isObj(value)) {
    // {hits: {hits: [{_source}]}}: a search response
    const hits = isObj(value.hits) ? value.hits.hits : undefined;
    if (Array.isArray(hits)) {
      for (const h of hits) {
        if (isObj(h) && isObj(h._source)) yield* walk(h._source, JSON.stringify(h._source), depth + 1);
        else if (isObj(h)) yield* walk(h, JSON.stringify(h), depth + 1);
      }
      return;
    }
    // {_index, _id, _source}: one search hit / GET document
    if (isObj(value._source) && ('_index' in value || '_id' in value)) {
      yield* walk(value._source, JSON.stringify(value._source), depth + 1);
      return;
    }
    // Kibana es_archiver: {"type":"doc","value":{"index","id","source"}}
    if (value.type === 'doc' && isObj(value.value) && isObj(value.value.source)) {
      yield* walk(value.value.source, JSON.stringify(value.value.source), depth + 1);
      return;
    }
    const eve = eveInMessage(value);
    if (eve) {
      yield eve;
      return;
    }
  }
  yield { value, text };
}

/** The alert documents inside `value` (itself when it is not an envelope). */
export function unwrap(value: unknown, text: string): Generator<Unwrapped> {
  return walk(value, text, 0);
}
