/** Turns one runbook's text into the RuleContext that rules read: language, manifest, tree, models. */
import { paramEnvName, readManifest } from './manifest';
import { buildPyModel } from './python/model';
import { buildShellModel } from './shell/model';
import { parseBash } from './shell/parser';
import { loadParser, parseToTree } from './syntax';
import type { Language, LintSettings, RuleContext } from './types';

export function shebangOf(text: string): string | null {
  if (!text.startsWith('#!')) return null;
  const nl = text.indexOf('\n');
  return text
    .slice(2, nl === -1 ? text.length : nl)
    .replace(/\r$/, '')
    .trim();
}

/** The interpreter named by a shebang: `/usr/bin/env python3` -> python3. */
export function interpreterOf(shebang: string): string {
  const words = shebang.split(/\s+/).filter(Boolean);
  let i = 0;
  if (words[0] && /(^|\/)env$/.test(words[0])) {
    i = 1;
    while (words[i]?.startsWith('-')) i++;
  }
  const w = words[i] ?? '';
  return w.slice(w.lastIndexOf('/') + 1);
}

export function languageOf(file: string, shebang: string | null, settings: LintSettings): Language {
  if (shebang) {
    const interp = interpreterOf(shebang);
    if (/^(bash|zsh|ksh)$/.test(interp)) return 'bash';
    if (/^(sh|dash|ash|busybox)$/.test(interp)) return 'sh';
    if (/^python[0-9.]*$/.test(interp)) return 'python';
    if (/^(pwsh|powershell)(\.exe)?$/i.test(interp)) return 'pwsh';
    return 'other';
  }
  if (/\.py$/i.test(file)) return 'python';
  if (/\.ps1$/i.test(file)) return 'pwsh';
  return settings.shell;
}

export function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

export async function analyze(
  file: string,
  text: string,
  sidecar: string | null,
  settings: LintSettings,
): Promise<RuleContext> {
  const shebang = shebangOf(text);
  const language = languageOf(file, shebang, settings);
  const { manifest, span, problems } = readManifest(text, sidecar);
  const params = new Set(
    Object.keys(manifest?.params ?? {}).map((p) => paramEnvName(p, settings.paramPrefix)),
  );
  const isTaintSource = (name: string) => name.startsWith(settings.paramPrefix) || params.has(name);
  let tree = null;
  let shell = null;
  let python = null;
  if (language === 'bash' || language === 'sh') {
    // the JavaScript parser reads most runbooks; tree-sitter the rest, and every syntax error but a dangling
    // redirect (decision 0213)
    tree = parseBash(text) ?? parseToTree(await loadParser('bash'), text);
    shell = buildShellModel(tree, text, isTaintSource);
  } else if (language === 'python') {
    tree = parseToTree(await loadParser('python'), text);
    python = buildPyModel(tree, text, isTaintSource);
  }
  return {
    file,
    text,
    language,
    shebang,
    manifest,
    manifestSpan: span,
    manifestProblems: problems,
    tree,
    shell,
    python,
    settings,
    lineStarts: lineStartsOf(text),
  };
}
