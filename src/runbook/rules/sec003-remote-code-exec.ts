import type { Command } from '../shell/model';
import { type SNode, walk } from '../syntax';
import type { RawFinding, Rule } from '../types';
import { at, commandsIn } from './util';

const FETCH = /^(curl|wget|fetch)$/;
const RUNNERS = /^(sh|bash|dash|zsh|ksh|ash|python[0-9.]*|perl|ruby|node|php|source|\.)$/;
/**
 * `python3 -m MODULE` reading stdin as data, never as code: `curl … | python3 -m json.tool` is `curl … | jq .`.
 * json.tool pretty-prints JSON; base64 and quopri encode or decode bytes. Kept short on purpose: a module that can
 * run what it reads (runpy-like ones, pdb, code, timeit, cProfile…) stays a runner.
 */
const DATA_MODULES = new Set(['json.tool', 'base64', 'quopri']);
/** Python that fetches from the network. */
const PY_FETCH = /urlopen|requests\.(get|post)|urllib|http\.client/;
const VERIFY = /^(sha256sum|sha512sum|sha1sum|shasum|md5sum|gpg|gpgv|cosign|minisign|signify|openssl)$/;

/** Code fetched from the network and run without a checksum: whoever controls the URL owns the host. */
export const SEC003: Rule = {
  id: 'SEC003',
  name: 'remote-code-exec',
  group: 'SEC',
  severity: 'error',
  summary:
    'curl|wget piped or process-substituted into a shell or interpreter, or downloaded and run without a checksum',
  explain: `A runbook that runs what it downloads gives the network, the DNS and whoever controls that URL a root shell on
every host the runbook reaches, at 3 a.m., unattended:

    curl -s https://example.org/fix.sh | sudo bash
    bash <(wget -qO- https://example.org/fix.sh)

In Python, exec()/eval() of what urlopen/requests fetched is the same, directly or through a variable.
A pipe into a module that reads stdin as data (python3 -m json.tool, base64, quopri) is not code, like jq.

Ship the script with the runbook instead, or download it, check a pinned sha256 (sha256sum -c) or a signature,
and only then run it.`,
  fix: 'none',
  languages: ['bash', 'sh', 'python'],
  check(ctx) {
    const out: RawFinding[] = [];
    const shell = ctx.shell;
    if (shell) {
      const verified = shell.commands.some((c) => c.name !== null && VERIFY.test(c.name));
      for (let cmdIndex = 0; cmdIndex < shell.commands.length; cmdIndex++) {
        const cmd = shell.commands[cmdIndex]!;
        // curl … | sh
        if (cmd.pipeline && cmd.pipeIndex > 0 && cmd.name && RUNNERS.test(cmd.name) && !readsData(cmd)) {
          const earlier = cmd.pipeline.slice(0, cmd.pipeIndex);
          if (earlier.some((c) => c.name && FETCH.test(c.name)))
            out.push(
              at(
                cmd.pipeline[0]!.node.parent ?? cmd.node,
                `downloaded code is piped into ${cmd.name}: pin it with a checksum or ship it with the runbook`,
              ),
            );
        }
        // sh <(curl …), eval "$(curl …)", sh -c "$(curl …)"
        if (
          cmd.name &&
          (RUNNERS.test(cmd.name) || cmd.name === 'eval' || cmd.args.some((w) => w.literal === '-c'))
        ) {
          for (const w of cmd.args)
            for (const e of w.expansions)
              if (
                (e.kind === 'procsub' || e.kind === 'cmdsub') &&
                commandsIn(shell, e.node).some((c) => c.name && FETCH.test(c.name))
              )
                out.push(
                  at(
                    cmd.node,
                    `downloaded code is run by ${cmd.name}: pin it with a checksum or ship it with the runbook`,
                  ),
                );
        }
        // curl -o f …; sh f   (no checksum anywhere)
        if (!verified && cmd.name && FETCH.test(cmd.name)) {
          const lits = cmd.args.map((w) => w.literal);
          const o = lits.findIndex(
            (a) => a === '-o' || a === '-O' || a === '--output' || a === '--output-document',
          );
          const target = o !== -1 ? lits[o + 1] : null;
          if (!target) continue;
          const runs = shell.commands.find(
            (c) =>
              c.node.start > cmd.node.start &&
              (c.nameWord?.literal === target ||
                c.nameWord?.literal === `./${target}` ||
                (c.name !== null &&
                  RUNNERS.test(c.name) &&
                  c.args.some((w) => w.literal === target || w.literal === `./${target}`))),
          );
          if (runs)
            out.push(at(runs.node, `${target} is downloaded and run without a checksum or signature check`));
        }
      }
    }
    const py = ctx.python;
    if (py) {
      // names that hold what was downloaded: `code = urlopen(url).read()`, and names assigned from those
      const downloaded = new Set<string>();
      const holds = (n: SNode) =>
        PY_FETCH.test(py.src(n)) || walk(n).some((c) => c.type === 'identifier' && downloaded.has(py.src(c)));
      for (let pass = 0; pass < 4; pass++) {
        let changed = false;
        for (const a of py.assignments)
          if (!downloaded.has(a.name) && holds(a.value)) {
            downloaded.add(a.name);
            changed = true;
          }
        if (!changed) break;
      }
      for (const call of py.calls)
        if ((call.func === 'exec' || call.func === 'eval') && call.args[0] && holds(call.args[0]))
          out.push(
            at(call.node, `downloaded code is run by ${call.func}(): ship it with the runbook instead`),
          );
    }
    return out;
  },
};

/** `python3 [options] -m MODULE` with a module of DATA_MODULES. */
function readsData(cmd: Command): boolean {
  if (!cmd.name?.startsWith('python')) return false;
  const lits = cmd.args.map((w) => w.literal);
  const m = lits.findIndex((a) => a === '-m' || a?.startsWith('-m'));
  if (m === -1) return false;
  const module = lits[m] === '-m' ? lits[m + 1] : lits[m]!.slice(2);
  return module !== undefined && module !== null && DATA_MODULES.has(module);
}
