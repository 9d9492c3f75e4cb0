#!/usr/bin/env bash
# Starts the local services the suite and the demo use, if they are not already up.
# Safe to run repeatedly; does nothing on a machine where they run.
set -euo pipefail

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }
# The MySQL/MariaDB connector tests need it; where it is not installed there is nothing to wait for.
mariadb_up() { ! command -v mysqladmin >/dev/null 2>&1 || mysqladmin -uroot -h 127.0.0.1 status >/dev/null 2>&1; }

if ! pg_up && command -v pg_ctlcluster >/dev/null 2>&1; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
fi
if ! redis_up && command -v redis-server >/dev/null 2>&1; then
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
fi
if command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ]; then
  if ! mysqladmin -uroot -h 127.0.0.1 status >/dev/null 2>&1; then
    # Its socket directory lives on a tmpfs that a fresh container has not created yet.
    mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null || true
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd || true
  fi
fi

for _ in $(seq 1 60); do
  if pg_up && redis_up && mariadb_up; then exit 0; fi
  sleep 0.5
done
pg_up || echo "PostgreSQL is not reachable on 127.0.0.1:5432 (set DATABASE_URL to use another server)" >&2
redis_up || echo "Redis is not reachable on 127.0.0.1:6379 (set REDIS_URL to use another server)" >&2
mariadb_up || echo "MariaDB is not reachable on 127.0.0.1:3306 (set MARIADB_URL to use another server)" >&2
# Not fatal: the test suite falls back to Testcontainers where Docker runs, and says what is missing otherwise.
exit 0
