#!/usr/bin/env node
// npm run kernel: assembles src/allowlist/kernel/aggregate.wat into the committed aggregate.wasm (the executable
// embeds the .wasm; a unit test checks that it is what this script makes of the .wat).
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import wabt from 'wabt';

export const WAT = path.resolve(import.meta.dirname, '..', 'src', 'allowlist', 'kernel', 'aggregate.wat');

/** The module's bytes, assembled from the text form. */
export async function assemble(text = readFileSync(WAT, 'utf8')) {
  const module = (await wabt()).parseWat(path.basename(WAT), text, { multi_value: true });
  try {
    module.validate();
    return Buffer.from(module.toBinary({ write_debug_names: false }).buffer);
  } finally {
    module.destroy();
  }
}

if (process.argv[1] === import.meta.filename) {
  const out = WAT.replace(/\.wat$/, '.wasm');
  writeFileSync(`${out}.tmp`, await assemble());
  renameSync(`${out}.tmp`, out);
  console.error(`${path.relative(process.cwd(), out)} written`);
}
