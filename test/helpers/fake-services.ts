// Small MISP and TheHive servers for command tests, built on the strict HTTP stub: they keep state
// and answer the way the real APIs do (restSearch paging and both response shapes, checkValue's
// `[]`/object answers, TheHive's duplicate refusal and query API), and anything else is a failure.
import { readFileSync } from 'node:fs';
import { startStub, type RecordedRequest, type Stub, type StubRoute } from './http-stub.js';

const fixture = (path: string) => JSON.parse(readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8'));

export const MISP_AUTH_FAILED =
  'Authentication failed. Please make sure you pass the API key of an API enabled user along in the Authorization header.';

export interface MispAttributeSpec {
  value: string;
  type: string;
  eventId: string;
  info: string;
  toIds?: boolean;
  tags?: string[];
}

/** An attribute as restSearch returns it: the sample page's first attribute with our values. */
export function mispAttribute(spec: MispAttributeSpec, id: number): Record<string, unknown> {
  const base = fixture('misp/elastic-integrations_ti_misp_mock_attributes_restSearch_page1.response.json').response.Attribute[0];
  return {
    ...base,
    id: String(id),
    event_id: spec.eventId,
    type: spec.type,
    value: spec.value,
    to_ids: !!spec.toIds,
    Event: { ...base.Event, id: spec.eventId, info: spec.info },
    ...(spec.tags ? { Tag: spec.tags.map((name, i) => ({ id: String(100 + i), name, colour: '#ffffff', exportable: true })) } : {}),
  };
}

export interface FakeMisp {
  stub: Stub;
  searches(): RecordedRequest[];
  checks(): RecordedRequest[];
}

export async function startFakeMisp(opts: {
  key: string;
  attributes: MispAttributeSpec[];
  /** value → warninglist names. */
  warninglists?: Record<string, string[]>;
  /** Routes tried first (a 429 for the first request, say). */
  before?: StubRoute[];
}): Promise<FakeMisp> {
  const attrs = opts.attributes.map((a, i) => mispAttribute(a, i + 1));
  const refused = (req: RecordedRequest) =>
    req.headers.authorization !== opts.key
      ? { status: 403, body: { name: MISP_AUTH_FAILED, message: MISP_AUTH_FAILED, url: req.path } }
      : undefined;
  const stub = await startStub([
    ...(opts.before ?? []),
    {
      method: 'POST',
      path: '/attributes/restSearch',
      reply: (req) => {
        const no = refused(req);
        if (no) return no;
        const q = req.json as { value?: unknown; limit?: number; page?: number; returnFormat?: string };
        if (q?.returnFormat !== 'json' || !Array.isArray(q.value)) throw new Error(`restSearch body not understood: ${req.body}`);
        const wanted = new Set((q.value as string[]).map((v) => v.toLowerCase()));
        const all = attrs.filter((a) => wanted.has(String(a.value).toLowerCase()));
        const limit = q.limit ?? all.length;
        const page = all.slice(((q.page ?? 1) - 1) * limit, (q.page ?? 1) * limit);
        // MISP answers an empty result as {"response": []}.
        return { status: 200, body: page.length ? { response: { Attribute: page } } : { response: [] } };
      },
    },
    {
      method: 'POST',
      path: '/warninglists/checkValue',
      reply: (req) => {
        const no = refused(req);
        if (no) return no;
        if (!Array.isArray(req.json)) throw new Error(`checkValue body is not a list: ${req.body}`);
        const out: Record<string, Array<{ id: string; name: string }>> = {};
        for (const v of req.json as string[]) {
          const lists = opts.warninglists?.[v];
          if (lists) out[v] = lists.map((name, i) => ({ id: String(10 + i), name }));
        }
        // PHP encodes an empty result as [].
        return { status: 200, body: Object.keys(out).length ? out : [] };
      },
    },
  ]);
  return {
    stub,
    searches: () => stub.requests.filter((r) => r.path === '/attributes/restSearch'),
    checks: () => stub.requests.filter((r) => r.path === '/warninglists/checkValue'),
  };
}

export interface HiveAlert extends Record<string, unknown> {
  _id: string;
  type: string;
  source: string;
  sourceRef: string;
}

export interface FakeHive {
  stub: Stub;
  alerts: HiveAlert[];
}

/** TheHive 5: POST /api/v1/alert (refusing duplicates of type/source/sourceRef) and the query API. */
export async function startFakeHive(opts: { key: string; organisation?: string; loseFirstCreateAnswer?: boolean }): Promise<FakeHive> {
  const alerts: HiveAlert[] = [];
  const created = fixture('thehive/alert-created.response.json');
  let lose = !!opts.loseFirstCreateAnswer;
  const refused = (req: RecordedRequest) =>
    req.headers.authorization !== `Bearer ${opts.key}` ? { status: 401, body: fixture('thehive/authentication-error.response.json') } : undefined;
  const stub = await startStub([
    {
      method: 'POST',
      path: '/api/v1/alert',
      reply: (req) => {
        const no = refused(req);
        if (no) return no;
        const a = req.json as HiveAlert;
        for (const k of ['type', 'source', 'sourceRef', 'title', 'description']) {
          if (typeof (a as Record<string, unknown>)[k] !== 'string') return { status: 400, body: { type: 'AttributeCheckingError', message: `${k} is missing` } };
        }
        if (alerts.some((x) => x.type === a.type && x.source === a.source && x.sourceRef === a.sourceRef)) {
          return {
            status: 400,
            body: { type: 'CreateError', message: `Alert ${a.type}:${a.source}:${a.sourceRef} already exist in organisation ${opts.organisation ?? 'SOC'}` },
          };
        }
        const stored: HiveAlert = { ...created, ...a, _id: `~${4096 + alerts.length * 8}`, observableCount: (a.observables as unknown[] | undefined)?.length ?? 0 };
        delete (stored as Record<string, unknown>).observables;
        alerts.push(stored);
        if (lose) {
          // The alert is created but the answer never arrives intact (a proxy error, say).
          lose = false;
          return { status: 502, body: 'Bad Gateway' };
        }
        return { status: 201, body: stored };
      },
    },
    {
      method: 'POST',
      path: '/api/v1/query',
      reply: (req) => {
        const no = refused(req);
        if (no) return no;
        const query = (req.json as { query?: Array<Record<string, unknown>> }).query ?? [];
        if ((query[0] as { _name?: string })._name !== 'listAlert') throw new Error(`unexpected query ${req.body}`);
        const filter = query.find((q) => q._name === 'filter') as { _and?: Array<{ _field: string; _value: unknown }> } | undefined;
        const hits = alerts.filter((x) => (filter?._and ?? []).every((c) => (x as Record<string, unknown>)[c._field] === c._value));
        return { status: 200, body: hits };
      },
    },
  ]);
  return { stub, alerts };
}
