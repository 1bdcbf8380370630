#!/usr/bin/env bash
# The CPU cost of a value round trip, measured on a whole benthos-wasm
# process: generate (1 KiB payload, batches of 64) -> one processor -> drop,
# one pipeline thread. Each case is a separate process, timed by its CPU time
# (user + sys, from the shell's wait4 rusage of the child), so the garbage
# collector, the input and the output are all counted, and other processes
# holding the CPU do not count (they still slow it some: shared caches).
# Rounds interleave the cases. Each case's added cost per message is its
# median over the rounds minus the no-processor case's median, and also its
# minimum minus that case's minimum: other processes only ever add CPU time
# (shared caches, memory bandwidth), so on a busy machine the minimums are
# the closer estimate of a quiet one. A run during which other processes
# used more than MAX_FOREIGN (default 0.15) of a core is run again, up to
# RETRIES (default 4) times. The cases:
#
#   none       no processor: generate -> drop
#   stage      Benthos's own noop processor: what a pipeline stage costs any
#              processor, before it does anything
#   noop       wasm_smt noop.wasm noop: a guest call with no host call, what
#              having wasm_smt at all costs
#   roundtrip  wasm_smt noop.wasm roundtrip: get_value, set_value unchanged
#   to_upper   wasm_smt rust.wasm to_upper (eight bytes at a time)
#   bloblang   mapping: root = content().uppercase()
#
# It prints, for each case, the CPU time of every round, the CPU it adds per
# message over `none` and its median peak memory, then to_upper's added cost
# over Bloblang's.
#
#   bench/roundtrip.sh                 1,000,000 messages per run, 3 rounds
#   MESSAGES=100000 bench/roundtrip.sh fewer messages (a quick look)
#   ROUNDS=5 bench/roundtrip.sh        more rounds
#   BIN=path/to/benthos-wasm ...       measure that binary instead of building one
#   BEFORE=<git rev> ...               also build that revision and measure both
#                                      binaries in the same interleaved rounds
#                                      (both with this tree's testdata/wasm)
#   PROFILE=to_upper ...               also write a 20 s CPU profile of that case
#                                      to bench/out/<case>.cpu.prof (pprof over
#                                      Benthos's debug endpoints; not timed);
#                                      with ROUNDS=0, only the profile
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

messages=${MESSAGES:-1000000}
rounds=${ROUNDS:-3}
cases=(none stage noop roundtrip to_upper bloblang)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p bench/out

# labels[i] names the binary bins[i] in the report.
labels=() bins=()
if [ -n "${BEFORE:-}" ]; then
    rev=$(git rev-parse --short "$BEFORE")
    echo "building $BEFORE ($rev) as bench/out/benthos-wasm-$rev" >&2
    mkdir "$work/src"
    git archive "$rev" | tar -x -C "$work/src"
    (cd "$work/src" && go build -o "$OLDPWD/bench/out/benthos-wasm-$rev" ./cmd/benthos-wasm)
    labels+=("before($rev)") bins+=("bench/out/benthos-wasm-$rev")
fi
if [ -n "${BIN:-}" ]; then
    labels+=("$BIN") bins+=("$BIN")
else
    echo "building bench/out/benthos-wasm from the working tree" >&2
    go build -o bench/out/benthos-wasm ./cmd/benthos-wasm
    labels+=("this") bins+=(bench/out/benthos-wasm)
fi

payload=$(printf 'abcdefghijklmnopqrstuvwxyz012345%.0s' $(seq 32)) # 1 KiB, as bench.Payload

# processor prints the pipeline.processors list of a case.
processor() {
    local wasm=testdata/wasm cache=$work/cache
    case $1 in
    none) echo "[]" ;;
    stage) echo "[{noop: {}}]" ;;
    noop) printf '[{wasm_smt: {module_path: %s/noop.wasm, function: noop, compilation_cache_dir: %s}}]\n' "$wasm" "$cache" ;;
    roundtrip) printf '[{wasm_smt: {module_path: %s/noop.wasm, function: roundtrip, compilation_cache_dir: %s}}]\n' "$wasm" "$cache" ;;
    to_upper) printf '[{wasm_smt: {module_path: %s/rust.wasm, function: to_upper, compilation_cache_dir: %s}}]\n' "$wasm" "$cache" ;;
    bloblang) echo '[{mapping: "root = content().uppercase()"}]' ;;
    *)
        echo "unknown case $1" >&2
        return 1
        ;;
    esac
}

# config writes the config of a case for n messages, with the given output
# and http section, and prints its path.
config() {
    local name=$1 n=$2 output=$3 http=$4 file
    file=$work/$name-$n-${output%%:*}.yaml
    cat >"$file" <<EOF
http: $http
logger: { level: none }
input:
  generate:
    mapping: 'root = "$payload"'
    interval: ""
    count: $n
    batch_size: 64
pipeline:
  threads: 1
  processors: $(processor "$name")
output: $output
EOF
    echo "$file"
}

# A check first (which also fills the compilation cache): two messages of
# each case to stdout, upper-cased or not as the case says.
upper=$(tr a-z A-Z <<<"$payload")
for bin in "${bins[@]}"; do
    for c in "${cases[@]}"; do
        want=$payload
        case $c in to_upper | bloblang) want=$upper ;; esac
        got=$("$bin" run "$(config "$c" 2 "{stdout: {}}" "{enabled: false}")")
        if [ "$got" != "$(printf '%s\n%s' "$want" "$want")" ]; then
            echo "$bin, case $c: unexpected output: ${got:0:80}..." >&2
            exit 1
        fi
    done
done

if [ "$rounds" -gt 0 ]; then
    echo "CPU time (user+sys) of $messages messages, 1 KiB, batch 64, 1 pipeline thread, $rounds interleaved rounds; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
fi
# busy prints the CPU time, in seconds, that the whole machine has spent
# busy (user, nice, system, irq, softirq, steal) since boot, from /proc/stat.
busy() {
    awk -v hz="$(getconf CLK_TCK)" '/^cpu / { printf "%.2f", ($2 + $3 + $4 + $7 + $8 + $9) / hz }' /proc/stat
}

# measure runs one case once and prints "user sys wall foreign rss": the
# run's CPU and wall time, the CPU time other processes used meanwhile, and
# its peak resident memory in MiB ("-" without /usr/bin/time).
measure() {
    local bin=$1 conf=$2 before after user sys wall rss=-
    before=$(busy)
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -f "%U %S %e %M" -o "$work/time" "$bin" run "$conf" >/dev/null 2>"$work/stderr" ||
            { cat "$work/stderr" >&2; return 1; }
        read -r user sys wall rss <"$work/time"
        rss=$((rss / 1024))
    else
        { time "$bin" run "$conf" >/dev/null 2>"$work/stderr"; } 2>"$work/time" ||
            { cat "$work/stderr" >&2; return 1; }
        read -r user sys wall <"$work/time"
    fi
    after=$(busy)
    echo "$user $sys $wall $(awk -v b="$before" -v a="$after" -v u="$user" -v s="$sys" 'BEGIN { f = a - b - u - s; printf "%.2f", f < 0 ? 0 : f }') $rss"
}

# A run during which other processes used more than max_foreign of a core
# (they slow it even in CPU time: caches, memory bandwidth) is run again, up
# to retries times; the last try counts either way, and is marked.
max_foreign=${MAX_FOREIGN:-0.15}
retries=${RETRIES:-4}
TIMEFORMAT='%3U %3S %3R'
for r in $(seq "$rounds"); do
    for c in "${cases[@]}"; do
        for i in "${!bins[@]}"; do
            conf=$(config "$c" "$messages" "{drop: {}}" "{enabled: false}")
            for try in $(seq 0 "$retries"); do
                read -r user sys wall foreign rss <<<"$(measure "${bins[$i]}" "$conf")"
                disturbed=$(awk -v f="$foreign" -v w="$wall" -v m="$max_foreign" 'BEGIN { print (f > m * w) ? 1 : 0 }')
                note=""
                [ "$disturbed" = 1 ] && note=" (others used $foreign s of CPU meanwhile)"
                echo "round $r ${labels[$i]} $c: user $user s, sys $sys s, wall $wall s, max RSS $rss MiB$note" >&2
                if [ "$disturbed" = 0 ]; then
                    break
                fi
                if [ "$try" = "$retries" ]; then
                    echo "disturbed ${labels[$i]} $c" >>"$work/disturbed"
                else
                    sleep 2
                fi
            done
            echo "${labels[$i]} $c $(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.3f", u + s }') $rss" >>"$work/samples"
        done
    done
done

if [ "$rounds" -gt 0 ]; then
    echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
    if [ -s "$work/disturbed" ]; then
        echo "$(wc -l <"$work/disturbed") of $((rounds * ${#cases[@]} * ${#bins[@]})) runs stayed disturbed by other processes after $retries retries" >&2
    fi
    awk -v n="$messages" -v order="${cases[*]}" -v binaries="${labels[*]}" '
function sorted(b, c, a,    k, i, j, t) {
    k = count[b, c]
    for (i = 1; i <= k; i++) a[i] = s[b, c, i]
    for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return k
}
function median(b, c,    k, a) {
    k = sorted(b, c, a)
    return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
}
function minimum(b, c,    a) {
    sorted(b, c, a)
    return a[1]
}
function medianrss(b, c,    k, i, j, t, a) {
    k = count[b, c]
    for (i = 1; i <= k; i++) a[i] = r[b, c, i]
    if (a[1] == "-") return "-"
    for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return a[int((k + 1) / 2)] " MiB"
}
{ k = ++count[$1, $2]; s[$1, $2, k] = $3; r[$1, $2, k] = $4 }
END {
    split(order, names, " ")
    nb = split(binaries, bs, " ")
    for (x = 1; x <= nb; x++) {
        b = bs[x]
        if (nb > 1) printf "%s%s\n", (x > 1 ? "\n" : ""), b
        printf "%-10s %-32s %7s %7s %13s %13s %9s\n", "case", "CPU s per run", "median", "min", "added median", "added min", "max RSS"
        for (i = 1; i in names; i++) {
            c = names[i]; runs = ""
            for (j = 1; j <= count[b, c]; j++) runs = runs sprintf("%s%.2f", j > 1 ? " " : "", s[b, c, j])
            med[c] = median(b, c); lo[c] = minimum(b, c)
            am[b, c] = (med[c] - med["none"]) * 1e6 / n; al[b, c] = (lo[c] - lo["none"]) * 1e6 / n
            printf "%-10s %-32s %7.2f %7.2f %13s %13s %9s\n", c, runs, med[c], lo[c],
                c == "none" ? "-" : sprintf("%.2f µs", am[b, c]), c == "none" ? "-" : sprintf("%.2f µs", al[b, c]), medianrss(b, c)
        }
        if (am[b, "bloblang"] > 0 && al[b, "bloblang"] > 0)
            printf "to_upper / bloblang (added cost): %.2f by medians, %.2f by minimums\n",
                am[b, "to_upper"] / am[b, "bloblang"], al[b, "to_upper"] / al[b, "bloblang"]
    }
}' "$work/samples"
fi

if [ -n "${PROFILE:-}" ]; then
    bin=${bins[-1]}
    port=${PPROF_PORT:-14195}
    # Enough messages to outlast the profile.
    conf=$(config "$PROFILE" 100000000 "{drop: {}}" "{enabled: true, address: \"127.0.0.1:$port\", debug_endpoints: true}")
    "$bin" run "$conf" >/dev/null 2>"$work/stderr" &
    pid=$!
    sleep 2
    curl -sf -o "bench/out/$PROFILE.cpu.prof" "http://127.0.0.1:$port/debug/pprof/profile?seconds=20" ||
        echo "profile failed: $(cat "$work/stderr")" >&2
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    echo "profile: bench/out/$PROFILE.cpu.prof (go tool pprof -top $bin bench/out/$PROFILE.cpu.prof)" >&2
fi
