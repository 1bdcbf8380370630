#!/usr/bin/env bash
# Measures wasm_smt against Bloblang and native Go processors and prints the
# Markdown report (also written to bench/out/report.md). Progress goes to
# stderr. Takes about six minutes on two cores (QUICK=1: well under one).
#
#   bench/run.sh           the full report
#   QUICK=1 bench/run.sh   tiny counts, one round: checks that everything runs
#                          (for CI; judges nothing about timing)
#   ROUNDS=5 bench/run.sh  more samples per figure (the median is shown)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

mkdir -p bench/out
go build -o bench/out/report ./bench/cmd/report

args=(-out bench/out/report.md -rounds "${ROUNDS:-3}")
if [ "${QUICK:-0}" = 1 ]; then
    args+=(-quick)
fi
bench/out/report "${args[@]}"
