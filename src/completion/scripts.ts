/**
 * Shell completion scripts for bash and zsh, generated from the command map. Both complete topics and commands
 * word by word (the topic separator is a space) and, after a full command, its flags.
 */

export interface CompletionCommand {
  /** Space-separated id, e.g. `allowlist check`. */
  id: string;
  summary: string;
  flags: string[];
}

export type Shell = 'bash' | 'zsh';

function table(commands: readonly CompletionCommand[]): string {
  // One line per command: "words|--flag --flag". Neither part can contain '|' (ids and flag names are plain words).
  return commands
    .map((c) => `${c.id}|${c.flags.map((f) => `--${f}`).join(' ')}`)
    .sort()
    .join('\n');
}

function zshDescriptions(commands: readonly CompletionCommand[]): string {
  return commands
    .map((c) => `${c.id}|${c.summary.replaceAll("'", '').replaceAll(':', ' -').replaceAll('\n', ' ')}`)
    .sort()
    .join('\n');
}

export function completionScript(
  shell: Shell,
  commands: readonly CompletionCommand[],
  bin = 'neptune',
): string {
  const fn = `_${bin.replace(/[^A-Za-z0-9_]/g, '_')}`;
  const lines = table(commands);
  if (shell === 'bash') {
    return `# bash completion for ${bin}: add to ~/.bashrc:  eval "$(${bin} autocomplete bash)"
${fn}_table='${lines}'
${fn}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" typed="" word line cmd flags candidates=""
  local i
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    [[ "$word" == -* ]] && break
    typed="\${typed:+$typed }$word"
  done
  while IFS= read -r line; do
    cmd="\${line%%|*}"; flags="\${line#*|}"
    if [[ "$cmd" == "$typed" ]]; then
      [[ "$cur" == -* || -z "$cur" ]] && candidates="$candidates $flags --help"
    elif [[ -z "$typed" ]]; then
      candidates="$candidates \${cmd%% *}"
    elif [[ "$cmd" == "$typed "* ]]; then
      word="\${cmd#"$typed "}"; candidates="$candidates \${word%% *}"
    fi
  done <<< "$${fn}_table"
  COMPREPLY=( $(compgen -W "$candidates" -- "$cur") )
}
complete -o default -F ${fn} ${bin}
`;
  }
  const described = zshDescriptions(commands);
  return `#compdef ${bin}
# zsh completion for ${bin}: add to ~/.zshrc:  eval "$(${bin} autocomplete zsh)"
${fn}_table='${lines}'
${fn}_summaries='${described}'
${fn}() {
  local typed="" word line cmd flags i
  local -a next opts
  for ((i = 2; i < CURRENT; i++)); do
    word="\${words[i]}"
    [[ "$word" == -* ]] && break
    typed="\${typed:+$typed }$word"
  done
  for line in "\${(@f)${fn}_table}"; do
    cmd="\${line%%|*}"; flags="\${line#*|}"
    if [[ "$cmd" == "$typed" ]]; then
      opts+=(\${=flags} --help)
    elif [[ -z "$typed" ]]; then
      next+=("\${cmd%% *}")
    elif [[ "$cmd" == "$typed "* ]]; then
      word="\${cmd#"$typed "}"; next+=("\${word%% *}")
    fi
  done
  next=(\${(u)next})
  (( \${#next} )) && compadd -- \${next}
  (( \${#opts} )) && compadd -- \${opts}
  _files
}
compdef ${fn} ${bin}
`;
}
