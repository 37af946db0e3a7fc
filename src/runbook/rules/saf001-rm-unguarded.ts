import type { Expansion, ShellModel } from '../shell/model';
import type { RawFinding, Rule } from '../types';
import { at } from './util';

/** Is the variable known to be non-empty here: a literal value, a ${X:?}, or an emptiness test before? */
function guarded(shell: ShellModel, e: Expansion): boolean {
  const name = e.name!;
  if (shell.expansions.some((x) => x.name === name && x.guarded && x.node.start <= e.node.start)) return true;
  if (
    shell.tests.some(
      (t) =>
        t.name === name &&
        t.start < e.node.start &&
        (t.kind === 'empty' || t.kind === 'regex' || t.kind === 'case'),
    )
  )
    return true;
  const sets = shell.assignments.filter((a) => a.name === name);
  if (
    sets.length > 0 &&
    !shell.tainted.has(name) &&
    sets.every((a) => a.value && /^['"]?[^'"$`\s][^$`]*['"]?$/.test(a.valueText))
  )
    return true;
  return false;
}

/** `rm -rf $DIR/` with DIR empty is `rm -rf /`. */
export const SAF001: Rule = {
  id: 'SAF001',
  name: 'rm-unguarded',
  group: 'SAF',
  severity: 'error',
  summary: 'rm or find -delete on a $VAR path without ${VAR:?}, --, or an emptiness check',
  explain: `When a variable is empty or unset, "rm -rf $DIR/" becomes "rm -rf /", and "rm -rf $DIR/*" deletes the
current directory's contents. A lookup that finds nothing, a typo or an alert without the field is enough.

    rm -rf "$CACHE_DIR"/*        # rm -rf -- "\${CACHE_DIR:?}"/*

Use \${VAR:?} (the shell stops when it is empty), or test it first ([ -n "$VAR" ] || exit 1). The fix rewrites
the expansion to \${VAR:?}.`,
  fix: 'safe',
  languages: ['bash', 'sh'],
  check(ctx) {
    const shell = ctx.shell!;
    const out: RawFinding[] = [];
    for (let cmdIndex = 0; cmdIndex < shell.commands.length; cmdIndex++) {
      const cmd = shell.commands[cmdIndex]!;
      const isRm = cmd.name === 'rm';
      const isFindDelete =
        cmd.name === 'find' &&
        cmd.args.some((w) => w.literal === '-delete' || (w.literal === '-exec' && false));
      if (!isRm && !isFindDelete) continue;
      let afterDashDash = false;
      for (let wIndex = 0; wIndex < cmd.args.length; wIndex++) {
        const w = cmd.args[wIndex]!;
        if (w.literal === '--') {
          afterDashDash = true;
          continue;
        }
        if (w.literal !== null) {
          if (isFindDelete && w.literal.startsWith('-')) break;
          continue;
        }
        if (
          afterDashDash &&
          isRm &&
          !w.expansions.some(
            (e) =>
              e.node.start === w.node.start ||
              (w.node.type === 'string' && e.node.start === w.node.start + 1),
          )
        )
          continue;
        const e = w.expansions.find(
          (x) => x.kind === 'var' && x.name && !x.guarded && !x.length && !/^[0-9#?$!@*-]$/.test(x.name),
        );
        if (!e || guarded(shell, e)) continue;
        const raw = ctx.text.slice(e.node.start, e.node.end);
        const f = at(
          w.node,
          `${cmd.name} on a path built from $${e.name} with no guard: if it is empty this deletes from / or the current directory; use \${${e.name}:?}`,
        );
        if (raw === `$${e.name}` || raw === `\${${e.name}}`)
          f.fix = {
            description: `guard with \${${e.name}:?}`,
            safe: true,
            edits: [{ start: e.node.start, end: e.node.end, text: `\${${e.name}:?}` }],
          };
        out.push(f);
      }
    }
    return out;
  },
};
