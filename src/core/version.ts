/** The program's version line, shared by the launcher's `--version` and oclif's. */
import pjson from '../../package.json';

export const VERSION: string = pjson.version;

/** `neptune/0.1.0 linux-x64 node-v24.21.0`, as oclif prints it; also the User-Agent. */
export function versionString(): string {
  return `neptune/${VERSION} ${process.platform}-${process.arch} node-${process.version}`;
}
