import { UsageError } from '../errors.js';

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/i;

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
  if (!LOOPBACK.test(u.hostname) && !allowInsecureHttp) {
    throw new UsageError(`${flag} ${u.origin} is plain http to a non-loopback host: passwords and session cookies would cross the network in clear.`, 'Use https, or pass --allow-insecure-http if you must.');
  }
  return u;
}
