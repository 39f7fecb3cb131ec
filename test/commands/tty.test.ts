// The same commands on a terminal and in a pipe: prompts only on a TTY, tables vs TSV, colour
// rules, and attacker-controlled alert text that must never reach a terminal raw.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sandbox, type Sandbox } from '../helpers/cli.js';

let sb: Sandbox;
const ESC = '\x1b';

// Titles and fields crafted to attack a terminal: colour/cursor CSI, an OSC 8 hyperlink, an
// OSC 52 clipboard write, a title change, DCS, C1 CSI, a bidi override, NUL and CR tricks.
const HOSTILE = {
  title: `Login ${ESC}[2J${ESC}[31mFAILED${ESC}[0m ${ESC}]8;;https://evil.example/${ESC}\\click${ESC}]8;;${ESC}\\`,
  severity: 'high',
  description: `line1\r${ESC}]52;c;ZXZpbA==\x07${ESC}]0;pwned\x07${ESC}P1$r${ESC}\\\x9b31m\u202etxt.exe\x00end`,
  host: `ws-1${ESC}[1A${ESC}[K`,
  src_ip: '203.0.113.7',
  dedup_key: 'hostile-1',
};

async function ingestHostile() {
  const r = await sb.run(['ingest', '-'], { stdin: JSON.stringify(HOSTILE) + '\n' });
  expect(r.code).toBe(0);
}

function assertClean(text: string) {
  expect(text).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]/);
}

beforeEach(() => {
  sb = sandbox({ SOC_TICKET_USER: 'ana' }); // no role file: lab mode, ana acts as lead
});
afterEach(() => sb.cleanup());

describe('output modes', () => {
  it('a table on a TTY, TSV in a pipe, JSON with --json', async () => {
    await ingestHostile();
    const tty = await sb.run(['list'], { tty: true, env: { NO_COLOR: '1' } });
    expect(tty.stdout).toMatch(/┌.*┐/);
    expect(tty.stdout).toContain('ID');
    const pipe = await sb.run(['list']);
    expect(pipe.stdout.split('\n')[0]).toBe('id\tstage\tseverity\ttitle\tcategory\tassignee\tseen\tupdated');
    expect(pipe.stdout.split('\n')[1].split('\t')[7]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/); // absolute times for scripts
    const j = JSON.parse((await sb.run(['list', '--json'])).stdout);
    expect(j[0].title).toBe(HOSTILE.title); // JSON carries the data as it is, escaped by JSON itself
  });

  it('colour only on a terminal, off for NO_COLOR, --no-color and TERM=dumb, forced by FORCE_COLOR', async () => {
    await ingestHostile();
    const sgr = /\x1b\[\d+m/;
    expect((await sb.run(['list'], { tty: true })).stdout).toMatch(sgr);
    expect((await sb.run(['list'], { tty: true, env: { NO_COLOR: '1' } })).stdout).not.toMatch(sgr);
    expect((await sb.run(['--no-color', 'list'], { tty: true })).stdout).not.toMatch(sgr);
    expect((await sb.run(['list'], { tty: true, env: { TERM: 'dumb' } })).stdout).not.toMatch(sgr);
    expect((await sb.run(['show', '1'])).stdout).not.toMatch(sgr);
    expect((await sb.run(['show', '1'], { env: { FORCE_COLOR: '1' } })).stdout).toMatch(sgr);
  });
});

describe('hostile alert text', () => {
  it('never reaches the terminal raw: table, TSV, show, messages', async () => {
    await ingestHostile();
    const tty = await sb.run(['list'], { tty: true, env: { NO_COLOR: '1' } });
    assertClean(tty.stdout);
    expect(tty.stdout).toContain('Login FAILED click');
    assertClean((await sb.run(['list'])).stdout);
    const show = await sb.run(['show', '1', '--raw'], { tty: true, env: { NO_COLOR: '1' } });
    assertClean(show.stdout.replace(/\n/g, ''));
    expect(show.stdout).toContain('txt.exeend');
    expect(show.stdout).not.toContain('evil.example/\x1b');
    const triage = await sb.run(['triage', '1', '--severity', 'high', '--category', 'malware', '--verdict', 'true-positive']);
    assertClean(triage.stderr);
    assertClean(triage.stdout);
  });
});

describe('prompts', () => {
  it('asks for the missing triage fields on a terminal', async () => {
    await ingestHostile();
    // first choice of each list: severity low, category malware, verdict true-positive
    const r = await sb.run(['triage', '1', '--json'], { tty: true, keys: ['\r', '\r', '\r'], env: { NO_COLOR: '1' } });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ stage: 'triaged', severity: 'low', category: 'malware', verdict: 'true-positive' });
    expect(r.stderr).toContain('Severity of #1');
  });

  it('never prompts with --no-input or SOC_TICKET_NO_INPUT=1, even on a terminal', async () => {
    await ingestHostile();
    for (const run of [
      () => sb.run(['--no-input', 'triage', '1'], { tty: true }),
      () => sb.run(['triage', '1'], { tty: true, env: { SOC_TICKET_NO_INPUT: '1' } }),
    ]) {
      const r = await run();
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('Missing --severity, --category, --verdict: input is switched off');
    }
  });

  it('close with no ids on a terminal offers the resolved tickets, then confirms', async () => {
    for (const key of ['a', 'b']) {
      await sb.run(['ingest', '-'], { stdin: JSON.stringify({ title: `alert ${key}`, severity: 'low', dedup_key: key }) });
    }
    for (const id of ['1', '2']) {
      await sb.run(['triage', id, '--severity', 'low', '--category', 'recon', '--verdict', 'benign']);
      await sb.run(['resolve', id, '--summary', 'benign'], { env: { SOC_TICKET_USER: 'bob' } }); // lab mode: bob is a lead too
    }
    // select the first, submit; confirm with y
    const r = await sb.run(['close', '--json'], { tty: true, keys: [' ', '\r', 'y', '\r'], env: { NO_COLOR: '1' } });
    expect(r.stderr).toContain('Approve the closure of');
    expect(r.stderr).toContain('resolved by bob');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.results.map((x: { id: string; action: string }) => [x.id, x.action])).toEqual([['1', 'closed']]);
  });

  it('declining the confirmation closes nothing', async () => {
    await sb.run(['ingest', '-'], { stdin: JSON.stringify({ title: 'x', severity: 'low', dedup_key: 'x' }) });
    await sb.run(['triage', '1', '--severity', 'low', '--category', 'recon', '--verdict', 'benign']);
    await sb.run(['resolve', '1', '--summary', 'benign'], { env: { SOC_TICKET_USER: 'bob' } });
    const r = await sb.run(['close', '1'], { tty: true, keys: ['n', '\r'], env: { NO_COLOR: '1' } });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Nothing closed.');
    expect(JSON.parse((await sb.run(['show', '1', '--json'])).stdout).stage).toBe('resolved');
  });

  it('says lab mode once', async () => {
    const first = await sb.run(['list']);
    expect(first.stderr).toContain('single-user lab mode');
    const second = await sb.run(['list']);
    expect(second.stderr).not.toContain('lab mode');
  });
});

describe('stdin on a terminal', () => {
  it('ingest with stdin a terminal explains instead of hanging', async () => {
    const r = await sb.run(['ingest'], { tty: true });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('stdin is a terminal');
  });
});
