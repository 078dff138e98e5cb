#!/usr/bin/env bash
# Fresh clone to first answer: clones this repository's HEAD into a temporary folder, times
# `npm ci`, then times `npm start` to the first answer (first and second start).
set -euo pipefail
source_dir=$(cd "$(dirname "$0")/.." && pwd)
clone=$(mktemp -d /tmp/stock-insight-clone-XXXXXX)
trap 'rm -rf "$clone"' EXIT
# mktemp makes the folder 0700; as root, the embedded PostgreSQL runs as the postgres user,
# which must be able to reach the binaries inside the clone.
chmod 755 "$clone"
git clone -q "$source_dir" "$clone"
cd "$clone"
start=$(date +%s%N)
npm ci --no-audit --no-fund --loglevel=error > /dev/null
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "npm ci (with client generation): $((elapsed_ms / 1000)).$(( (elapsed_ms % 1000) / 100 )) s"
node scripts/measure-startup.mjs "$clone"
