/** compact: one gcc-style line per finding, `file:line:col: severity: message [RULE]`. */
import { open, type Reporter } from './types';

export const compact: Reporter = ({ report }) =>
  open(report.findings)
    .map(
      (f) =>
        `${f.file}:${f.range.startLine}:${f.range.startColumn}: ${f.severity}: ${f.message} [${f.ruleId}]\n`,
    )
    .join('');
