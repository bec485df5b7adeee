#!/usr/bin/env bash
# The servers the course runs that no pinned wheel bundles, from the OS's packages (Debian/Ubuntu):
#   PostgreSQL with pg_stat_statements (module 03; the pgserver wheel lacks it and hypopg) and hypopg;
#   Redis (modules 06 and 07: a shared cache and Redis Streams; the `redis-server` wheel on PyPI is from 2020).
# Installed only as root with apt-get; otherwise this prints what is missing and the notebooks say "skipped".
# Usage: tools/system-packages.sh [--with-browser]   (the browser is Chromium, for the test suite only)
set -euo pipefail
missing=()
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || ! ls /usr/share/postgresql/*/extension/hypopg.control >/dev/null 2>&1; then
  if command -v apt-cache >/dev/null 2>&1; then
    # the newest PostgreSQL major version for which the distribution also packages hypopg
    version=$(apt-cache search --names-only '^postgresql-[0-9]+-hypopg$' 2>/dev/null | sed -E 's/^postgresql-([0-9]+)-hypopg.*/\1/' | sort -n | tail -1)
    if [ -n "$version" ]; then missing+=("postgresql-$version" "postgresql-$version-hypopg"); fi
  fi
  [ ${#missing[@]} -gt 0 ] || missing+=("postgresql" "hypopg")
fi
if ! command -v redis-server >/dev/null 2>&1 && ! command -v valkey-server >/dev/null 2>&1; then
  missing+=("redis-server")
fi
if [ "${1:-}" = "--with-browser" ] && ! command -v chromium >/dev/null 2>&1; then
  missing+=("chromium")
fi
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing OS packages the course's servers need: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "note: the course's PostgreSQL and Redis sections need OS packages: ${missing[*]} (install them with your package manager;"
  echo "      without them those cells print 'skipped' and say why, and everything else runs)."
fi
