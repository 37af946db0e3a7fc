#!/usr/bin/env node
// The floor under `runbook lint`'s throughput, for lint.bench.mjs: parsing every runbook under DIR and nothing else
// (no rules, no model, no report), in the runtime the executable runs (the pinned Node, --liftoff-only: decision
// 0201), start-up included like the lint runs it is compared with. Two parsers:
//   node --liftoff-only scripts/bench/parse-floor.mjs DIR js PARSER.mjs   the lint's own parsing: the JavaScript
//       parser (PARSER.mjs, src/runbook/shell/parser.ts bundled by lint.bench.mjs), tree-sitter where it gives up
//   node --liftoff-only scripts/bench/parse-floor.mjs DIR tree-sitter    tree-sitter-bash alone, no tree copy: the
//       floor before decision 0213, and the reference the JavaScript parser is tested against
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const [dir, parserKind = 'tree-sitter', bundle] = process.argv.slice(2);
if (!dir || (parserKind === 'js' && !bundle)) {
  console.error('usage: parse-floor.mjs DIR [tree-sitter | js PARSER.mjs]');
  process.exit(64);
}

function files(d) {
  return readdirSync(d, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(path.join(d, e.name)) : [path.join(d, e.name)],
  );
}

let treeSitter = null;
/** tree-sitter-bash, loaded on first use (the lint loads it only for a file the JavaScript parser gives up on). */
async function treeSitterParse(text) {
  if (!treeSitter) {
    const { Language, Parser } = await import('web-tree-sitter');
    await Parser.init({ wasmBinary: readFileSync(require.resolve('web-tree-sitter/web-tree-sitter.wasm')) });
    const bash = await Language.load(readFileSync(require.resolve('tree-sitter-bash/tree-sitter-bash.wasm')));
    treeSitter = new Parser();
    treeSitter.setLanguage(bash);
  }
  const tree = treeSitter.parse(text);
  // one read of the result, so the parse cannot be skipped
  const n = tree.rootNode.descendantCount;
  tree.delete();
  return n;
}

const countNodes = (n) => n.children.reduce((sum, c) => sum + countNodes(c), 1);

const parseBash = parserKind === 'js' ? (await import(pathToFileURL(bundle).href)).parseBash : null;
let nodes = 0;
let fallbacks = 0;
for (const file of files(dir)) {
  const text = readFileSync(file, 'utf8');
  const tree = parseBash?.(text) ?? null;
  if (tree) nodes += countNodes(tree);
  else {
    if (parseBash) fallbacks++;
    nodes += await treeSitterParse(text);
  }
}
console.log(JSON.stringify({ nodes, fallbacks }));
