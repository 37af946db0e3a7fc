// The V8 code caches of the bundles the launcher loads (src/launch.ts, loadBundle). scripts/build.mjs runs this
// under the executable's flags: V8 rejects a cache made under other flags.
//
//   node --liftoff-only scripts/code-caches.cjs DIST BUNDLE...   (writes DIST/BUNDLE.cache for each)
//
// A cache made right after compiling holds the top-level code only; every function is compiled when first called.
// lint.cjs is cached after it linted the test corpus once, so the cache also holds the functions a lint runs
// (decision 0210). Nothing of that run's state is in a cache: V8 keeps bytecode, not values or feedback.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const vm = require('node:vm');
const { createRequire } = require('node:module');

const [dist, ...bundles] = process.argv.slice(2);
const root = path.resolve(__dirname, '..');
// the launcher's CommonJS wrapper (src/launch.ts, wrapCommonJs) and its encoding: the same source text
const wrap = (source) => `(function (exports, require, module, __filename, __dirname) {${source}\n})`;

function compile(name) {
  const file = path.join(dist, name);
  const script = new vm.Script(wrap(fs.readFileSync(file, 'latin1')), {
    filename: file,
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  return { file, script };
}

const write = (name, script) => fs.writeFileSync(path.join(dist, `${name}.cache`), script.createCachedData());

for (const name of bundles.filter((b) => b !== 'lint.cjs')) write(name, compile(name).script);

if (bundles.includes('lint.cjs')) {
  const { file, script } = compile('lint.cjs');
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, path.dirname(file));
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'neptune-code-cache-'));
  // every format, to files: the reporters' code is cached too, and nothing reaches the build's output
  const formats = ['text', 'compact', 'json', 'sarif', 'github', 'checkstyle', 'rdjson'];
  const argv = ['--shellcheck', 'off', '--no-config', '--profile', 'production', '--fail-on', 'never'];
  for (const f of formats) argv.push('-f', `${f}=${path.join(out, f)}`);
  argv.push(path.join(root, 'test', 'fixtures', 'runbook', 'corpus'));
  if (module.exports.start(argv) !== true) throw new Error('lint.cjs declined the warm-up argv');
  process.once('beforeExit', () => {
    fs.rmSync(out, { recursive: true, force: true });
    if (process.exitCode !== 0) throw new Error(`the warm-up lint exited ${process.exitCode}`);
    write('lint.cjs', script);
  });
}
