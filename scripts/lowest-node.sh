#!/usr/bin/env bash
# The lowest Node release package.json's engines allow, from the npm
# registry's `node` package (a Linux or macOS binary), kept in
# .cache/node-<version>: `npm ci` under it must print no EBADENGINE warning,
# then the unit and cli tiers run under it. The machine's own Node (which
# runs the service and matrix tiers) may be older: CI machines have Node 20.
set -euo pipefail
cd "$(dirname "$0")/.."
# The first version of the engines range: "^22.22.2 || ..." -> 22.22.2.
version=$(node -p "require('./package.json').engines.node.match(/\d+\.\d+\.\d+/)[0]")
dir=".cache/node-$version"
bin="$dir/node_modules/node/bin"
if [ ! -x "$bin/node" ] || [ "$("$bin/node" --version)" != "v$version" ]; then
  rm -rf "$dir" && mkdir -p "$dir"
  npm install --prefix "$dir" --no-save --no-audit --no-fund --no-package-lock "node@$version" >/dev/null
fi
export PATH="$PWD/$bin:$PATH"
echo "lowest supported Node: $(node --version)"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
npm ci --no-audit --no-fund 2>&1 | tee "$log"
if grep -q EBADENGINE "$log"; then
  echo "npm ci under Node $version printed EBADENGINE warnings (above): package.json engines is wrong" >&2
  exit 1
fi
# Arguments replace the tiers (a file, -t): for a quicker check by hand.
if [ $# -eq 0 ]; then set -- --project unit --project cli; fi
npx vitest run "$@"
