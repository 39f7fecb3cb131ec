// Settings and named profiles in the XDG config dir (through `conf`), secrets in a separate
// 0600 file. Precedence: flag > environment > profile > global settings > default.
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { configDir, dataDir, type Env } from './paths.js';
import { findKey, isKnownKey, isSecretKey, KEYS } from './keys.js';
import { UsageError } from '../errors.js';

type Values = Record<string, string>;
interface ConfigFile {
  currentProfile?: string;
  global?: Values;
  profiles?: Record<string, Values>;
  categories?: string[];
}
interface SecretsFile {
  profiles?: Record<string, Values>;
}

export const DEFAULT_CATEGORIES = [
  'malware',
  'phishing',
  'intrusion',
  'recon',
  'policy-violation',
  'dos',
  'data-exfiltration',
  'account-compromise',
  'other',
];

export class Config {
  readonly dir: string;
  readonly profile: string;
  private file: ConfigFile;
  private secrets: SecretsFile | undefined;

  constructor(
    readonly env: Env,
    profile?: string,
  ) {
    this.dir = configDir(env);
    // Reading is a plain JSON parse: `conf` (and its schema validator) only loads when we write.
    this.file = readJson<ConfigFile>(join(this.dir, 'config.json')) ?? {};
    this.profile = profile || env.SOC_TICKET_PROFILE || this.file.currentProfile || 'default';
    if (profile && profile !== 'default' && !this.file.profiles?.[profile]) {
      throw new UsageError(`No profile named ${profile}.`, `Create it: soc-ticket admin profile add ${profile} --backend local`);
    }
  }

  get profiles(): string[] {
    return Object.keys(this.file.profiles ?? {});
  }

  /** env > profile > global > default. */
  get(key: string): string | undefined {
    const spec = findKey(key);
    if (spec?.env && this.env[spec.env] !== undefined && this.env[spec.env] !== '') return this.env[spec.env];
    if (isSecretKey(key)) return this.loadSecrets().profiles?.[this.profile]?.[key];
    return this.file.profiles?.[this.profile]?.[key] ?? this.file.global?.[key] ?? spec?.default;
  }

  /** Where a value came from, for `admin config list`. */
  origin(key: string): 'env' | 'profile' | 'global' | 'default' | undefined {
    const spec = findKey(key);
    if (spec?.env && this.env[spec.env]) return 'env';
    if (isSecretKey(key)) return this.loadSecrets().profiles?.[this.profile]?.[key] !== undefined ? 'profile' : undefined;
    if (this.file.profiles?.[this.profile]?.[key] !== undefined) return 'profile';
    if (this.file.global?.[key] !== undefined) return 'global';
    return spec?.default !== undefined ? 'default' : undefined;
  }

  /** Keys with a value under a prefix, e.g. `severity.wazuh.` → {'12': 'high'}. */
  withPrefix(prefix: string): Values {
    const out: Values = {};
    for (const src of [this.file.global ?? {}, this.file.profiles?.[this.profile] ?? {}]) {
      for (const [k, v] of Object.entries(src)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
    }
    return out;
  }

  entries(): Array<{ key: string; value: string | undefined; origin: string | undefined; secret: boolean }> {
    const keys = new Set<string>(KEYS.map((k) => k.key));
    for (const src of [this.file.global ?? {}, this.file.profiles?.[this.profile] ?? {}]) for (const k of Object.keys(src)) keys.add(k);
    return [...keys].sort().map((key) => ({ key, value: this.get(key), origin: this.origin(key), secret: isSecretKey(key) }));
  }

  get categories(): string[] {
    return this.file.categories ?? DEFAULT_CATEGORIES;
  }

  get dataDir(): string {
    return dataDir(this.env);
  }

  async set(key: string, value: string | undefined, scope: 'profile' | 'global' = 'profile'): Promise<void> {
    if (!isKnownKey(key)) {
      throw new UsageError(`Unknown setting ${key}.`, 'See the settings: soc-ticket admin config list');
    }
    if (isSecretKey(key)) return this.setSecret(key, value);
    await this.write((f) => {
      const target = scope === 'global' ? (f.global ??= {}) : ((f.profiles ??= {})[this.profile] ??= {});
      if (value === undefined) delete target[key];
      else target[key] = value;
    });
  }

  async addProfile(name: string, values: Values): Promise<void> {
    await this.write((f) => {
      const p = ((f.profiles ??= {})[name] ??= {});
      Object.assign(p, values);
    });
  }

  async removeProfile(name: string): Promise<void> {
    await this.write((f) => {
      delete f.profiles?.[name];
      if (f.currentProfile === name) delete f.currentProfile;
    });
    const s = this.loadSecrets();
    if (s.profiles?.[name]) {
      delete s.profiles[name];
      this.saveSecrets(s);
    }
  }

  async useProfile(name: string): Promise<void> {
    await this.write((f) => {
      f.currentProfile = name;
    });
  }

  async setCategories(categories: string[]): Promise<void> {
    await this.write((f) => {
      f.categories = categories;
    });
  }

  setSecret(key: string, value: string | undefined, profile = this.profile): void {
    const s = this.loadSecrets();
    const p = ((s.profiles ??= {})[profile] ??= {});
    if (value === undefined) delete p[key];
    else p[key] = value;
    this.saveSecrets(s);
  }

  private async write(mutate: (f: ConfigFile) => void): Promise<void> {
    const { default: Conf } = await import('conf');
    const store = new Conf<ConfigFile>({
      cwd: this.dir,
      configName: 'config',
      projectName: 'soc-ticket',
      projectSuffix: '',
      configFileMode: 0o600,
    });
    const next = structuredClone(store.store) as ConfigFile;
    mutate(next);
    store.store = next;
    this.file = next;
  }

  private loadSecrets(): SecretsFile {
    this.secrets ??= readJson<SecretsFile>(join(this.dir, 'secrets.json')) ?? {};
    return this.secrets;
  }

  private saveSecrets(s: SecretsFile): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const path = join(this.dir, 'secrets.json');
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(s, null, 2), { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, path);
    this.secrets = s;
  }
}

function readJson<T>(path: string): T | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (e) {
    throw new UsageError(`${path} is not valid JSON: ${(e as Error).message}`);
  }
}

export function maskSecret(value: string | undefined): string {
  if (!value) return '';
  return value.length <= 4 ? '****' : `****${value.slice(-4)}`;
}
