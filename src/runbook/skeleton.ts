/**
 * `neptune runbook new`: a runbook skeleton with a manifest that lints clean under the production profile
 * (strict mode, a declared and validated param, a bounded diagnostic, a timeout).
 */
export type SkeletonLang = 'bash' | 'python';

export const NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export function skeleton(name: string, lang: SkeletonLang): string {
  if (lang === 'python') return python(name);
  return `#!/bin/bash
# neptune:
#   name: ${name}
#   description: Show the state of the service named by the alert (edit to describe what ${name} does).
#   mode: diagnose
#   timeout: 2m
#   params:
#     service:
#       description: The systemd unit the alert is about.
#       pattern: '^[A-Za-z0-9@._-]{1,64}$'
#       maxLength: 64
#   requires: [systemctl, journalctl]
set -euo pipefail

# Alert values arrive as NP_* environment variables; check them before any use.
service="\${NP_SERVICE:?NP_SERVICE is not set}"
case "$service" in
  *[!A-Za-z0-9@._-]*) echo "refusing service name: $service" >&2; exit 64 ;;
esac

echo "== status of $service"
if ! systemctl is-active --quiet -- "$service"; then
  echo "$service is not active"
fi
systemctl show --no-pager --property=ActiveState,SubState,NRestarts -- "$service"
echo "== last 50 log lines of $service"
journalctl --no-pager -n 50 -u "$service"
`;
}

function python(name: string): string {
  return `#!/usr/bin/env python3
# neptune:
#   name: ${name}
#   description: Report disk usage of the path named by the alert (edit to describe what ${name} does).
#   mode: diagnose
#   timeout: 1m
#   params:
#     path:
#       description: The mount point the alert is about.
#       pattern: '^/[A-Za-z0-9._/-]{0,255}$'
#       maxLength: 256
"""${name}: a neptune runbook."""

import os
import re
import shutil
import sys


def main() -> int:
    # Alert values arrive as NP_* environment variables; check them before any use.
    path = os.environ.get("NP_PATH", "")
    if not re.fullmatch(r"/[A-Za-z0-9._/-]{0,255}", path):
        print("NP_PATH is missing or not an absolute path", file=sys.stderr)
        return 64
    usage = shutil.disk_usage(path)
    print(f"{path}: {usage.used * 100 // usage.total}% used, {usage.free // 2**20} MiB free")
    return 0


if __name__ == "__main__":
    sys.exit(main())
`;
}
