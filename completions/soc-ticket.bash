# bash completion for soc-ticket (generated: soc-ticket completion bash)
_soc_ticket() {
  local cur prev path="" w i words
  cur="${COMP_WORDS[COMP_CWORD]}"
  prev="${COMP_WORDS[COMP_CWORD-1]}"
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="${COMP_WORDS[i]}"
    [[ "$w" == -* ]] && continue
    case "$(_soc_ticket_words "${path:+$path }$w")" in
      __none__) ;;
      *) path="${path:+$path }$w" ;;
    esac
  done
  case "$path|$prev" in
    'ingest|--format') COMPREPLY=($(compgen -W 'soc-ticket wazuh wazuh5 suricata elastic splunk alertmanager graylog generic' -- "$cur")); return ;;
    'list|--sort') COMPREPLY=($(compgen -W 'id created updated severity stage' -- "$cur")); return ;;
    'triage|--severity') COMPREPLY=($(compgen -W 'low normal high emergency' -- "$cur")); return ;;
    'triage|--verdict') COMPREPLY=($(compgen -W 'true-positive false-positive benign' -- "$cur")); return ;;
    'escalate|--to') COMPREPLY=($(compgen -W 'thehive' -- "$cur")); return ;;
    'admin users add|--role') COMPREPLY=($(compgen -W 'analyst lead bot' -- "$cur")); return ;;
    'admin profile add|--backend') COMPREPLY=($(compgen -W 'local osticket' -- "$cur")); return ;;
  esac
  words="$(_soc_ticket_words "$path")"
  [[ "$words" == __none__ ]] && words=""
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
  [[ ${#COMPREPLY[@]} -eq 0 && "$cur" != -* ]] && COMPREPLY=($(compgen -f -- "$cur"))
}
_soc_ticket_words() {
  local words=__none__
  case "$1" in
    '') words='ingest list show triage assign resolve close reopen note enrich escalate whoami login logout admin completion --version -V --json --profile --no-input --yes -y --no-color' ;;
    'ingest') words='--format --dry-run --rejects --max-new-per-minute --dedup-window --retry --listen --token-file --tls-cert --tls-key --max-body --version -V --json --profile --no-input --yes -y --no-color' ;;
    'list') words='--stage --severity --assignee --category --since --search --sort --desc --limit --all --version -V --json --profile --no-input --yes -y --no-color' ;;
    'show') words='--raw --version -V --json --profile --no-input --yes -y --no-color' ;;
    'triage') words='--severity --category --verdict --note --enrich --version -V --json --profile --no-input --yes -y --no-color' ;;
    'assign') words='--to --version -V --json --profile --no-input --yes -y --no-color' ;;
    'resolve') words='--summary --attach --kibana-report --version -V --json --profile --no-input --yes -y --no-color' ;;
    'close') words='--all-resolved --category --older-than --comment --override-four-eyes --reason --dry-run --concurrency --version -V --json --profile --no-input --yes -y --no-color' ;;
    'reopen') words='--reason --version -V --json --profile --no-input --yes -y --no-color' ;;
    'note') words='--message -m --attach --kibana-report --version -V --json --profile --no-input --yes -y --no-color' ;;
    'enrich') words='--refresh --version -V --json --profile --no-input --yes -y --no-color' ;;
    'escalate') words='--to --version -V --json --profile --no-input --yes -y --no-color' ;;
    'whoami') words='--version -V --json --profile --no-input --yes -y --no-color' ;;
    'login') words='--username --password-stdin --version -V --json --profile --no-input --yes -y --no-color' ;;
    'logout') words='--version -V --json --profile --no-input --yes -y --no-color' ;;
    'admin') words='users teams categories config profile doctor osticket --version -V --json --profile --no-input --yes -y --no-color' ;;
    'admin users') words='add remove list --version -V --json --profile --no-input --yes -y --no-color' ;;
    'admin users add') words='--role --version -V --json --profile --no-input --yes -y --no-color' ;;
    'admin users remove') words='--version -V --json --profile --no-input --yes -y --no-color' ;;
    'admin users list') words='--version -V --json --profile --no-input --yes -y --no-color' ;;
    'admin teams') words='add remove list --version -V --json --profile --no-input --yes -y --no-color' ;;
    'admin teams add') words='--members --version -V --json --profile --no-input --yes -y --no-color' ;;
    'admin teams remove') words='--version -V --json --profile --no-input --yes -y --no-color' ;;
    'admin teams list') words='--version -V --json --profile --no-input --yes -y --no-color' ;;
    'admin categories') words='add remove list --version -V --json --profile --no-input --yes -y --no-color' ;;
    'admin categories add') words='--topic --version -V --json --profile --no-input --yes -y --no-color' ;;
    'admin categories remove') words='--version -V --json --profile --no-input --yes -y --no-color' ;;
    'admin categories list') words='--version -V --json --profile --no-input --yes -y --no-color' ;;
    'admin config') words='get set unset list --version -V --json --profile --no-input --yes -y --no-color' ;;
    'admin config get') words='--version -V --json --profile --no-input --yes -y --no-color' ;;
    'admin config set') words='--global --stdin --version -V --json --profile --no-input --yes -y --no-color' ;;
    'admin config unset') words='--global --version -V --json --profile --no-input --yes -y --no-color' ;;
    'admin config list') words='--version -V --json --profile --no-input --yes -y --no-color' ;;
    'admin profile') words='add list use remove --version -V --json --profile --no-input --yes -y --no-color' ;;
    'admin profile add') words='--backend --url --ca --db --allow-insecure-http --with-key --use --version -V --json --profile --no-input --yes -y --no-color' ;;
    'admin profile list') words='--version -V --json --profile --no-input --yes -y --no-color' ;;
    'admin profile use') words='--version -V --json --profile --no-input --yes -y --no-color' ;;
    'admin profile remove') words='--version -V --json --profile --no-input --yes -y --no-color' ;;
    'admin doctor') words='--version -V --json --profile --no-input --yes -y --no-color' ;;
    'admin osticket') words='setup check --version -V --json --profile --no-input --yes -y --no-color' ;;
    'admin osticket setup') words='--version -V --json --profile --no-input --yes -y --no-color' ;;
    'admin osticket check') words='--version -V --json --profile --no-input --yes -y --no-color' ;;
    'completion') words='--version -V --json --profile --no-input --yes -y --no-color' ;;
  esac
  printf '%s' "$words"
}
complete -F _soc_ticket soc-ticket
