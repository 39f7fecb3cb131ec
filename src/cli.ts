// The command tree. Each command's module is imported in its action, so `--version` and
// `--help` load commander and nothing else.
import { createRequire } from 'node:module';
import type * as CommanderModule from 'commander';
import { colorEnabled, processIO, type IO } from './ui/io.js';
import type { Ctx, Globals } from './context.js';
import { CliError, EXIT } from './errors.js';
import { VERSION } from './version.js';

// commander is CommonJS: require() skips the ESM wrapper's scan of its source for named exports,
// ~3 ms of every start-up (bench/startup).
const { Argument, Command, Option, CommanderError } = createRequire(import.meta.url)('commander') as typeof CommanderModule;
type Command = CommanderModule.Command;

type Run = (ctx: Ctx, ...args: any[]) => Promise<number | void>;

type Loader = () => Promise<Record<string, unknown>>;

/**
 * The action of a lazily loaded command: `load` imports its module under commands/, whose
 * export `fn` does the work. Literal import() calls (not a template) keep every module visible
 * to the compiler and to test tooling.
 */
function lazy(state: { ctx?: Ctx; io: IO; code: number }, load: Loader, fn = 'run') {
  return async (...args: any[]) => {
    const cmd = args[args.length - 1] as Command;
    const g = cmd.optsWithGlobals() as Record<string, unknown>;
    const globals: Globals = {
      json: !!g.json,
      profile: g.profile as string | undefined,
      input: g.input !== false,
      yes: !!g.yes,
      color: g.color !== false,
    };
    // Loaded here, not at the top: --help and --version never need config, store or colours.
    const [{ createContext }, { loadColor }] = await Promise.all([import('./context.js'), import('./ui/color.js')]);
    if (colorEnabled(state.io, !globals.color)) await loadColor();
    state.ctx = createContext(state.io, globals);
    const mod = (await load()) as Record<string, Run>;
    const code = await mod[fn](state.ctx, ...args.slice(0, -1));
    state.code = typeof code === 'number' ? code : EXIT.ok;
  };
}

const EXAMPLES = `
Examples:
  $ soc-ticket ingest alerts.ndjson            # alerts become tickets (stdin when no file)
  $ soc-ticket list --stage new                # the triage queue
  $ soc-ticket triage 12 --severity high --category malware --verdict true-positive
  $ soc-ticket assign 12 --to me
  $ soc-ticket resolve 12 --summary "Host isolated, hash blocked" --attach edr.log
  $ soc-ticket close --all-resolved --older-than 1d --yes

Environment: SOC_TICKET_USER, SOC_TICKET_PROFILE, SOC_TICKET_DB, SOC_TICKET_ROLES_FILE,
  SOC_TICKET_NO_INPUT, NO_COLOR, FORCE_COLOR, SOC_TICKET_DEBUG (see README).
Exit codes: 0 ok, 1 unexpected, 2 usage, 3 partial, 4 role, 5 workflow, 6 backend, 130 interrupted.`;

export function buildProgram(state: { ctx?: Ctx; io: IO; code: number }): Command {
  const io = state.io;
  const program = new Command('soc-ticket')
    .description('Work SOC incident tickets: ingest → triage → assign → resolve → close.')
    .version(VERSION, '-V, --version')
    .option('--json', 'print JSON (every command)')
    .option('--profile <name>', 'use this configuration profile (env SOC_TICKET_PROFILE)')
    .option('--no-input', 'never prompt (env SOC_TICKET_NO_INPUT=1)')
    .option('-y, --yes', 'answer yes to confirmations (for scripts)')
    .option('--no-color', 'no colour (also NO_COLOR, TERM=dumb, non-TTY)')
    .addHelpText('after', EXAMPLES)
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });
  const L = (load: Loader, fn?: string) => lazy(state, load, fn);
  const collect = (v: string, prev: string[] = []) => [...prev, v];

  program
    .command('ingest')
    .description('turn alerts into tickets (files, - for stdin, or a webhook listener)')
    .argument('[files...]', 'alert files (NDJSON, JSON array, .gz); - or none for stdin')
    .addOption(new Option('--format <name>', 'skip detection: treat every object as this format').choices([
      'soc-ticket', 'wazuh', 'wazuh5', 'suricata', 'elastic', 'splunk', 'alertmanager', 'graylog', 'generic',
    ]))
    .option('--dry-run', 'show each normalised alert and its fate; write nothing')
    .option('--rejects <file>', 'where rejected input is kept')
    .option('--max-new-per-minute <n>', 'flood control: past this, new tickets wait in the outbox')
    .option('--dedup-window <duration>', 'fold repeats seen within this window (default 24h)')
    .option('--retry', 'deliver the outbox and stop')
    .option('--listen <addr>', 'run a webhook receiver on HOST:PORT')
    .option('--token-file <file>', 'bearer token for the webhook receiver (env SOC_TICKET_WEBHOOK_TOKEN)')
    .option('--tls-cert <file>', 'TLS certificate for the receiver')
    .option('--tls-key <file>', 'TLS key for the receiver')
    .option('--max-body <bytes>', 'webhook body size limit', '5242880')
    .action(L(() => import('./commands/ingest.js')));

  program
    .command('list')
    .alias('ls')
    .description('list tickets')
    .option('--stage <stages>', 'new, triaged, assigned, resolved, closed, open (comma-separated)')
    .option('--severity <list>', 'low, normal, high, emergency (comma-separated)')
    .option('--assignee <user>', 'USER, team:NAME or me')
    .option('--category <c>', 'category')
    .option('--since <duration>', 'created within, e.g. 2d')
    .option('--search <text>', 'text in title, host, IPs, rule, summary')
    .addOption(new Option('--sort <field>', 'sort by').choices(['id', 'created', 'updated', 'severity', 'stage']).default('id'))
    .option('--desc', 'descending order')
    .option('--limit <n>', 'at most N tickets', '100')
    .option('--all', 'include closed tickets')
    .action(L(() => import('./commands/list.js')));

  program.command('show').description('a ticket with its audit trail').argument('<id>', 'ticket id or number').option('--raw', 'print the raw alert(s) too').action(L(() => import('./commands/show.js')));

  program
    .command('triage')
    .description('verify and categorise a new ticket')
    .argument('<id>', 'ticket id or number')
    .addOption(new Option('--severity <s>', 'severity').choices(['low', 'normal', 'high', 'emergency']))
    .option('--category <c>', 'category (soc-ticket admin categories list)')
    .addOption(new Option('--verdict <v>', 'verdict').choices(['true-positive', 'false-positive', 'benign']))
    .option('--note <text>', 'analysis note')
    .option('--enrich', 'look the observables up in MISP')
    .action(L(() => import('./commands/triage.js')));

  program
    .command('assign')
    .description('hand a triaged ticket to an analyst or a team (--to me claims it)')
    .argument('<id>', 'ticket id or number')
    .option('--to <who>', 'USER, team:NAME or me')
    .action(L(() => import('./commands/assign.js')));

  program
    .command('resolve')
    .description('document the resolution of your ticket')
    .argument('<id>', 'ticket id or number')
    .option('--summary <text>', 'actions taken and analysis (- reads stdin)')
    .option('--attach <file>', 'evidence file (repeatable)', collect)
    .option('--kibana-report <url>', 'attach a Kibana report (its POST URL)')
    .action(L(() => import('./commands/resolve.js')));

  program
    .command('close')
    .description('approve the closure of resolved tickets (bulk)')
    .argument('[ids...]', 'ticket ids; - reads ids from stdin; none on a terminal to pick')
    .option('--all-resolved', 'every resolved ticket (with the filters below)')
    .option('--category <c>', 'with --all-resolved: only this category')
    .option('--older-than <duration>', 'with --all-resolved: resolved at least this long ago')
    .option('--comment <text>', 'approval comment recorded on each ticket')
    .option('--override-four-eyes', 'approve tickets you resolved yourself (needs --reason)')
    .option('--reason <text>', 'why the four-eyes rule is overridden')
    .option('--dry-run', 'show what would be closed')
    .option('--concurrency <n>', 'parallel requests on remote backends', '8')
    .action(L(() => import('./commands/close.js')));

  program.command('reopen').description('reopen a resolved or closed ticket').argument('<id>', 'ticket id or number').option('--reason <text>', 'why').action(L(() => import('./commands/reopen.js')));

  program
    .command('note')
    .description('add an internal note (with evidence)')
    .argument('<id>', 'ticket id or number')
    .option('-m, --message <text>', 'the note (- reads stdin)')
    .option('--attach <file>', 'evidence file (repeatable)', collect)
    .option('--kibana-report <url>', 'attach a Kibana report (its POST URL)')
    .action(L(() => import('./commands/note.js')));

  program
    .command('enrich')
    .description('look up a ticket\'s observables in MISP and record the result')
    .argument('<id>', 'ticket id or number')
    .option('--refresh', 'ask MISP again even for values with a fresh cached answer')
    .action(L(() => import('./commands/enrich.js')));

  program
    .command('escalate')
    .description('escalate a ticket to TheHive as an alert (idempotent)')
    .argument('<id>', 'ticket id or number')
    .addOption(new Option('--to <target>', 'where').choices(['thehive']).default('thehive'))
    .action(L(() => import('./commands/escalate.js')));

  program.command('whoami').description('who you are, your role and backend').action(L(() => import('./commands/whoami.js')));
  program.command('login').description('log in to osTicket as an agent and keep the session').option('--username <name>', 'agent user name').option('--password-stdin', 'read the password from stdin').action(L(() => import('./commands/login.js'), 'login'));
  program.command('logout').description('forget the osTicket session').action(L(() => import('./commands/login.js'), 'logout'));

  const admin = program.command('admin').description('users, teams, categories, configuration, profiles, health');
  const users = admin.command('users').description('who has which role');
  users.command('add').argument('<name>').addOption(new Option('--role <role>', 'role').choices(['analyst', 'lead', 'bot']).makeOptionMandatory()).action(L(() => import('./commands/admin/users.js'), 'add'));
  users.command('remove').argument('<name>').action(L(() => import('./commands/admin/users.js'), 'remove'));
  users.command('list').action(L(() => import('./commands/admin/users.js'), 'list'));
  const teams = admin.command('teams').description('teams of analysts');
  teams.command('add').argument('<name>').option('--members <users>', 'comma-separated user names').action(L(() => import('./commands/admin/teams.js'), 'add'));
  teams.command('remove').argument('<name>').action(L(() => import('./commands/admin/teams.js'), 'remove'));
  teams.command('list').action(L(() => import('./commands/admin/teams.js'), 'list'));
  const cats = admin.command('categories').description('triage categories');
  cats.command('add').argument('<name>').option('--topic <id>', 'osTicket help topic id for this category').action(L(() => import('./commands/admin/categories.js'), 'add'));
  cats.command('remove').argument('<name>').action(L(() => import('./commands/admin/categories.js'), 'remove'));
  cats.command('list').action(L(() => import('./commands/admin/categories.js'), 'list'));
  const config = admin.command('config').description('settings (flag > env > profile > global > default)');
  config.command('get').argument('<key>').action(L(() => import('./commands/admin/config.js'), 'get'));
  config.command('set').argument('<key>').argument('[value]', 'value; secrets are read from a prompt or stdin, never from here').option('--global', 'set for every profile').option('--stdin', 'read the value from stdin').action(L(() => import('./commands/admin/config.js'), 'set'));
  config.command('unset').argument('<key>').option('--global', 'unset the global value').action(L(() => import('./commands/admin/config.js'), 'unset'));
  config.command('list').action(L(() => import('./commands/admin/config.js'), 'list'));
  const profile = admin.command('profile').description('named backends');
  profile
    .command('add')
    .argument('<name>')
    .addOption(new Option('--backend <b>', 'backend').choices(['local', 'osticket']).default('local'))
    .option('--url <url>', 'osTicket URL')
    .option('--ca <file>', 'PEM file of a lab CA')
    .option('--db <file>', 'embedded store file')
    .option('--allow-insecure-http', 'allow http:// to a non-loopback host')
    .option('--with-key <src>', 'read the osTicket API key from - (stdin)')
    .option('--use', 'make it the current profile')
    .action(L(() => import('./commands/admin/profile.js'), 'add'));
  profile.command('list').action(L(() => import('./commands/admin/profile.js'), 'list'));
  profile.command('use').argument('<name>').action(L(() => import('./commands/admin/profile.js'), 'use'));
  profile.command('remove').argument('<name>').action(L(() => import('./commands/admin/profile.js'), 'remove'));
  admin.command('doctor').description('check the installation, store and configuration').action(L(() => import('./commands/admin/doctor.js')));
  const ost = admin.command('osticket').description('osTicket set-up for this profile');
  ost.command('setup').description('create missing statuses and read ids into the profile (osTicket admin)').action(L(() => import('./commands/admin/osticket.js'), 'setup'));
  ost.command('check').description('verify the profile end to end and say what to fix').action(L(() => import('./commands/admin/osticket.js'), 'check'));

  program
    .command('completion')
    .description('print a shell completion script')
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(['bash', 'zsh', 'fish']))
    .action(L(() => import('./commands/completion.js')));

  return program;
}

export async function main(argv: string[], io: IO = processIO()): Promise<number> {
  const state: { ctx?: Ctx; io: IO; code: number } = { io, code: EXIT.ok };
  const program = buildProgram(state);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return state.code;
  } catch (e) {
    return handleError(e, state);
  } finally {
    await state.ctx?.dispose();
  }
}

function handleError(e: unknown, state: { ctx?: Ctx; io: IO }): number {
  const io = state.io;
  const out = state.ctx?.out;
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.ok;
    return EXIT.usage; // commander already printed the message
  }
  if (e instanceof CliError) {
    const write = out ? (m: string) => out.error(m) : (m: string) => io.stderr.write(`✗ ${m}\n`);
    write(e.message);
    if (e.hint) io.stderr.write(`  ${e.hint}\n`);
    return e.exitCode;
  }
  if (e instanceof Error && (e.name === 'ExitPromptError' || e.name === 'AbortPromptError')) {
    io.stderr.write('Cancelled.\n');
    return EXIT.interrupted;
  }
  const err = e as Error;
  io.stderr.write(`✗ Unexpected error: ${err?.message ?? String(e)}\n`);
  if (io.env.SOC_TICKET_DEBUG) io.stderr.write(`${err?.stack ?? ''}\n`);
  else io.stderr.write('  Rerun with SOC_TICKET_DEBUG=1 for details, and report it with that output.\n');
  return EXIT.unexpected;
}
