#!/usr/bin/env bash
# Gauge readings.
set -euo pipefail

UNIT="bar"

# Print a reading in psi.
to_psi() {
  local bars="$1"
  echo "$((bars * 145 / 10))"
}

to_psi_all() {
  # to_psi each one
  for b in "$@"; do
    to_psi "$b"
  done
  echo "to_psi done"
}

function describe {
  echo "$UNIT: $(to_psi 2)"
}
