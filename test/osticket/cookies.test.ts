// The session's cookie jar follows RFC 6265 on expiry: Max-Age wins over Expires.
import { describe, expect, it } from 'vitest';
import { CookieJar } from '../../src/backends/osticket/session.js';

describe('CookieJar', () => {
  it('keeps a cookie whose Max-Age is live even when its Expires date has passed (clock skew)', () => {
    const jar = new CookieJar();
    jar.absorb('OSTSESSID=abc; expires=Fri, 04 Dec 2020 06:19:26 GMT; Max-Age=1440; path=/osticket/; HttpOnly');
    expect(jar.header()).toBe('OSTSESSID=abc');
  });

  it('drops a cookie on Max-Age=0, on a past Expires without Max-Age, and on "deleted"', () => {
    const jar = new CookieJar();
    jar.absorb(['a=1', 'b=2', 'c=3', 'd=4']);
    jar.absorb(['a=1; Max-Age=0', 'b=2; expires=Thu, 01 Jan 1970 00:00:01 GMT', 'c=deleted']);
    expect(jar.header()).toBe('d=4');
  });
});
