import { UsageError } from '../errors.js';

const UNITS: Record<string, number> = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3 };

/** `90s`, `15m`, `24h`, `2d`, `1w` → milliseconds. */
export function parseDuration(text: string, flag = 'duration'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$/i.exec(text);
  if (!m) throw new UsageError(`${flag} "${text}" is not a duration; use e.g. 30m, 24h, 2d or 1w.`);
  return Number(m[1]) * UNITS[m[2].toLowerCase()];
}
