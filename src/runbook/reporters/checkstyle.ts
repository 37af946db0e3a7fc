/** checkstyle: the XML that Jenkins' warnings plugin and many CI tools read. Sources are `neptune.<RULE>`. */
import { open, type Reporter } from './types';

export function xmlEscape(s: string): string {
  return (
    s
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
      // characters XML 1.0 cannot carry
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '')
  );
}

export const checkstyle: Reporter = ({ report }) => {
  const findings = open(report.findings);
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<checkstyle version="4.3">'];
  const byFile = new Map<string, typeof findings>();
  for (const f of findings) {
    if (!byFile.has(f.file)) byFile.set(f.file, []);
    byFile.get(f.file)!.push(f);
  }
  for (const file of report.files) {
    const list = byFile.get(file);
    if (!list) continue;
    lines.push(`  <file name="${xmlEscape(file)}">`);
    for (const f of list)
      lines.push(
        `    <error line="${f.range.startLine}" column="${f.range.startColumn}" severity="${f.severity}" message="${xmlEscape(f.message)}" source="${f.source === 'shellcheck' ? 'ShellCheck' : 'neptune'}.${f.ruleId}"/>`,
      );
    lines.push('  </file>');
  }
  lines.push('</checkstyle>');
  return `${lines.join('\n')}\n`;
};
