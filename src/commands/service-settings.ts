// Profile settings shared by the MISP, Kibana and TheHive commands: CA files and durations,
// each refusal naming the setting to fix.
import { readFileSync } from 'node:fs';
import type { Config } from '../config/config.js';
import { parseDuration } from '../config/duration.js';
import { UsageError } from '../errors.js';

/** PEM text of the CA file a `*.ca` setting names, or undefined when unset. */
export function readCaSetting(cfg: Config, key: string): string | undefined {
  const path = cfg.get(key);
  if (!path) return undefined;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`${key} names ${path}, which cannot be read (${code === 'ENOENT' ? 'no such file' : (code ?? 'error')}).`);
  }
  if (!/-----BEGIN CERTIFICATE-----/.test(text)) {
    throw new UsageError(`${key} names ${path}, which is not a PEM certificate (no "BEGIN CERTIFICATE" block).`);
  }
  return text;
}

/** A duration setting in milliseconds (its default applies when unset). */
export function durationSetting(cfg: Config, key: string, fallback: string): number {
  return parseDuration(cfg.get(key) ?? fallback, key);
}
