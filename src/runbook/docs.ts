/** docs/lint-rules.md is generated from the catalog (a test keeps it in step): ids, names, levels, fixes, texts. */
import { PROFILE_NAMES, profile } from './profiles';
import { RULES } from './rules/index';
import { GROUP_NAMES } from './types';

const FIX: Record<string, string> = {
  safe: 'safe (`--fix`)',
  unsafe: 'opt-in (`--fix-unsafe`)',
  none: 'none',
};

export function ruleDocs(): string {
  const out: string[] = [
    '# Runbook lint rules',
    '',
    '<!-- Generated from src/runbook/rules by src/runbook/docs.ts; src/runbook/docs.test.ts fails when it is out of date.',
    '     Regenerate: npx tsx -e "import(\'./src/runbook/docs.ts\').then(m => process.stdout.write(m.ruleDocs()))" > docs/lint-rules.md -->',
    '',
    '`neptune runbook lint --explain ID` prints the same text. Levels are the defaults; the production profile raises',
    'META001 to an error. Profiles nest: min ⊂ basic ⊂ safety (the default) ⊂ production. ShellCheck findings',
    '(`SC####`, at or above warning) join from the basic profile on, when ShellCheck is installed.',
    '',
    '| id | name | level | fix | profiles | what |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  const inProfiles = (id: string) => PROFILE_NAMES.filter((p) => profile(p).rules.has(id));
  for (const r of RULES)
    out.push(
      `| [${r.id}](#${r.id.toLowerCase()}) | ${r.name} | ${r.severity} | ${r.fix} | ${inProfiles(r.id)[0]}+ | ${r.summary.replace(/\|/g, '\\|')} |`,
    );
  let group = '';
  for (const r of RULES) {
    if (r.group !== group) {
      group = r.group;
      out.push('', `## ${r.group}: ${GROUP_NAMES[r.group]}`);
    }
    out.push(
      '',
      `### ${r.id}`,
      '',
      `**${r.name}** · ${r.severity} · fix: ${FIX[r.fix]} · profiles: ${inProfiles(r.id).join(', ')}`,
      '',
      r.summary,
      '',
      '```text',
      r.explain,
      '```',
    );
  }
  out.push(
    '',
    '## Configuration',
    '',
    '`.neptune/runbook-lint.yaml` is searched from the working directory upward (or named with `--config`; `--no-config`',
    'ignores it). Every key is optional; command-line flags win. An unknown key or a bad value exits 78.',
    '',
    '```yaml',
    'profile: production          # min | basic | safety | production',
    'enable: [ROB007]             # ids, names, groups (SEC, safety…), shellcheck, SC####',
    'disable: [SAF009, SC2086]',
    'severity: {SAF003: error}    # change a level',
    'fail-on: warning             # error (default) | warning | info | never',
    'max-warnings: 20',
    'shellcheck: auto             # auto | off | /path/to/shellcheck',
    'param-prefix: NP_',
    'max-timeout: 900             # seconds',
    'shell: sh                    # dialect of files without a shebang',
    'ignore: [vendor/**]          # globs, relative to the working directory',
    'baseline: .neptune/lint-baseline.json',
    '```',
    '',
    '## Suppressions',
    '',
    '`# neptune-lint disable=SAF003,SEC001 reason: the pid file is written by our unit` covers the next command (or',
    'the whole file when it comes before the first command, or its own line when it trails code). `# shellcheck',
    'disable=SC2086` is honoured for ShellCheck findings. Under the production profile a suppression without',
    '`reason:` does not count. Suppressed findings stay in `json` and `sarif` output (SARIF `suppressions`).',
    '',
  );
  return out.join('\n');
}
