/**
 * A fast path for the common manifest: nested block mappings of `key: value` lines whose values are plain words,
 * integers, booleans or simple quoted strings. Returns exactly what `yaml`'s parseDocument(text).toJS() returns
 * for such text, or `undefined` for anything else (sequences, flow collections, comments, null, floats, escapes,
 * anchors, tabs, duplicate keys, odd indentation…), and the caller then takes the full `yaml` parse. Parsing the
 * manifest with `yaml` was ~0.5 ms per file, a fifth of the linter's CPU (decision 0205).
 */
const KEY = /^[A-Za-z][A-Za-z0-9_-]*$/;
const RESERVED = /^(?:true|True|TRUE|false|False|FALSE|null|Null|NULL)$/;
// a plain scalar that the YAML 1.2 core schema resolves to a string: starts with a letter, no indicator
// sequences (": ", " #"), no trailing space
const PLAIN = /^[A-Za-z][A-Za-z0-9 ._,()/@+=-]*$/;
const INT = /^(?:0|[1-9][0-9]{0,14})$/;
// durations (`5m`, `1h30m`): strings to YAML
const DURATION = /^(?:[0-9]{1,6}[hms]){1,3}$/;

type Obj = Record<string, unknown>;

function scalar(raw: string): unknown {
  if (raw === 'true' || raw === 'True' || raw === 'TRUE') return true;
  if (raw === 'false' || raw === 'False' || raw === 'FALSE') return false;
  if (INT.test(raw)) return Number(raw);
  if (DURATION.test(raw)) return raw;
  if (raw.length >= 2 && raw[0] === "'" && raw.endsWith("'")) {
    const inner = raw.slice(1, -1);
    return inner.includes("'") ? undefined : inner;
  }
  if (raw.length >= 2 && raw[0] === '"' && raw.endsWith('"')) {
    const inner = raw.slice(1, -1);
    return inner.includes('"') || inner.includes('\\') ? undefined : inner;
  }
  if (!PLAIN.test(raw) || RESERVED.test(raw) || raw.endsWith(' ')) return undefined;
  if (raw.includes(': ') || raw.includes(' #')) return undefined;
  return raw;
}

export function parseSimpleYaml(text: string): Obj | undefined {
  if (text.includes('\t') || text.includes('\r') || text.includes('#')) return undefined;
  const root: Obj = {};
  // open mappings: [indent of their keys, the object]; -1 = not known yet (right after `key:`)
  const stack: { indent: number; obj: Obj }[] = [{ indent: -1, obj: root }];
  let pendingEmpty = false;
  let sawLine = false;
  for (let lineIndex = 0, lineList = text.split('\n'); lineIndex < lineList.length; lineIndex++) {
    const line = lineList[lineIndex]!;
    if (line.trim() === '') continue;
    const indent = line.length - line.trimStart().length;
    const body = line.slice(indent);
    const colon = body.indexOf(':');
    if (colon <= 0) return undefined;
    const key = body.slice(0, colon);
    if (!KEY.test(key) || RESERVED.test(key)) return undefined;
    const rest = body.slice(colon + 1);
    if (rest !== '' && rest[0] !== ' ') return undefined;
    const raw = rest.trim();
    let top = stack[stack.length - 1]!;
    if (top.indent === -1) {
      // the first key of a mapping (the document, or the value of the `key:` line before)
      if (sawLine && indent <= (stack[stack.length - 2]?.indent ?? -1)) return undefined;
      top.indent = indent;
    } else {
      while (indent < top.indent) {
        stack.pop();
        top = stack[stack.length - 1]!;
        if (!top) return undefined;
      }
      if (indent !== top.indent) return undefined;
    }
    pendingEmpty = false;
    sawLine = true;
    if (Object.hasOwn(top.obj, key)) return undefined;
    if (raw === '') {
      const child: Obj = {};
      top.obj[key] = child;
      stack.push({ indent: -1, obj: child });
      pendingEmpty = true;
    } else {
      const value = scalar(raw);
      if (value === undefined) return undefined;
      top.obj[key] = value;
    }
  }
  // `key:` with nothing under it is null in YAML: leave that to the full parser
  if (pendingEmpty || !sawLine) return undefined;
  return root;
}
