// Which observables are worth asking a threat-intel platform about, and as which MISP types.
// Pure: no I/O. Private, reserved and documentation addresses/names never leave the host.
import { isIPv4, isIPv6 } from 'node:net';
import type { Observable } from '../domain/types.js';

export interface EnrichableObservable extends Observable {
  /** Normalised value (trimmed; lower-case where case does not matter; canonical IP text). */
  value: string;
  /** MISP attribute types this value would be stored as. */
  mispTypes: string[];
}

// ---------------------------------------------------------------- IPv4

function v4ToInt(ip: string): number {
  return ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
}

const V4_SPECIAL: Array<[string, number]> = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // CGNAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // TEST-NET-1
  ['192.31.196.0', 24], // AS112
  ['192.52.193.0', 24], // AMT
  ['192.88.99.0', 24], // 6to4 relay anycast (deprecated)
  ['192.168.0.0', 16], // private
  ['192.175.48.0', 24], // AS112 direct delegation
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // TEST-NET-2
  ['203.0.113.0', 24], // TEST-NET-3
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and 255.255.255.255 broadcast
];
const V4_RANGES = V4_SPECIAL.map(([base, bits]) => {
  const size = 2 ** (32 - bits);
  const start = v4ToInt(base);
  return [start, start + size - 1] as const;
});

export function isPublicIPv4(ip: string): boolean {
  if (!isIPv4(ip)) return false;
  const n = v4ToInt(ip);
  return !V4_RANGES.some(([a, b]) => n >= a && n <= b);
}

// ---------------------------------------------------------------- IPv6

/** Eight 16-bit groups; the caller has checked isIPv6. Handles an embedded dotted quad. */
function v6Groups(ip: string): number[] {
  let s = ip.toLowerCase();
  const pct = s.indexOf('%');
  if (pct >= 0) s = s.slice(0, pct);
  const tail4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (tail4) {
    const n = v4ToInt(tail4[1]);
    s = s.slice(0, -tail4[1].length) + `${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head, tail] = s.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined ? (tail ? tail.split(':') : []) : [];
  const fill = s.includes('::') ? new Array(8 - h.length - t.length).fill('0') : [];
  return [...h, ...fill, ...t].map((g) => parseInt(g, 16));
}

function v6Prefix(groups: number[], prefix: number[], bits: number): boolean {
  for (let i = 0; i < 8 && bits > 0; i++) {
    const take = Math.min(16, bits);
    const mask = (0xffff << (16 - take)) & 0xffff;
    if ((groups[i] & mask) !== ((prefix[i] ?? 0) & mask)) return false;
    bits -= take;
  }
  return true;
}

const V6_SPECIAL: Array<[number[], number]> = [
  [[0, 0, 0, 0, 0, 0, 0, 0], 128], // unspecified ::
  [[0, 0, 0, 0, 0, 0, 0, 1], 128], // loopback ::1
  [[0x0064, 0xff9b, 0, 0, 0, 0, 0, 0], 96], // NAT64 (checked via embedded v4 below)
  [[0x0064, 0xff9b, 0x0001], 48], // local-use NAT64
  [[0x0100], 64], // discard-only
  [[0x2001, 0x0000], 32], // Teredo
  [[0x2001, 0x0002, 0x0000], 48], // benchmarking
  [[0x2001, 0x0010], 28], // ORCHID (deprecated)
  [[0x2001, 0x0020], 28], // ORCHIDv2
  [[0x2001, 0x0db8], 32], // documentation
  [[0x3fff, 0x0000], 20], // documentation (RFC 9637)
  [[0x5f00], 16], // SRv6 SIDs
  [[0xfc00], 7], // unique local
  [[0xfe80], 10], // link-local
  [[0xfec0], 10], // site-local (deprecated)
  [[0xff00], 8], // multicast
];

export function isPublicIPv6(ip: string): boolean {
  if (!isIPv6(ip)) return false;
  const g = v6Groups(ip);
  // IPv4-mapped ::ffff:a.b.c.d, IPv4-compatible ::a.b.c.d, NAT64 64:ff9b::a.b.c.d: judge the IPv4.
  const embedded = (hi: number, lo: number) => `${hi >>> 8}.${hi & 0xff}.${lo >>> 8}.${lo & 0xff}`;
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return isPublicIPv4(embedded(g[6], g[7]));
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return isPublicIPv4(embedded(g[6], g[7]));
  if (g.slice(0, 6).every((x) => x === 0)) return false; // ::/96 (deprecated compat, ::, ::1)
  // 6to4 2002:V4ADDR::/48 carries an IPv4 too.
  if (g[0] === 0x2002) return isPublicIPv4(embedded(g[1], g[2]));
  if (V6_SPECIAL.some(([p, bits]) => v6Prefix(g, p, bits))) return false;
  // Only global unicast 2000::/3 is routable on the Internet.
  return (g[0] & 0xe000) === 0x2000;
}

function canonicalV6(ip: string): string {
  const g = v6Groups(ip);
  // RFC 5952: compress the longest run (>= 2) of zero groups, lower-case hex.
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/** True for an address that can be looked up outside: public unicast v4 or v6. */
export function isPublicIp(ip: string): boolean {
  const s = stripBrackets(ip.trim());
  return isIPv4(s) ? isPublicIPv4(s) : isPublicIPv6(s);
}

function stripBrackets(s: string): string {
  return s.startsWith('[') && s.endsWith(']') ? s.slice(1, -1) : s;
}

// ---------------------------------------------------------------- names

// RFC 2606 / 6761 / 6762 / 8375 special-use names, plus common internal suffixes.
const RESERVED_SUFFIXES = [
  'example',
  'invalid',
  'localhost',
  'test',
  'local',
  'onion',
  'internal',
  'intranet',
  'lan',
  'home',
  'corp',
  'localdomain',
  'home.arpa',
  'in-addr.arpa',
  'ip6.arpa',
  'example.com',
  'example.net',
  'example.org',
];

const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

export function isPublicDomain(name: string): boolean {
  const d = name.trim().toLowerCase().replace(/\.$/, '');
  if (!d || d.length > 253 || !d.includes('.')) return false; // single-label names are internal
  const labels = d.split('.');
  if (!labels.every((l) => LABEL.test(l) || /^xn--[a-z0-9-]+$/.test(l))) return false;
  if (/^\d+$/.test(labels[labels.length - 1])) return false; // looks like an IP, not a name
  return !RESERVED_SUFFIXES.some((sfx) => d === sfx || d.endsWith(`.${sfx}`));
}

function hostIsPublic(host: string): boolean {
  const h = stripBrackets(host);
  if (isIPv4(h) || isIPv6(h)) return isPublicIp(h);
  return isPublicDomain(h);
}

// ---------------------------------------------------------------- per type

function hashType(v: string): string | undefined {
  if (!/^[0-9a-f]+$/.test(v)) return undefined;
  return { 32: 'md5', 40: 'sha1', 64: 'sha256', 128: 'sha512' }[v.length];
}

function normalise(o: Observable): EnrichableObservable | undefined {
  const raw = String(o.value ?? '').trim();
  if (!raw) return undefined;
  switch (o.type) {
    case 'ip': {
      const s = stripBrackets(raw);
      if (isIPv4(s)) {
        // Leading zeros are ambiguous (octal in some parsers); isIPv4 already rejects them.
        return isPublicIPv4(s) ? { type: 'ip', value: s, mispTypes: ['ip-src', 'ip-dst'] } : undefined;
      }
      if (isIPv6(s)) {
        return isPublicIPv6(s) ? { type: 'ip', value: canonicalV6(s), mispTypes: ['ip-src', 'ip-dst'] } : undefined;
      }
      return undefined;
    }
    case 'domain': {
      const d = raw.toLowerCase().replace(/\.$/, '');
      if (isIPv4(d) || isIPv6(stripBrackets(d))) return normalise({ type: 'ip', value: d });
      return isPublicDomain(d) ? { type: 'domain', value: d, mispTypes: ['domain', 'hostname'] } : undefined;
    }
    case 'url': {
      let u: URL;
      try {
        u = new URL(raw);
      } catch {
        return undefined;
      }
      if (!/^(https?|ftp|wss?):$/.test(u.protocol)) return undefined;
      if (!hostIsPublic(u.hostname)) return undefined;
      return { type: 'url', value: raw, mispTypes: ['url', 'link'] };
    }
    case 'hash': {
      const h = raw.toLowerCase();
      const t = hashType(h);
      return t ? { type: 'hash', value: h, mispTypes: [t] } : undefined;
    }
    case 'email': {
      const m = /^([^@\s]+)@([^@\s]+)$/.exec(raw);
      if (!m) return undefined;
      const domain = m[2].toLowerCase();
      if (!hostIsPublic(domain)) return undefined;
      return { type: 'email', value: `${m[1]}@${domain}`, mispTypes: ['email-src', 'email-dst', 'email'] };
    }
    default:
      // 'user' and anything unknown: not a threat-intel indicator.
      return undefined;
  }
}

/**
 * The observables worth a MISP lookup: deduplicated (on normalised value), internal and special
 * ranges/names dropped, each with the MISP types it maps to. Input order is kept.
 */
export function enrichableObservables(obs: Observable[]): EnrichableObservable[] {
  const out: EnrichableObservable[] = [];
  const seen = new Set<string>();
  for (const o of obs) {
    const n = normalise(o);
    if (!n) continue;
    const key = `${n.type}\u0000${n.value}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(n);
  }
  return out;
}
