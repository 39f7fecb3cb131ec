// Completion scripts generated from the commander tree, so they cannot drift from it
// (a test compares completions/ with this output).
import type { Command, Option } from 'commander';

export type Shell = 'bash' | 'zsh' | 'fish';

interface Node {
  path: string[];
  description: string;
  options: Array<{ flags: string[]; description: string; takesValue: boolean; choices?: string[] }>;
  children: string[];
}

export function walk(cmd: Command, path: string[] = []): Node[] {
  const options = [...cmd.options, ...(path.length === 0 ? [] : [])].map((o: Option) => ({
    flags: [o.long, o.short].filter((f): f is string => !!f),
    description: o.description,
    takesValue: o.required || o.optional,
    choices: o.argChoices,
  }));
  const node: Node = { path, description: cmd.description(), options, children: cmd.commands.map((c) => c.name()) };
  return [node, ...cmd.commands.flatMap((c) => walk(c, [...path, c.name()]))];
}

export function completionScript(program: Command, shell: Shell): string {
  const nodes = walk(program);
  const globals = nodes[0].options;
  if (shell === 'bash') return bash(nodes, globals);
  if (shell === 'zsh') return zsh(nodes, globals);
  return fish(nodes, globals);
}

const q = (s: string) => s.replace(/'/g, "'\\''");

function bash(nodes: Node[], globals: Node['options']): string {
  const cases = nodes
    .map((n) => {
      const words = [...n.children, ...n.options.flatMap((o) => o.flags), ...(n.path.length ? globals.flatMap((o) => o.flags) : [])];
      return `    '${q(n.path.join(' '))}') words='${q(words.join(' '))}' ;;`;
    })
    .join('\n');
  const choiceCases = nodes
    .flatMap((n) => n.options.filter((o) => o.choices).flatMap((o) => o.flags.map((f) => `    '${q(n.path.join(' '))}|${f}') COMPREPLY=($(compgen -W '${q(o.choices!.join(' '))}' -- "$cur")); return ;;`)))
    .join('\n');
  return `# bash completion for soc-ticket (generated: soc-ticket completion bash)
_soc_ticket() {
  local cur prev path="" w i words
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    [[ "$w" == -* ]] && continue
    case "$(_soc_ticket_words "\${path:+$path }$w")" in
      __none__) ;;
      *) path="\${path:+$path }$w" ;;
    esac
  done
  case "$path|$prev" in
${choiceCases}
  esac
  words="$(_soc_ticket_words "$path")"
  [[ "$words" == __none__ ]] && words=""
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
  [[ \${#COMPREPLY[@]} -eq 0 && "$cur" != -* ]] && COMPREPLY=($(compgen -f -- "$cur"))
}
_soc_ticket_words() {
  local words=__none__
  case "$1" in
${cases}
  esac
  printf '%s' "$words"
}
complete -F _soc_ticket soc-ticket
`;
}

function zsh(nodes: Node[], globals: Node['options']): string {
  const fn = (n: Node) => `_soc_ticket${n.path.map((p) => '_' + p.replace(/[^A-Za-z0-9]/g, '_')).join('')}`;
  const esc = (s: string) => s.replace(/[[\]:'\\]/g, (c) => '\\' + c);
  const body = nodes
    .map((n) => {
      const opts = [...n.options, ...(n.path.length ? globals : [])].flatMap((o) =>
        o.flags.map((f) => `    '${f}[${esc(o.description)}]${o.takesValue ? `:value:${o.choices ? `(${o.choices.join(' ')})` : '_files'}` : ''}'`),
      );
      if (n.children.length) {
        const subs = n.children.map((c) => {
          const child = nodes.find((x) => x.path.join(' ') === [...n.path, c].join(' '))!;
          return `      '${c}:${esc(child.description)}'`;
        });
        return `${fn(n)}() {
  local -a subcmds
  subcmds=(
${subs.join('\n')}
  )
  _arguments -C \\
${opts.map((o) => o + ' \\').join('\n')}
    '1: :->cmd' '*:: :->args'
  case $state in
    cmd) _describe 'command' subcmds ;;
    args) (( $+functions[${fn(n)}_$words[1]] )) && ${fn(n)}_$words[1] ;;
  esac
}`;
      }
      return `${fn(n)}() {
  _arguments \\
${opts.map((o) => o + ' \\').join('\n')}
    '*:file:_files'
}`;
    })
    .join('\n\n');
  return `#compdef soc-ticket
# zsh completion for soc-ticket (generated: soc-ticket completion zsh)
${body}

compdef _soc_ticket soc-ticket
`;
}

function fish(nodes: Node[], globals: Node['options']): string {
  const lines = ['# fish completion for soc-ticket (generated: soc-ticket completion fish)', 'complete -c soc-ticket -f'];
  for (const n of nodes) {
    const cond = n.path.length
      ? `__fish_seen_subcommand_from ${n.path[n.path.length - 1]}${n.path.length > 1 ? `; and __fish_seen_subcommand_from ${n.path[0]}` : ''}`
      : '__fish_use_subcommand';
    for (const c of n.children) {
      const child = nodes.find((x) => x.path.join(' ') === [...n.path, c].join(' '))!;
      lines.push(`complete -c soc-ticket -n '${cond}' -a ${c} -d '${q(child.description)}'`);
    }
    for (const o of n.path.length ? n.options : globals) {
      const long = o.flags.find((f) => f.startsWith('--'))?.slice(2);
      const short = o.flags.find((f) => !f.startsWith('--'))?.slice(1);
      const parts = [`complete -c soc-ticket -n '${cond}'`];
      if (long) parts.push(`-l ${long}`);
      if (short) parts.push(`-s ${short}`);
      if (o.takesValue) parts.push(o.choices ? `-x -a '${o.choices.join(' ')}'` : '-r');
      parts.push(`-d '${q(o.description)}'`);
      lines.push(parts.join(' '));
    }
  }
  return lines.join('\n') + '\n';
}
