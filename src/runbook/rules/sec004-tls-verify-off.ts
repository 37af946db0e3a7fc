import type { RawFinding, Rule } from '../types';
import { at } from './util';

const OFF_FLAGS: Record<string, string[]> = {
  curl: ['-k', '--insecure'],
  wget: ['--no-check-certificate'],
  aws: ['--no-verify-ssl'],
  http: ['--verify=no'],
};
/** Environment variables that switch verification off, by the values that do it. */
const OFF_ENV: Record<string, RegExp> = {
  GIT_SSL_NO_VERIFY: /^(1|true)$/,
  NODE_TLS_REJECT_UNAUTHORIZED: /^0$/,
  PYTHONHTTPSVERIFY: /^0$/,
  CURL_CA_BUNDLE: /^$/,
};

/** `NAME=value` switches verification off (a name not in OFF_ENV is one lookup). */
function offEnv(name: string, value: string): boolean {
  return Object.hasOwn(OFF_ENV, name) && OFF_ENV[name]!.test(value);
}

/** Turning off certificate checks hands the connection (and any token it carries) to whoever sits on the path. */
export const SEC004: Rule = {
  id: 'SEC004',
  name: 'tls-verify-off',
  group: 'SEC',
  severity: 'warning',
  summary: 'TLS certificate verification switched off (curl -k, --no-check-certificate, verify=False)',
  explain: `With verification off, anyone on the network path can answer instead of the real server: read the
credentials the runbook sends, and feed it whatever data it acts on.

    curl -k https://internal-api/health      # use --cacert /etc/ssl/internal-ca.pem
    requests.get(url, verify=False)          # use verify="/etc/ssl/internal-ca.pem"

Point the client at the right CA bundle instead. --fix-unsafe removes the flag.`,
  fix: 'unsafe',
  languages: ['bash', 'sh', 'python'],
  check(ctx) {
    const out: RawFinding[] = [];
    if (ctx.shell) {
      for (let cmdIndex = 0; cmdIndex < ctx.shell.commands.length; cmdIndex++) {
        const cmd = ctx.shell.commands[cmdIndex]!;
        const flags = cmd.name ? OFF_FLAGS[cmd.name] : undefined;
        if (flags)
          for (let wIndex = 0; wIndex < cmd.args.length; wIndex++) {
            const w = cmd.args[wIndex]!;
            const a = w.literal ?? '';
            const short = cmd.name === 'curl' && /^-[a-zA-Z]*k[a-zA-Z]*$/.test(a) && !a.startsWith('--');
            if (flags.includes(a) || short) {
              const f = at(
                w.node,
                `${cmd.name} ${a} switches off TLS certificate verification: use the right CA bundle instead`,
              );
              if (flags.includes(a)) {
                const before = ctx.text[w.node.start - 1] === ' ' ? 1 : 0;
                f.fix = {
                  description: `remove ${a}`,
                  safe: false,
                  edits: [{ start: w.node.start - before, end: w.node.end, text: '' }],
                };
              }
              out.push(f);
            }
          }
        if (cmd.name === 'git' && cmd.args.some((w) => /http\.sslVerify=false/i.test(w.literal ?? '')))
          out.push(at(cmd.node, 'git http.sslVerify=false switches off TLS certificate verification'));
        for (const e of cmd.env) {
          const text = ctx.text.slice(e.start, e.end);
          const eq = text.indexOf('=');
          if (eq !== -1 && offEnv(text.slice(0, eq), text.slice(eq + 1)))
            out.push(at(e, `${text} switches off TLS certificate verification`));
        }
      }
      for (const a of ctx.shell.assignments)
        if (offEnv(a.name, a.valueText.replace(/^['"]|['"]$/g, '')) && a.node.parent?.type !== 'command')
          out.push(at(a.node, `${a.name}=${a.valueText} switches off TLS certificate verification`));
    }
    if (ctx.python) {
      const py = ctx.python;
      for (let callIndex = 0; callIndex < py.calls.length; callIndex++) {
        const call = py.calls[callIndex]!;
        const verify = call.kwargs.get('verify');
        if (verify && py.src(verify) === 'False')
          out.push(
            at(
              verify.parent ?? verify,
              `${call.func}(verify=False) switches off TLS certificate verification`,
            ),
          );
        if (/ssl\._create_unverified_context$/.test(call.func))
          out.push(
            at(call.node, 'ssl._create_unverified_context() switches off TLS certificate verification'),
          );
      }
      const re = /\bCERT_NONE\b/g;
      for (let m = re.exec(ctx.text); m; m = re.exec(ctx.text))
        out.push({
          message: 'ssl.CERT_NONE switches off TLS certificate verification',
          start: m.index,
          end: m.index + m[0].length,
        });
    }
    return out;
  },
};
