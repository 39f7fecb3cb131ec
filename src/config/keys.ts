// Every setting soc-ticket knows, declared once: drives `admin config`, env overrides and docs.
export interface KeySpec {
  key: string;
  description: string;
  env?: string;
  secret?: boolean;
  default?: string;
}

export const KEYS: KeySpec[] = [
  { key: 'backend', description: 'local (embedded SQLite) or osticket', env: 'SOC_TICKET_BACKEND', default: 'local' },
  { key: 'db', description: 'embedded store file', env: 'SOC_TICKET_DB' },
  { key: 'dedup.window', description: 'repeats within this window fold into one ticket', env: 'SOC_TICKET_DEDUP_WINDOW', default: '24h' },
  { key: 'ingest.maxObjectBytes', description: 'largest alert object accepted', default: '1048576' },
  { key: 'ingest.rejects', description: 'where rejected input is kept (default under the data dir)' },
  { key: 'osticket.url', description: 'osTicket base URL, e.g. https://help.example.org/' },
  { key: 'osticket.ca', description: 'PEM file of a lab CA for osTicket' },
  { key: 'osticket.allowInsecureHttp', description: 'allow plain http to a non-loopback osTicket', default: 'false' },
  { key: 'osticket.apiKey', description: 'osTicket API key (ticket creation)', env: 'SOC_TICKET_OSTICKET_API_KEY', secret: true },
  { key: 'osticket.username', description: 'agent user name', env: 'SOC_TICKET_OSTICKET_USER' },
  { key: 'osticket.password', description: 'agent password', env: 'SOC_TICKET_OSTICKET_PASSWORD', secret: true },
  { key: 'osticket.mapping', description: 'osTicket ids and names (statuses, priorities, topics, agents, teams) written by admin osticket setup' },
  { key: 'osticket.requester', description: 'requester of API-created tickets, "Name <email>"', default: 'soc-ticket <soc-ticket@localhost.localdomain>' },
  { key: 'osticket.defaultCategory', description: 'category (help topic) for alerts without one' },
  { key: 'osticket.concurrency', description: 'parallel osTicket requests for ingest and bulk changes', default: '8' },
  { key: 'osticket.timeout', description: 'osTicket request timeout in ms', default: '15000' },
  { key: 'misp.url', description: 'MISP base URL', env: 'SOC_TICKET_MISP_URL' },
  { key: 'misp.apiKey', description: 'MISP automation key', env: 'SOC_TICKET_MISP_KEY', secret: true },
  { key: 'misp.ca', description: 'PEM file of a CA for MISP' },
  { key: 'misp.cacheTtl', description: 'how long MISP answers are cached', default: '6h' },
  { key: 'misp.timeout', description: 'per-request timeout for MISP', default: '15s' },
  { key: 'thehive.url', description: 'TheHive 5 base URL', env: 'SOC_TICKET_THEHIVE_URL' },
  { key: 'thehive.apiKey', description: 'TheHive API key', env: 'SOC_TICKET_THEHIVE_KEY', secret: true },
  { key: 'thehive.ca', description: 'PEM file of a CA for TheHive' },
  { key: 'thehive.tlp', description: 'TLP of escalated alerts (0-4)', default: '2' },
  { key: 'thehive.pap', description: 'PAP of escalated alerts (0-3)', default: '2' },
  { key: 'thehive.source', description: 'source of escalated alerts; with the ticket number it identifies them (one per soc-ticket installation)', default: 'soc-ticket' },
  { key: 'thehive.organisation', description: 'TheHive organisation (X-Organisation), when the key has several' },
  { key: 'kibana.url', description: 'Kibana base URL; --kibana-report URLs must be on it (the credentials go nowhere else)' },
  { key: 'kibana.username', description: 'Kibana user for reports (basic auth)' },
  { key: 'kibana.password', description: 'Kibana password', env: 'SOC_TICKET_KIBANA_PASSWORD', secret: true },
  { key: 'kibana.apiKey', description: 'Kibana API key (instead of basic auth)', env: 'SOC_TICKET_KIBANA_API_KEY', secret: true },
  { key: 'kibana.ca', description: 'PEM file of a CA for Kibana' },
  { key: 'kibana.pollInterval', description: 'between polls of a Kibana report job', default: '3s' },
  { key: 'kibana.maxWait', description: 'give up on a Kibana report not ready after this long', default: '5m' },
];

/** Families of keys whose last part is free: severity maps, generic field paths, category → topic. */
export const KEY_PREFIXES = ['severity.', 'generic.', 'topics.'];

export function findKey(key: string): KeySpec | undefined {
  return KEYS.find((k) => k.key === key);
}

export function isKnownKey(key: string): boolean {
  return !!findKey(key) || KEY_PREFIXES.some((p) => key.startsWith(p) && key.length > p.length);
}

export function isSecretKey(key: string): boolean {
  return !!findKey(key)?.secret;
}
