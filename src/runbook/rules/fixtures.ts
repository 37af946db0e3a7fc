/**
 * The rule catalog's fixtures: for every rule, texts it must report (pos) and texts it must stay silent on (neg).
 * rules.test.ts runs them; shell/parser.test.ts parses every shell one with both parsers.
 */
/** A valid manifest with extra lines (each already indented under `# `). */
function m(extra = '', mode = 'remediate', timeout = '2m'): string {
  return `#!/bin/bash\n# neptune:\n#   name: t\n#   description: test runbook\n#   mode: ${mode}\n#   timeout: ${timeout}\n${extra}`;
}
const SH = '#!/bin/bash\nset -euo pipefail\n';
const PY = '#!/usr/bin/env python3\nimport os\n';

export type Case = string | { text: string; file?: string; sidecar?: string };
export const CASES: Record<string, { pos: Case[]; neg: Case[] }> = {
  SEC001: {
    pos: [
      `${SH}kill -9 $NP_PID\n`,
      `${SH}rm -f /tmp/$NP_FILE\n`,
      `${SH}H=$NP_HOST\nping -c 1 $H\n`,
      `${SH}systemctl restart \${NP_SERVICE}\n`,
      `${SH}read -r X <<< "$NP_LIST"\necho $X\n`,
      `${SH}[ $NP_LEVEL = high ] && echo yes\n`,
    ],
    neg: [
      `${SH}kill -9 "$NP_PID"\n`,
      `${SH}rm -f "/tmp/$NP_FILE"\n`,
      `${SH}H="$NP_HOST"\nping -c 1 "$H"\n`,
      `${SH}[[ $NP_LEVEL = high ]] && echo yes\n`,
      `${SH}echo \${#NP_NAME}\n`,
      `${SH}X=$OTHER\necho $X\n`,
    ],
  },
  SEC002: {
    pos: [
      `${SH}eval "restart_$NP_SERVICE"\n`,
      `${SH}sh -c "tail -n 5 $NP_LOG"\n`,
      `${SH}ssh -o BatchMode=yes host "tail -n 50 $NP_LOGFILE"\n`,
      `${SH}F="$NP_FILTER"\nawk "/$F/ {print}" /var/log/syslog\n`,
      `${SH}docker exec app sh -c "kill $NP_PID"\n`,
      { text: `${PY}os.system("service " + os.environ["NP_SVC"] + " restart")\n`, file: 't.py' },
      {
        text: `${PY}import subprocess\nsvc = os.getenv("NP_SVC")\nsubprocess.call("restart " + svc, shell=True)\n`,
        file: 't.py',
      },
    ],
    neg: [
      `${SH}eval "$(ssh-agent -s)"\n`,
      `${SH}sh -c 'echo hi'\n`,
      `${SH}ssh -o BatchMode=yes host uptime\n`,
      `${SH}awk -v pat="$NP_FILTER" '$0 ~ pat' /var/log/syslog\n`,
      `${SH}systemctl restart "$NP_SERVICE"\n`,
      {
        text: `${PY}import subprocess\nsubprocess.run(["systemctl", "restart", os.environ["NP_SVC"]])\n`,
        file: 't.py',
      },
    ],
  },
  SEC003: {
    pos: [
      `${SH}curl -s https://example.org/fix.sh | bash\n`,
      `${SH}wget -qO- https://example.org/fix.sh | sudo sh\n`,
      `${SH}bash <(curl -s https://example.org/fix.sh)\n`,
      `${SH}eval "$(curl -s https://example.org/env)"\n`,
      `${SH}curl -o fix.sh https://example.org/fix.sh\nsh fix.sh\n`,
      `${SH}curl -fsS https://example.org/i.py | python3\n`,
      `${SH}curl -fsS https://example.org/i.py | python3 -m pdb /dev/stdin\n`,
      // issue 27: the downloaded code goes through a name first
      {
        text: `${PY}import urllib.request\ncode = urllib.request.urlopen(url).read()\nexec(code)\n`,
        file: 't.py',
      },
      { text: `${PY}import requests\nr = requests.get(url)\nsrc = r.text\neval(src)\n`, file: 't.py' },
    ],
    neg: [
      `${SH}curl -fsS --max-time 5 https://example.org/health\n`,
      `${SH}curl -o fix.sh https://example.org/fix.sh\necho "abc  fix.sh" | sha256sum -c\nsh fix.sh\n`,
      `${SH}curl -s https://example.org/data.json | jq .status\n`,
      // issue 27: modules that read stdin as data
      `${SH}curl -s https://example.org/data.json | python3 -m json.tool\n`,
      `${SH}curl -s https://example.org/blob | python3 -m base64 -d\n`,
      {
        text: `${PY}import urllib.request\ncode = urllib.request.urlopen(url).read()\nprint(code)\n`,
        file: 't.py',
      },
      `${SH}bash ./local-fix.sh\n`,
      `${SH}wget -q -O /tmp/page.html https://example.org/\ngrep -c ok /tmp/page.html\n`,
    ],
  },
  SEC004: {
    pos: [
      `${SH}curl -k https://x/health\n`,
      `${SH}wget --no-check-certificate https://x/\n`,
      { text: `${PY}import requests\nrequests.get("https://x", verify=False)\n`, file: 't.py' },
    ],
    neg: [
      `${SH}curl --cacert /etc/ca.pem https://x/health\n`,
      { text: `${PY}import requests\nrequests.get("https://x", timeout=5)\n`, file: 't.py' },
    ],
  },
  SEC005: {
    pos: [
      `${SH}mysql -u root -psecret -e 'select 1'\n`,
      `${SH}curl -u admin:hunter2 https://x/\n`,
      `${SH}redis-cli -a "$REDIS_PASS" ping\n`,
    ],
    neg: [
      `${SH}MYSQL_PWD="$(cat /etc/db.pass)" mysql -u root -e 'select 1'\n`,
      `${SH}curl --netrc-file /etc/netrc https://x/\n`,
    ],
  },
  SEC006: {
    pos: [
      `${SH}sudo sh -c "echo $L > /proc/sys/vm/drop_caches"\n`,
      `${SH}sudo -s\n`,
      `${SH}sudo -E systemctl restart app\n`,
      `${SH}su -c "whoami" deploy\n`,
    ],
    neg: [`${SH}sudo -n systemctl restart app\n`, `${SH}echo 3 | sudo -n tee /proc/sys/vm/drop_caches\n`],
  },
  SCR001: {
    pos: [
      'AWS_ACCESS_KEY_ID=AKIAQ4XYZ7RTPL2MNB6D\n',
      'aws configure set aws_access_key_id ASIAW5LKQ2JD7HGF3TRE\n',
      '{"key": "AKIAZ3K5M7P2Q4R6T7V2"}\n',
      '# old key AKIAR2D4F6H7J3L5N7P2\n',
      { text: `${PY}KEY = "AKIAJ7Q2W4E6R3T5Y7U2"\n`, file: 't.py' },
    ],
    neg: [
      'AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n',
      'AWS_ACCESS_KEY_ID="$(cat /etc/aws/key)"\n',
      'echo AKIAAAAAAAAAAAAAAAAA\n',
      'ID=AKIA1234\n',
      'X=NOTAKIAQ4XYZ7RTPL2MNB6DX\n',
    ],
  },
  SCR002: {
    pos: [
      `cat > /tmp/k <<'EOF'\n-----BEGIN RSA PRIVATE KEY-----\n${'MIIEpAIBAAKCAQEA1234567890abcdefghijklmnopqrstuvwxyz'.repeat(2)}\n-----END RSA PRIVATE KEY-----\nEOF\n`,
      `K="-----BEGIN PRIVATE KEY-----\n${'A'.repeat(70)}\n-----END PRIVATE KEY-----"\n`,
      `-----BEGIN OPENSSH PRIVATE KEY-----\n${'b3BlbnNzaC1rZXktdjEAAAAABG5vbmU'.repeat(3)}\n-----END OPENSSH PRIVATE KEY-----\n`,
      `-----BEGIN EC PRIVATE KEY-----\n${'MHcCAQEEIBkg'.repeat(8)}\n-----END EC PRIVATE KEY-----\n`,
      {
        text: `${PY}KEY = """-----BEGIN DSA PRIVATE KEY-----\n${'x'.repeat(80)}\n-----END DSA PRIVATE KEY-----"""\n`,
        file: 't.py',
      },
    ],
    neg: [
      'openssl genrsa -out /etc/app/key.pem 2048\n',
      'grep -q "BEGIN PRIVATE KEY" /etc/app/key.pem\n',
      `-----BEGIN CERTIFICATE-----\n${'M'.repeat(80)}\n-----END CERTIFICATE-----\n`,
      `-----BEGIN PUBLIC KEY-----\n${'M'.repeat(80)}\n-----END PUBLIC KEY-----\n`,
      'ssh -i /etc/neptune/id_ed25519 host true\n',
    ],
  },
  SCR003: {
    pos: [
      `TOKEN=ghp_${'aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5'}\n`,
      'curl -X POST https://hooks.slack.com/services/T0ABCDEF1/B0ABCDEF2/abcdefghijklmnopqrstuvwx\n',
      'SLACK=xoxb-123456789012-abcdefghijkl\n',
      'curl https://admin:hunter22@db.internal/status\n',
      'K=sk_live_abcdefghijklmnopqrstuvwx1234\n',
      'G=AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q\n',
    ],
    neg: [
      'TOKEN="$(cat /etc/neptune/github.token)"\n',
      'curl -X POST "$SLACK_WEBHOOK_URL"\n',
      'curl https://db.internal/status\n',
      'K=sk_test_abc\n',
      'echo "ghp_ prefix is for GitHub tokens"\n',
    ],
  },
  SCR004: {
    pos: [
      `${SH}DB_PASSWORD='s3cr3t-Pa55w0rd-9x'\n`,
      `${SH}API_KEY=9f8e7d6c5b4a3f2e1d\n`,
      `${SH}payload='{"api_key": "9f8e7d6c5b4a"}'\n`,
      `${SH}export SECRET_TOKEN="abcd1234efgh"\n`,
      { text: `${PY}password = "Tr0ub4dor&3x"\n`, file: 't.py' },
    ],
    neg: [
      `${SH}DB_PASSWORD="$(cat /etc/neptune/db.pass)"\n`,
      `${SH}PASSWORD_FILE=/etc/neptune/db.pass\n`,
      `${SH}TOKEN_URL=https://auth.internal/token\n`,
      `${SH}API_KEY="$NP_API_KEY"\n`,
      { text: `${PY}password = os.environ["DB_PASSWORD"]\n`, file: 't.py' },
    ],
  },
  SCR005: {
    pos: [
      `${SH}echo "token is $API_TOKEN"\n`,
      `${SH}DB_PASSWORD="$(cat /etc/p)"\nset -x\npsql -c 'select 1'\n`,
    ],
    neg: [`${SH}echo "token file is $TOKEN_FILE"\n`, `${SH}set -x\necho hi\n`],
  },
  SAF001: {
    pos: [
      `${SH}rm -rf $DIR/cache\n`,
      `${SH}rm -rf "$DIR"/*\n`,
      `${SH}rm -f /var/tmp/$NP_NAME\n`,
      `${SH}find "$LOGDIR" -name '*.gz' -delete\n`,
      `${SH}sudo rm -rf "\${TARGET}"\n`,
    ],
    neg: [
      `${SH}rm -rf "\${DIR:?}/cache"\n`,
      `${SH}rm -f /var/tmp/app.pid\n`,
      `${SH}rm -f -- "$1"\n`,
      `${SH}find /var/log/app -name '*.gz' -mtime +7 -delete\n`,
      `${SH}rm -rf "\${TARGET:?TARGET is not set}"\n`,
    ],
  },
  SAF002: {
    pos: [
      `${SH}rm -rf /\n`,
      `${SH}rm -rf /*\n`,
      `${SH}rm -rf ~\n`,
      `${SH}cd /tmp\nrm -f *\n`,
      `${SH}tar -czf *.tgz /var/log\n`,
      `${SH}chmod -R 777 /\n`,
    ],
    neg: [
      `${SH}rm -rf /tmp/app-cache\n`,
      `${SH}rm -f /tmp/app/*.tmp\n`,
      `${SH}tar -czf /tmp/logs.tgz /var/log/app\n`,
      `${SH}chmod 644 /etc/app.conf\n`,
      `${SH}ls /*\n`,
    ],
  },
  SAF003: {
    pos: [
      `${SH}PID=$(ps aux | grep java | grep -v grep | awk '{print $2}')\nkill "$PID"\n`,
      `${SH}pkill java\n`,
      `${SH}kill -9 "$(cat /run/app.pid)"\n`,
    ],
    neg: [
      `${SH}pkill -x -u app java\n`,
      `${SH}P="$(cat /run/app.pid)"\nkill -TERM "$P"\nsleep 10\nkill -0 "$P" && kill -KILL "$P"\n`,
    ],
  },
  SAF004: {
    pos: [
      `${SH}docker restart $(docker ps -q)\n`,
      `${SH}docker ps -q | xargs docker stop\n`,
      `${SH}heroku restart -a myapp\n`,
      `${SH}docker system prune -af\n`,
    ],
    neg: [
      `${SH}docker restart "$NP_CONTAINER"\n`,
      `${SH}heroku restart web.1 -a myapp\n`,
      `${SH}docker restart $(docker ps -q --filter name=web)\n`,
    ],
  },
  SAF005: {
    pos: [
      { text: `${m()}set -eu\nheroku pg:reset DATABASE -a app --confirm app\n` },
      `${m()}set -eu\nreboot\n`,
      `${m()}set -eu\naws ec2 terminate-instances --instance-ids "$ID"\n`,
      `${m()}set -eu\npsql -c 'DROP DATABASE app'\n`,
      `${m('#   destructive: true\n')}set -eu\nredis-cli FLUSHALL\n`,
      `${m()}set -eu\nkubectl delete pod "$POD"\n`,
    ],
    neg: [
      `${m('#   destructive: true\n')}set -eu\n[ "\${NP_CONFIRM:-}" = yes ] || exit 1\nheroku pg:reset DATABASE -a app --confirm app\n`,
      `${m()}set -eu\nheroku ps -a app\n`,
      `${m()}set -eu\naws ec2 describe-instances\n`,
      `${m()}set -eu\npsql -c 'select count(*) from jobs'\n`,
      `${m('#   destructive: true\n')}set -eu\nif [ "$NP_APPROVED" != yes ]; then exit 1; fi\nsystemctl reboot\n`,
    ],
  },
  SAF006: {
    pos: [
      `${SH}N=$(heroku ps -a app | grep -c web)\nNEW=$((N * 2))\nheroku ps:scale web=$NEW -a app\n`,
      `${SH}kubectl scale deploy/web --replicas=$((CUR + 1))\n`,
    ],
    neg: [
      `${SH}heroku ps:scale web=2 -a app\n`,
      `${SH}NEW=$((N * 2))\nif [ "$NEW" -gt 10 ]; then NEW=10; fi\nheroku ps:scale web="$NEW" -a app\n`,
    ],
  },
  SAF007: {
    pos: [
      `${m('', 'remediate', '1m')}set -eu\nsleep 120\n`,
      `${m('', 'remediate', '30s')}set -eu\nsleep 20\nsleep 20\n`,
      `${m('', 'remediate', '2m')}set -eu\nsleep 5m\n`,
      `${m('', 'remediate', '10s')}set -eu\nsleep 8\n`,
      {
        text: `#!/usr/bin/env python3\n# neptune:\n#   name: t\n#   description: d\n#   mode: diagnose\n#   timeout: 5s\nimport time\ntime.sleep(30)\n`,
        file: 't.py',
      },
    ],
    neg: [
      `${m('', 'remediate', '5m')}set -eu\nsleep 30\n`,
      `${m('', 'remediate', '1m')}set -eu\nsleep 10\n`,
      `${m('', 'remediate', '1h')}set -eu\nsleep 600\n`,
      `${m('', 'remediate', '2m')}set -eu\nsleep "$NP_DELAY"\n`,
      {
        text: `#!/usr/bin/env python3\n# neptune:\n#   name: t\n#   description: d\n#   mode: diagnose\n#   timeout: 1m\nimport time\ntime.sleep(2)\n`,
        file: 't.py',
      },
    ],
  },
  SAF008: {
    pos: [
      `${SH}top\n`,
      `${SH}read -r answer\n`,
      `${SH}sudo systemctl restart app\n`,
      `${SH}tail -f /var/log/syslog\n`,
      `${SH}ssh host uptime\n`,
    ],
    neg: [
      `${SH}top -b -n 1\n`,
      `${SH}read -r -t 5 answer\n`,
      `${SH}sudo -n systemctl restart app\n`,
      `${SH}tail -n 100 /var/log/syslog\n`,
    ],
  },
  SAF009: {
    pos: [`${SH}systemctl restart app\n`],
    neg: [`${SH}systemctl restart app\nsystemctl is-active --quiet app\n`, `${SH}df -h\n`],
  },
  SAF010: {
    pos: [`${SH}cat /var/log/syslog\n`, `${SH}dmesg\n`, `${SH}docker logs app\n`],
    neg: [
      `${SH}tail -n 200 /var/log/syslog\n`,
      `${SH}dmesg | tail -n 50\n`,
      `${SH}docker logs --tail 100 app\n`,
    ],
  },
  ROB001: {
    pos: ['#!/bin/sh\nsystemctl restart app\n', '#!/bin/bash\ncd /opt/app\n./restart\n'],
    neg: ['#!/bin/sh\nset -eu\nsystemctl restart app\n', '#!/bin/bash\nset -euo pipefail\ncd /opt/app\n'],
  },
  ROB002: {
    pos: ['systemctl restart app\n', { text: 'import os\n', file: 't.py' }],
    neg: [
      '#!/bin/sh\nsystemctl restart app\n',
      { text: '#!/usr/bin/env python3\nimport os\n', file: 't.py' },
    ],
  },
  ROB003: {
    pos: [
      `${SH}heroku restart -a <app_name>\n`,
      `${SH}APP=your_app_here\n`,
      `${SH}curl -H "X-Api-Key: CHANGEME" https://x\n`,
      `${SH}aws s3 ls s3://xxx\n`,
      `${SH}TOKEN=YOUR_API_TOKEN\n`,
    ],
    neg: [
      `${SH}# replace <app_name> below\nheroku restart -a "$NP_APP"\n`,
      `${SH}cat <<EOF\nhello\nEOF\n`,
      `${SH}diff <(ls /a) <(ls /b)\n`,
      `${SH}cmd 2>&1 | tee /tmp/out\n`,
      `${SH}echo "box is up"\n`,
    ],
  },
  ROB004: {
    pos: [
      `${SH}if [ -f x ]; then\necho hi\n`,
      `${SH}echo "unterminated\n`,
      `${SH}for x in a b; do echo $x\n`,
      `${SH}case $x in\n a) echo;;\n`,
      `${SH}heroku restart --app <app_name>\n`,
      `${SH}heroku restart --app <app_name>\nsystemctl is-active app\n`,
      { text: `${PY}def f(:\n  pass\n`, file: 't.py' },
      { text: `${PY}x = (1,\n`, file: 't.py' },
      // Python 3 does not compile a print statement (issue 27)
      { text: '#!/usr/bin/env python3\nprint "hello"\n', file: 't.py' },
      { text: 'print "hello"\n', file: 't.py' },
    ],
    neg: [
      `${SH}if [ -f x ]; then echo hi; fi\n`,
      `${SH}echo "fine"\n`,
      `${SH}for x in a b; do echo "$x"; done\n`,
      `${SH}case "$x" in a) echo a;; esac\n`,
      { text: `${PY}def f():\n    pass\n`, file: 't.py' },
      { text: '#!/usr/bin/env python2\nprint "hello"\n', file: 't.py' },
    ],
  },
  ROB005: {
    pos: [`${SH}PID=$(pgrep -x -u app java)\nkill "$PID"\n`],
    neg: [`${SH}PID=$(pgrep -x -u app java)\n[ -n "$PID" ] || exit 1\nkill "$PID"\n`],
  },
  ROB006: {
    pos: [`${SH}grep 'error|fatal' /var/log/app.log\n`, `${SH}grep -i -e 'warn|crit' /var/log/app.log\n`],
    neg: [`${SH}grep -E 'error|fatal' /var/log/app.log\n`, `${SH}grep 'error\\|fatal' /var/log/app.log\n`],
  },
  ROB007: {
    pos: [`${SH}curl -fsS https://x/health\n`, `${SH}wget -q https://x/\n`],
    neg: [`${SH}curl -fsS --max-time 10 https://x/health\n`, `${SH}wget -q -T 10 https://x/\n`],
  },
  ROB008: {
    pos: [`${SH}systemctl restart app || true\n`, `#!/bin/sh\nsystemctl restart app\necho $?\n`],
    neg: [`${SH}systemctl restart app || exit 1\n`, `${SH}journalctl -u app | tail -n 20\n`],
  },
  META001: {
    pos: [`${SH}echo hi\n`, { text: `${PY}print("x")\n`, file: 't.py' }],
    neg: [
      `${m()}echo hi\n`,
      { text: `${SH}echo hi\n`, sidecar: 'name: t\ndescription: d\nmode: diagnose\ntimeout: 1m\n' },
    ],
  },
  META002: {
    pos: [
      '#!/bin/sh\n# neptune:\n#   name: t\n',
      `${m('#   colour: blue\n')}echo\n`,
      '#!/bin/sh\n# neptune:\n#   name: t\n#   description: d\n#   mode: fix\n#   timeout: 1m\n',
      '#!/bin/sh\n# neptune:\n#   name: [unclosed\n',
      {
        text: '#!/bin/sh\necho\n',
        sidecar: 'name: t\ndescription: d\nmode: diagnose\ntimeout: 1m\nsudo: yes\n',
      },
      `${m('#   params:\n#     host:\n#       pattern: 5\n')}echo\n`,
    ],
    neg: [
      `${m()}echo\n`,
      `${m('#   sudo: [systemctl restart]\n#   hosts: [web-*]\n')}echo\n`,
      `${m('#   params:\n#     host:\n#       pattern: "^[a-z]+$"\n')}echo\n`,
      { text: '#!/bin/sh\necho\n', sidecar: 'name: t\ndescription: d\nmode: diagnose\ntimeout: 1m\n' },
      '#!/bin/sh\necho no manifest\n',
    ],
  },
  META003: {
    pos: [
      '#!/bin/sh\n# neptune:\n#   name: t\n#   description: d\n#   mode: diagnose\n',
      `${m('', 'diagnose', '2h')}echo\n`,
      `${m('', 'diagnose', '0')}echo\n`,
      `${m('', 'diagnose', '901')}echo\n`,
      { text: '#!/bin/sh\necho\n', sidecar: 'name: t\ndescription: d\nmode: diagnose\ntimeout: 16m\n' },
    ],
    neg: [
      `${m('', 'diagnose', '2m')}echo\n`,
      `${m('', 'diagnose', '900')}echo\n`,
      `${m('', 'diagnose', '15m')}echo\n`,
      `${m('', 'diagnose', '30s')}echo\n`,
      '#!/bin/sh\necho no manifest\n',
    ],
  },
  META004: {
    pos: [
      `${m()}sudo -n systemctl restart app\n`,
      `${m('#   sudo: [systemctl restart nginx]\n')}sudo -n systemctl restart app\n`,
      `${m('#   sudo: [systemctl]\n')}echo hi\n`,
      `${m()}su -c whoami app\n`,
      `${SH}sudo -n kill "$P"\n`,
    ],
    neg: [
      `${m('#   sudo: [systemctl restart app]\n')}sudo -n systemctl restart app\n`,
      `${m('#   sudo: [systemctl]\n')}sudo -n systemctl restart app\n`,
      `${m('#   sudo: [kill]\n')}sudo -n kill "$P"\n`,
      `${m()}systemctl status app\n`,
      `${m('#   sudo: [/usr/bin/systemctl]\n')}sudo -n /usr/bin/systemctl restart app\n`,
    ],
  },
  META005: {
    pos: [
      `${m()}echo "$NP_HOST"\n`,
      `${m('#   params:\n#     host: {pattern: "^[a-z]+$"}\n')}echo "$NP_HOST $NP_PORT"\n`,
      `${m('#   params:\n#     host: {pattern: "^[a-z]+$"}\n')}echo hi\n`,
      { text: `#!/usr/bin/env python3\nimport os\nprint(os.environ["NP_HOST"])\n`, file: 't.py' },
      `${SH}X="\${NP_LEVEL:-low}"\n`,
    ],
    neg: [
      `${m('#   params:\n#     host: {pattern: "^[a-z]+$"}\n')}echo "$NP_HOST"\n`,
      `${m('#   params:\n#     NP_HOST: {pattern: "^[a-z]+$"}\n')}echo "$NP_HOST"\n`,
      `${m()}echo "$HOME"\n`,
      {
        text: `#!/usr/bin/env python3\n# neptune:\n#   name: t\n#   description: d\n#   mode: diagnose\n#   timeout: 1m\n#   params:\n#     host: {enum: [a, b]}\nimport os\nprint(os.environ["NP_HOST"])\n`,
        file: 't.py',
      },
      `${m('#   params:\n#     log_file: {maxLength: 64}\n')}tail -n 5 "$NP_LOG_FILE"\n`,
    ],
  },
  META006: {
    pos: [`${m('#   params:\n#     host: {description: the host}\n')}echo "$NP_HOST"\n`],
    neg: [`${m('#   params:\n#     host: {pattern: "^[a-z]+$"}\n')}echo "$NP_HOST"\n`],
  },
  META007: {
    pos: [`${m()}systemctl restart app\n`, `${m('#   hosts: ["*"]\n')}systemctl restart app\n`],
    neg: [`${m('#   hosts: [web-*]\n')}systemctl restart app\n`, `${m('', 'diagnose')}uptime\n`],
  },
  META008: {
    pos: [
      `${m('', 'diagnose')}systemctl restart app\n`,
      `${m('', 'diagnose')}kill "$P"\n`,
      `${m('', 'diagnose')}rm -f /tmp/x\n`,
      `${m('', 'diagnose')}heroku ps:scale web=2 -a app\n`,
      `${m('', 'diagnose')}docker stop app\n`,
    ],
    neg: [
      `${m('', 'remediate')}systemctl restart app\n`,
      `${m('', 'diagnose')}systemctl status app\n`,
      `${m('', 'diagnose')}ps aux\n`,
      `${m('', 'diagnose')}heroku ps -a app\n`,
      `${m('', 'diagnose')}docker ps\n`,
    ],
  },
  PORT001: {
    pos: ['#!/bin/sh\nif [[ -f x ]]; then echo; fi\n', 'A=(1 2 3)\n', '#!/bin/sh\n[ "$a" == b ]\n'],
    neg: ['#!/bin/bash\nif [[ -f x ]]; then echo; fi\n', '#!/bin/sh\n[ "$a" = b ]\n'],
  },
  PORT002: {
    pos: [`${SH}egrep 'a|b' f\n`, `${SH}ping -c 1 host:80\n`],
    neg: [`${SH}grep -E 'a|b' f\n`, `${SH}ping -c 1 host\n`],
  },
  PORT003: {
    pos: [
      { text: '#!/usr/bin/env python3\nprint "hi"\n', file: 't.py' },
      { text: '#!/usr/bin/env python3\nimport urllib2\n', file: 't.py' },
      { text: '#!/usr/bin/env python3\nx = raw_input()\n', file: 't.py' },
      { text: '#!/usr/bin/env python\nprint("hi")\n', file: 't.py' },
      { text: '#!/usr/bin/env python3\nimport ConfigParser\n', file: 't.py' },
      { text: '#!/usr/bin/env python3\nfor i in xrange(3):\n    pass\n', file: 't.py' },
    ],
    neg: [
      { text: '#!/usr/bin/env python3\nprint("hi")\n', file: 't.py' },
      { text: '#!/usr/bin/env python3\nimport urllib.request\n', file: 't.py' },
      { text: '#!/usr/bin/env python3\nx = input()\n', file: 't.py' },
      { text: '#!/usr/bin/env python3\nimport configparser\n', file: 't.py' },
      { text: '#!/usr/bin/env python3\nfor i in range(3):\n    pass\n', file: 't.py' },
    ],
  },
};
