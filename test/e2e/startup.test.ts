// `--version` and `--help` must stay cheap: they load commander and nothing heavy. A resolve
// hook records every module the process imports.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT } from '../helpers/e2e.js';

const HEAVY = /node_modules\/(@inquirer|got|ora|better-sqlite3|cli-table3|conf)\//;

function importsOf(args: string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'soc-ticket-imports-'));
  const file = join(dir, 'imports.txt');
  try {
    const r = spawnSync(process.execPath, ['--import', join(ROOT, 'test/fixtures/loader/trace-imports.mjs'), BIN, ...args], {
      env: { PATH: process.env.PATH, HOME: dir, TRACE_IMPORTS_FILE: file },
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    return readFileSync(file, 'utf8').trim().split('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('start-up', () => {
  it('--version prints package.json\'s version (src/version.ts is kept in step)', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    const r = spawnSync(process.execPath, [BIN, '--version'], { encoding: 'utf8' });
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  for (const args of [['--version'], ['--help'], ['close', '--help']]) {
    it(`${args.join(' ')} imports none of inquirer, got, ora, better-sqlite3, cli-table3, conf`, () => {
      const urls = importsOf(args);
      expect(urls.some((u) => u.endsWith('/dist/version.js'))).toBe(true); // the hook saw imports
      expect(urls.filter((u) => HEAVY.test(u))).toEqual([]);
    });
  }

  it('a piped list loads the store but no prompt, HTTP, spinner, table or colour library', () => {
    const urls = importsOf(['list']);
    expect(urls.some((u) => u.includes('better-sqlite3'))).toBe(true);
    expect(urls.filter((u) => /node_modules\/(@inquirer|got|ora|cli-table3|chalk)\//.test(u))).toEqual([]);
  });
});
