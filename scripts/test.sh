#!/usr/bin/env bash
# Runs every test of offboard-site: formatting and lints, the Rust unit and
# integration tests, and the browser tests in Debian's Chromium. Installs what
# it needs on a fresh machine (chromium and Java via apt, npm packages via npm ci).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== cargo clippy"
cargo clippy --all-targets --quiet -- -D warnings

echo "== cargo test"
cargo test --quiet 2>&1 | tee /tmp/offboard-cargo-test.log

if [ -d tests/browser ]; then
  echo "== browser tests"
  # Chromium for the browser tests; Java for the Nu Html Checker (vnu-jar),
  # installed before `npm ci` so that vnu-jar's postinstall finds it and
  # downloads no Java of its own.
  missing=""
  command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
  command -v java >/dev/null 2>&1 || missing="$missing default-jre-headless"
  if [ -n "$missing" ]; then
    if [ "$(id -u)" = 0 ]; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
    else
      sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
    fi
  fi
  (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
  cargo build --quiet
  node --test --test-concurrency=1 tests/browser/
fi
