/** Writes a new runbook from the skeleton: never over an existing file unless forced, atomically, mode 0755. */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { usageError } from '../core/errors';
import { writeFileAtomic } from '../core/fs';
import { NAME_PATTERN, type SkeletonLang, skeleton } from './skeleton';

export async function createRunbook(options: {
  name: string;
  lang: SkeletonLang;
  output?: string | undefined;
  force?: boolean | undefined;
  cwd: string;
}): Promise<{ file: string; name: string; lang: SkeletonLang }> {
  const { name, lang } = options;
  if (!NAME_PATTERN.test(name))
    throw usageError('RUNBOOK_NEW_NAME', `"${name}" is not a runbook name`, {
      hint: 'use lower case letters, digits, ".", "_" and "-" (at most 64), starting with a letter or digit',
    });
  const file = options.output ?? `${name}.${lang === 'python' ? 'py' : 'sh'}`;
  const abs = path.resolve(options.cwd, file);
  if (!options.force) {
    const exists = await stat(abs).then(
      () => true,
      () => false,
    );
    if (exists)
      throw usageError('RUNBOOK_NEW_EXISTS', `${file} already exists`, {
        hint: 'choose another name or --output, or overwrite it with --force',
      });
  }
  await writeFileAtomic(abs, skeleton(name, lang), { mode: 0o755 });
  return { file, name, lang };
}
