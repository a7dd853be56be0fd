#!/usr/bin/env bash
# Install what the benchmarks need; safe to run again (each step is skipped when done).
#   wrk                      (Debian package)
#   valgrind                 (Debian package; bench_instructions.py counts with callgrind)
#   a Java runtime           (Debian package, only when `java` is missing)
#   WireMock 3.13.2          (npm package `wiremock`, which ships the standalone jar)
# Prints the WireMock jar path as the last line.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$here/.work"
wiremock_version="3.13.2"

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
    sudo_cmd=(sudo)
fi

apt_updated=0
apt_install() {
    if [ "$apt_updated" -eq 0 ]; then
        echo "setup: apt-get update" >&2
        "${sudo_cmd[@]}" apt-get update -qq >&2
        apt_updated=1
    fi
    echo "setup: apt-get install $*" >&2
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "$@" >&2
}

if command -v wrk >/dev/null 2>&1; then
    echo "setup: wrk present ($(command -v wrk))" >&2
else
    apt_install wrk
fi

if command -v valgrind >/dev/null 2>&1; then
    echo "setup: valgrind present ($(command -v valgrind))" >&2
else
    apt_install valgrind
fi

if command -v java >/dev/null 2>&1; then
    echo "setup: java present ($(java -version 2>&1 | head -n1))" >&2
else
    if apt-cache show default-jre-headless >/dev/null 2>&1; then
        apt_install default-jre-headless
    else
        apt_install openjdk-17-jre-headless
    fi
fi

if ! command -v taskset >/dev/null 2>&1; then
    apt_install util-linux
fi

find_jar() {
    find "$work/node_modules/wiremock" -name "wiremock-standalone-*.jar" -print -quit 2>/dev/null \
        || true
}

jar="$(find_jar)"
installed="$(node -p "require('$work/node_modules/wiremock/package.json').version" 2>/dev/null || true)"
if [ -z "$jar" ] || [ "$installed" != "$wiremock_version" ]; then
    if ! command -v npm >/dev/null 2>&1; then
        apt_install npm
    fi
    echo "setup: npm install --prefix $work wiremock@$wiremock_version" >&2
    mkdir -p "$work"
    npm install --prefix "$work" --no-audit --no-fund --loglevel=error "wiremock@$wiremock_version" >&2
    jar="$(find_jar)"
fi
if [ -z "$jar" ]; then
    echo "setup: no wiremock-standalone jar under $work/node_modules/wiremock" >&2
    ls -R "$work/node_modules/wiremock" >&2 || true
    exit 1
fi
echo "setup: wiremock $wiremock_version jar:" >&2
echo "$jar"
