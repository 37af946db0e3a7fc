#!/usr/bin/env node
// The floor under `runbook lint`'s throughput, for lint.bench.mjs: tree-sitter-bash on web-tree-sitter parsing
// every runbook under DIR and nothing else (no tree copy, no rules, no report), in the same runtime the executable
// runs (the pinned Node, --liftoff-only: decision 0201), start-up included like the lint runs it is compared with.
//   node --liftoff-only scripts/bench/parse-floor.mjs DIR
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Language, Parser } from 'web-tree-sitter';

const require = createRequire(import.meta.url);
const dir = process.argv[2];
if (!dir) {
  console.error('usage: parse-floor.mjs DIR');
  process.exit(64);
}

function files(d) {
  return readdirSync(d, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(path.join(d, e.name)) : [path.join(d, e.name)],
  );
}

await Parser.init({ wasmBinary: readFileSync(require.resolve('web-tree-sitter/web-tree-sitter.wasm')) });
const bash = await Language.load(readFileSync(require.resolve('tree-sitter-bash/tree-sitter-bash.wasm')));
const parser = new Parser();
parser.setLanguage(bash);
let nodes = 0;
for (const file of files(dir)) {
  const tree = parser.parse(readFileSync(file, 'utf8'));
  // one read of the result, so the parse cannot be skipped
  nodes += tree.rootNode.descendantCount;
  tree.delete();
}
console.log(nodes);
