import { isIP } from 'node:net';
import { UsageError } from '../errors.js';

/** localhost, *.localhost, 127.0.0.0/8 and ::1 (with or without URL brackets). */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost') || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/** HTTPS everywhere; plain http only to loopback unless explicitly allowed. */
export function checkUrlPolicy(url: string, allowInsecureHttp: boolean, flag: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`${flag} "${url}" is not a URL.`);
  }
  if (u.protocol === 'https:') return u;
  if (u.protocol !== 'http:') throw new UsageError(`${flag} must be https:// (or http:// to loopback).`);
  if (!isLoopbackHost(u.hostname) && !allowInsecureHttp) {
    throw new UsageError(`${flag} ${u.origin} is plain http to a non-loopback host: passwords and session cookies would cross the network in clear.`, 'Use https, or pass --allow-insecure-http if you must.');
  }
  return u;
}
