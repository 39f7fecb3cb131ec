// Completion scripts are generated from the commander tree; the copies in completions/ must
// match, and every command and flag must be completable.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildProgram } from '../src/cli.js';
import { completionScript, walk, type Shell } from '../src/completion/generate.js';
import { processIO } from '../src/ui/io.js';

const program = buildProgram({ io: processIO(), code: 0 });
const nodes = walk(program);
const FILES: Record<Shell, string> = { bash: 'soc-ticket.bash', zsh: '_soc-ticket', fish: 'soc-ticket.fish' };

describe('completions', () => {
  for (const shell of ['bash', 'zsh', 'fish'] as Shell[]) {
    const script = completionScript(program, shell);

    it(`${shell}: completions/${FILES[shell]} is up to date (npm run completions)`, () => {
      expect(readFileSync(join(__dirname, '..', 'completions', FILES[shell]), 'utf8')).toBe(script);
    });

    it(`${shell}: names every command and every flag`, () => {
      for (const n of nodes) {
        for (const child of n.children) expect(script, `${shell} lacks command ${[...n.path, child].join(' ')}`).toContain(child);
        for (const o of n.options) {
          const long = o.flags.find((f) => f.startsWith('--'))!;
          const word = shell === 'fish' ? `-l ${long.slice(2)}` : long;
          expect(script, `${shell} lacks ${word} of ${n.path.join(' ') || 'soc-ticket'}`).toContain(word);
        }
      }
    });
  }

  it('knows the whole command tree of the brief', () => {
    const commands = nodes.map((n) => n.path.join(' '));
    for (const c of ['ingest', 'list', 'show', 'triage', 'assign', 'resolve', 'close', 'reopen', 'note', 'whoami', 'login', 'completion', 'admin users add', 'admin teams list', 'admin categories add', 'admin config set', 'admin doctor']) {
      expect(commands).toContain(c);
    }
  });
});
