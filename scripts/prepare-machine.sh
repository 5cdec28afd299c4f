#!/usr/bin/env bash
# Prepares a Debian 12 machine for the tests (the README's test line runs it):
# apt-get installs the Debian packages they use, only those missing (root
# needed for that alone), then PostgreSQL, MariaDB and Redis are started when
# they do not answer. Safe to run again. Go itself is not installed here.
#
# --check changes nothing: it prints one line naming what is missing and
# exits 1. The test run's global setup calls it (test/global-setup.ts).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
check=false
[ "${1:-}" = --check ] && check=true
PREPARE='bash scripts/prepare-machine.sh'

# An executable on PATH or in the sbin directories a non-root PATH may lack
# (not bash's `command -v`, which also reports a non-executable file).
has() {
  local d IFS=:
  for d in $PATH /usr/sbin /sbin; do [ -f "$d/$1" ] && [ -x "$d/$1" ] && return 0; done
  return 1
}

# Debian package, when its command is absent.
missing=()
has nginx || missing+=(nginx)                                  # edge and monorepo tests
has rsyslogd || missing+=(rsyslog)                             # ops test: a real syslog receiver
has promtool || missing+=(prometheus)                          # promtool, for alert rule checks
has script || missing+=(bsdutils)                              # script(1): the pseudo-terminal test
has chromium || missing+=(chromium)                            # headless: the API docs page test
# Compose validation of the generated docker-compose.yml (no engine needed).
has docker-compose || docker compose version >/dev/null 2>&1 || missing+=(docker-compose)
has redis-server || missing+=(redis-server)                    # data tests, plus their own servers
has mariadbd || missing+=(mariadb-server)
compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null || missing+=(postgresql)

# Data stores the e2e tests talk to: PostgreSQL on 5432 (trust auth),
# MariaDB on 3306 (root, no password) and Redis on 6379.
pg_up() { pg_isready -q -h 127.0.0.1 -p 5432; }
mariadb_up() { mariadb-admin -h 127.0.0.1 -uroot ping; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping | grep -q PONG; }

if $check; then
  problems=()
  has go || problems+=("no go on PATH (Go 1.26+, from go.dev/dl)")
  [ ${#missing[@]} -eq 0 ] || problems+=("Debian packages ${missing[*]} missing")
  down=()
  pg_up >/dev/null 2>&1 || down+=(PostgreSQL:5432)
  mariadb_up >/dev/null 2>&1 || down+=(MariaDB:3306)
  redis_up >/dev/null 2>&1 || down+=(Redis:6379)
  [ ${#down[@]} -eq 0 ] || problems+=("${down[*]} not answering on 127.0.0.1")
  if [ ${#problems[@]} -gt 0 ]; then
    joined=$(printf '; %s' "${problems[@]}")
    echo "This machine is not prepared for the tests (${joined:2}): run \`$PREPARE\` as root, or the README's test line, which runs it"
    exit 1
  fi
  exit 0
fi

if ! has go; then
  echo "$PREPARE: no go on PATH: install Go 1.26+ from go.dev/dl first (this script does not)" >&2
  exit 1
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "$PREPARE: installing the Debian packages ${missing[*]} needs root: run it as root (or with sudo)" >&2
    exit 1
  fi
  echo "apt-get install ${missing[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

wait_for() { # what, command...
  local what=$1; shift
  for _ in $(seq 1 60); do "$@" >/dev/null 2>&1 && return 0; sleep 1; done
  echo "$what did not start" >&2; return 1
}
if ! pg_up >/dev/null 2>&1; then
  echo "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start
fi
wait_for PostgreSQL pg_up
if ! mariadb_up >/dev/null 2>&1; then
  echo "starting MariaDB"
  install -d -o mysql -g mysql /run/mysqld 2>/dev/null || mkdir -p /run/mysqld
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
fi
wait_for MariaDB mariadb_up
if ! redis_up >/dev/null 2>&1; then
  echo "starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
fi
wait_for Redis redis_up
