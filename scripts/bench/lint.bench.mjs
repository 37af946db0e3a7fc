#!/usr/bin/env node
// `neptune runbook lint` throughput: 1,000 generated runbooks (the corpus's categories, mixed hazards) linted with
// ShellCheck off, against one batched `shellcheck -f json1` over the same files in the same run, at the targets'
// size (corpus-sized, avg ~20 lines) and at 20-60 lines (decision 0211), beside the floor under both: the lint's
// parsers parsing the same files and nothing else (parse-floor.mjs: the JavaScript bash parser with tree-sitter
// where it gives up, decision 0213; and tree-sitter-bash alone, decision 0212); then peak memory at 10,000 files. Every run goes through /usr/bin/time, so besides wall time (start-up included) it reports CPU time
// (user+sys) and peak RSS: the machine is shared, so the targets are judged on CPU time, which a loaded machine
// does not stretch, and the ratio compares CPU with CPU. Medians of BENCH_RUNS (5) alternating rounds.
// Targets: >= 1,000 files/s; >= 10x faster than batched ShellCheck; < 200 MB RSS at 10,000 files.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { CORPUS, generate, HEAVY } from './lint-corpus.mjs';

const root = path.resolve(import.meta.dirname, '..', '..');
const exe = existsSync(path.join(root, 'dist', 'neptune'))
  ? path.join(root, 'dist', 'neptune')
  : path.join(root, 'bin', 'neptune');
// the pinned Node the executable is built from, for the parse floor (scripts/bench/parse-floor.mjs)
const node = path.join(root, 'node_modules', '.bin', 'node');
const parseFloor = path.join(import.meta.dirname, 'parse-floor.mjs');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const FILES = Number(process.env.BENCH_FILES ?? 1000);
const BIG = Number(process.env.BENCH_BIG ?? 10000);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const hasTime = spawnSync('/usr/bin/time', ['-f', '%U', 'true'], { encoding: 'utf8' }).status === 0;

/** One run: wall ms, CPU ms (user+sys, from /usr/bin/time when installed) and peak RSS in MB. */
function timed(cmd, args, okCodes = [0, 1]) {
  const start = process.hrtime.bigint();
  const r = hasTime
    ? spawnSync('/usr/bin/time', ['-f', 'NPTIME %U %S %M', cmd, ...args], {
        stdio: ['ignore', 'ignore', 'pipe'],
        encoding: 'utf8',
        maxBuffer: 1 << 28,
      })
    : spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', maxBuffer: 1 << 28 });
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  if (!okCodes.includes(r.status)) throw new Error(`${cmd} exited ${r.status}: ${r.stderr?.slice(-500)}`);
  const m = /NPTIME ([\d.]+) ([\d.]+) (\d+)\s*$/.exec(r.stderr ?? '');
  return m
    ? { wall, cpu: (Number(m[1]) + Number(m[2])) * 1000, rss: Number(m[3]) / 1024 }
    : { wall, cpu: Number.NaN, rss: Number.NaN };
}

function medians(runs) {
  return {
    wall: median(runs.map((r) => r.wall)),
    cpu: median(runs.map((r) => r.cpu)),
    rss: median(runs.map((r) => r.rss)),
  };
}

const verdict = (ok) => (ok ? 'met' : 'NOT MET');

if (process.env.BENCH_GENERATE_ONLY) {
  // BENCH_GENERATE_ONLY=DIR writes the runbooks there and stops (for profiling); BENCH_HEAVY=1 for the larger ones
  generate(process.env.BENCH_GENERATE_ONLY, FILES, 42, process.env.BENCH_HEAVY === '1' ? HEAVY : CORPUS);
  process.exit(0);
}

const lintArgs = (out, dir) => [
  'runbook',
  'lint',
  '--shellcheck',
  'off',
  '--profile',
  'production',
  '--fail-on',
  'never',
  '-f',
  `json=${out}`,
  '--no-config',
  dir,
];

/**
 * Lints FILES runbooks of one size, parses them alone (the floor) and runs ShellCheck over them, one of each per
 * round, RUNS rounds: a slow spell of the shared machine then hits all three alike instead of one block of runs.
 * Prints the medians; the ShellCheck ratio is the median of the rounds' ratios.
 */
function measure(work, size, seed) {
  const dir = path.join(work, `runbooks-${size.min}-${size.max}`);
  const { files, averageLines } = generate(dir, FILES, seed, size);
  const ours = lintArgs(path.join(work, 'out.json'), dir);
  const hasShellcheck = spawnSync('shellcheck', ['--version']).status === 0;
  const scArgs = ['-f', 'json1', '--norc', '--', ...files];
  timed(exe, ours); // warm the page cache
  const rounds = Array.from({ length: RUNS }, () => ({
    lint: timed(exe, ours),
    // the parsers alone over the same files: what no rule, model or report work can go below (decision 0212)
    floor: timed(node, ['--liftoff-only', parseFloor, dir, 'js', parserBundle], [0]),
    treeSitter: timed(node, ['--liftoff-only', parseFloor, dir, 'tree-sitter'], [0]),
    ref: hasShellcheck ? timed('shellcheck', scArgs, [0, 1]) : null,
  }));
  const lint = medians(rounds.map((r) => r.lint));
  const floor = medians(rounds.map((r) => r.floor));
  const treeSitter = medians(rounds.map((r) => r.treeSitter));
  // judged on CPU time where it was measured (a shared machine stretches wall time, not CPU time)
  const basis = Number.isNaN(lint.cpu) ? 'wall' : 'cpu';
  console.log(
    `runbook lint, ${FILES} generated ${size.label} runbooks (avg ${averageLines.toFixed(1)} lines), ShellCheck off, ${RUNS} rounds (median, start-up included)`,
  );
  console.log(
    `  neptune runbook lint      wall ${lint.wall.toFixed(0).padStart(7)} ms (${(FILES / (lint.wall / 1000)).toFixed(0)} files/s)   cpu ${lint.cpu.toFixed(0).padStart(7)} ms (${(FILES / (lint.cpu / 1000)).toFixed(0)} files/s)   peak RSS ${lint.rss.toFixed(0)} MB`,
  );
  console.log(
    `  the lint's parsing alone (the floor: no rules, model or report)   cpu ${floor.cpu.toFixed(0).padStart(7)} ms (${(FILES / (floor.cpu / 1000)).toFixed(0)} files/s at most), ${((floor[basis] / lint[basis]) * 100).toFixed(0)}% of the lint run`,
  );
  console.log(
    `  tree-sitter-bash parse alone (no tree copy; the floor before decision 0213)   cpu ${treeSitter.cpu.toFixed(0).padStart(7)} ms (${(FILES / (treeSitter.cpu / 1000)).toFixed(0)} files/s at most), ${((treeSitter[basis] / lint[basis]) * 100).toFixed(0)}% of the lint run`,
  );
  let ratio = Number.NaN;
  if (hasShellcheck) {
    const ref = medians(rounds.map((r) => r.ref));
    ratio = median(rounds.map((r) => r.ref[basis] / r.lint[basis]));
    const wallRatio = median(rounds.map((r) => r.ref.wall / r.lint.wall));
    console.log(
      `  shellcheck -f json1 (one batched process, reference)   wall ${ref.wall.toFixed(0).padStart(7)} ms   cpu ${ref.cpu.toFixed(0).padStart(7)} ms   (${ratio.toFixed(1)}x in ${basis} time, ${wallRatio.toFixed(1)}x in wall time)`,
    );
  }
  return { basis, rate: FILES / (lint[basis] / 1000), ratio };
}

const work = mkdtempSync(path.join(os.tmpdir(), 'neptune-lint-bench-'));
// the JavaScript bash parser as the floor runs it: bundled from source like the lint bundle (decision 0213)
const parserBundle = path.join(work, 'parser.mjs');
try {
  await esbuild.build({
    entryPoints: [path.join(root, 'src', 'runbook', 'shell', 'parser.ts')],
    bundle: true,
    format: 'esm',
    platform: 'node',
    outfile: parserBundle,
    logLevel: 'error',
  });
  // the spec's size (corpus-sized) and the (20-60 lines): each gets its verdicts
  const verdicts = (m, label) => {
    console.log(
      `${label}: throughput ${m.rate.toFixed(0)} files/s of ${m.basis} time (target >= 1000): ${verdict(m.rate >= 1000)}`,
    );
    if (Number.isNaN(m.ratio))
      console.log(
        `${label}: ShellCheck ratio not measured, shellcheck is not installed (apt-get install shellcheck)`,
      );
    else
      console.log(
        `${label}: ShellCheck ratio ${m.ratio.toFixed(1)}x faster in ${m.basis} time (target >= 10x): ${verdict(m.ratio >= 10)}`,
      );
  };
  verdicts(measure(work, CORPUS, 42), CORPUS.label);
  // BENCH_HEAVY=0 skips the larger files
  if (process.env.BENCH_HEAVY !== '0') verdicts(measure(work, HEAVY, 42), HEAVY.label);

  // BENCH_BIG=0 skips the memory run
  if (BIG > 0) {
    const bigDir = path.join(work, 'big');
    generate(bigDir, BIG, 7, HEAVY);
    const bigArgs = lintArgs(path.join(work, 'big.json'), bigDir);
    const big = timed(exe, bigArgs);
    if (!Number.isNaN(big.rss)) {
      console.log(
        `  ${BIG} files: peak RSS ${big.rss.toFixed(0)} MB, wall ${(big.wall / 1000).toFixed(1)} s, cpu ${(big.cpu / 1000).toFixed(1)} s (${(BIG / (big.cpu / 1000)).toFixed(0)} files/s of cpu time)`,
      );
      console.log(
        `memory ${big.rss.toFixed(0)} MB at ${BIG} files (target < 200 MB): ${verdict(big.rss < 200)}`,
      );
    } else {
      console.log('memory: not measured (/usr/bin/time is not installed: apt-get install time)');
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
