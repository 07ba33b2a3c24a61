#!/usr/bin/env bash
# Usage: run.sh [--subset] [--list] [NAME-PATTERN...]
# make mutation-test: every mutant of tests/mutation/mutants.txt (those marked "fast" with
# --subset, as make test runs them; those whose name matches a pattern when any is given) is
# applied, alone, to a scratch copy of this tree, built, and run against the tests that must kill
# it, in the order listed, until one fails. Prints one verdict per mutant:
#   PASS: mutant NAME (killed by KIND TEST: its FAIL line)
#   FAIL: mutant NAME: survived TEST, TEST...
#   FAIL: mutant NAME: ...   when its text is not in its file exactly once (the code changed:
#                            update the list), when it does not build, or when one of its tests
#                            already fails without any mutant (then nothing can be judged)
# Last line "N mutants killed, N not"; exit 1 if any was not killed. --list prints the mutants.
#
# The scratch copy: every file of the working tree that git knows or would add (uncommitted edits
# included) and the current $BUILD (so only what a mutant touches is rebuilt), in
# $BUILD/mutation/runs/<run>/tree, deleted at the end; each mutant's test logs stay in
# $BUILD/mutation/runs/<run>/NAME/ ($BUILD/mutation/latest is the newest run). Tests: unit:NAME
# (the host unit binary), scenario:NAME, ring3:NAME, ring3-bounce:NAME (ring3 with fasttrap=off),
# script:PATH (a test script of the tree that prints verdicts, e.g. tests/http/native.sh).
# Environment: BUILD (build), RING3_TIMEOUT (60 here), MUTANTS (tests/mutation/mutants.txt).
set -euo pipefail
cd "$(dirname "$0")/../.."
export BUILD=${BUILD:-build}
list=${MUTANTS:-tests/mutation/mutants.txt}

subset=0 list_only=0
while [ $# -gt 0 ]; do
    case $1 in
    --subset) subset=1 ;;
    --list) list_only=1 ;;
    -*) sed -n '2p' "$0" | sed 's/^# //' >&2; exit 2 ;;
    *) break ;;
    esac
    shift
done
patterns=("$@")
[ ${#patterns[@]} -gt 0 ] || patterns=("*")

die() { echo "mutation: $*" >&2; exit 2; }

# "\n" in find and replace is a line break, "\\" a backslash.
unescape()
{
    local v=${1//\\\\/$'\001'}
    v=${v//\\n/$'\n'}
    printf '%s' "${v//$'\001'/\\}"
}
# ---- The list: blocks of "key value" lines, one mutant per block, "#" comments. ----
names=() files=() finds=() repls=() tests=() fasts=() whys=()
parse()
{
    local line key val n=-1 lineno=0
    while IFS= read -r line || [ -n "$line" ]; do
        lineno=$((lineno + 1))
        [[ $line =~ ^[[:space:]]*(#|$) ]] && continue
        key=${line%%[[:space:]]*}
        val=${line#"$key"}
        val=${val#"${val%%[![:space:]]*}"} # leading blanks off; the rest is verbatim
        case $key in
        mutant)
            n=$((n + 1))
            names[n]=$val files[n]="" finds[n]="" repls[n]="" tests[n]="" fasts[n]=0 whys[n]=""
            ;;
        file | find | replace | tests | why | fast)
            [ "$n" -ge 0 ] || die "$list:$lineno: '$key' before the first 'mutant'"
            case $key in
            file) files[n]=$val ;;
            find) finds[n]=$(unescape "$val") ;;
            replace) repls[n]=$(unescape "$val") ;;
            tests) tests[n]=$val ;;
            why) whys[n]=$val ;;
            fast) fasts[n]=1 ;;
            esac
            ;;
        *) die "$list:$lineno: unknown key '$key'" ;;
        esac
    done <"$list"
    local i
    for i in "${!names[@]}"; do
        [ -n "${files[i]}" ] && [ -n "${finds[i]}" ] && [ -n "${tests[i]}" ] ||
            die "$list: mutant ${names[i]} lacks file, find or tests"
        [ "${finds[i]}" != "${repls[i]}" ] || die "$list: mutant ${names[i]} changes nothing"
    done
}
parse

selected=()
for i in "${!names[@]}"; do
    [ "$subset" = 0 ] || [ "${fasts[i]}" = 1 ] || continue
    for p in "${patterns[@]}"; do
        # shellcheck disable=SC2053 # a glob match is the point
        if [[ ${names[i]} == $p ]]; then
            selected+=("$i")
            break
        fi
    done
done
if [ "$list_only" = 1 ]; then
    for i in "${selected[@]}"; do
        printf '%-28s %s\n    %s\n    killed by: %s\n' "${names[i]}" "${files[i]}" "${whys[i]}" "${tests[i]}"
    done
    exit 0
fi
if [ ${#selected[@]} -eq 0 ]; then
    echo "FAIL: mutation: no mutant matches ${patterns[*]}"
    echo "0 mutants killed, 1 not"
    exit 1
fi

# How often FIND occurs in FILE (bash patterns quoted: literal text).
occurrences() # FILE FIND
{
    local rest n=0
    rest=$(cat "$1"; echo x)
    while [[ $rest == *"$2"* ]]; do
        rest=${rest#*"$2"}
        n=$((n + 1))
    done
    echo "$n"
}
apply() # FILE FIND REPLACE: FILE with the occurrence replaced, on stdout
{
    local all
    all=$(cat "$1"; echo x)
    all=${all%x}
    printf '%s' "${all/"$2"/"$3"}"
}

# ---- The scratch tree. ----
# shellcheck source=tests/lib/run-dir.sh
source tests/lib/run-dir.sh
unset TEST_RUN_DIR
run_dir_init "$BUILD/mutation" latest
run=$(cd "$TEST_RUN_DIR" && pwd) # the tests run inside the tree: their log paths are absolute
tree=$run/tree
cleanup() { rm -rf "$tree"; }
trap cleanup EXIT
mkdir -p "$tree/build"
# (git is no dependency of ours: outside a git checkout, every file but build directories)
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files -z --cached --others --exclude-standard
else
    find . \( -path ./.git -o -path "./$BUILD" -o -path './build*' \) -prune -o -type f -print0
fi | tar --null -T - --ignore-failed-read -cf - 2>/dev/null | tar -xf - -C "$tree"
(cd "$BUILD" && tar --exclude=./mutation --exclude=./tests/runs --exclude=./tests/logs \
    --exclude=./linux-vm --exclude=./bench -cf - .) | tar -xf - -C "$tree/build"

build_tree() # LOG: what make test builds; 0 on success
{
    env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$tree" --no-print-directory BUILD=build \
        test-build >"$1" 2>&1
}

# One test in the scratch tree: 0 when it passes; its FAIL line (or the reason) in $reason.
reason=""
run_test() # KIND:NAME LOGDIR
{
    local t=$1 kind=${1%%:*} name=${1#*:} logs=$2 out status=0
    mkdir -p "$logs"
    out=$logs/${kind}-${name//\//_}.out
    case $kind in
    unit)
        # (the inner shell, not ours, reports a binary that dies of a signal, into /dev/null)
        status=$({ (cd "$tree" && "build/tests/unit/$name") >"$out" 2>&1 </dev/null; echo $?; } 2>/dev/null)
        if grep -q '^FAIL:' "$out" && [ "$status" -eq 0 ]; then status=1; fi
        ;;
    scenario)
        (cd "$tree" && TEST_RUN_DIR=$logs BUILD=build bash tests/qemu/run-scenario.sh \
            "tests/scenarios/$name.scn") >"$out" 2>&1 </dev/null || status=$?
        ;;
    ring3 | ring3-bounce)
        local args=""
        [ "$kind" = ring3 ] || args=fasttrap=off
        (cd "$tree" && RING3_LOG_DIR=$logs RING3_GUEST_ARGS=$args BUILD=build \
            RING3_TIMEOUT=${RING3_TIMEOUT:-60} TEST_JOBS=1 bash tests/ring3/run-ring3.sh "$name") \
            >"$out" 2>&1 </dev/null || status=$?
        ;;
    script)
        (cd "$tree" && TEST_RUN_DIR=$logs BUILD=build bash "$name") >"$out" 2>&1 </dev/null ||
            status=$?
        ;;
    *)
        reason="unknown test kind '$kind' in $t"
        return 2
        ;;
    esac
    reason=$(grep -m1 '^FAIL' "$out" || tail -n 1 "$out")
    # A scenario's first failed check says more than its missing summary line.
    if [ "$kind" = scenario ] && [ "$status" -ne 0 ] && [ -f "$logs/$name.log" ]; then
        local first
        first=$(tr -d '\r' <"$logs/$name.log" | grep -am1 ': FAILED' || true)
        [ -z "$first" ] || reason+=" [$first]"
    fi
    [ "$status" -eq 0 ]
}

killed=0 not=0
verdict()
{
    echo "$1"
    if [[ $1 == PASS:* ]]; then killed=$((killed + 1)); else not=$((not + 1)); fi
}

if ! build_tree "$run/build-baseline.log"; then
    tail -n 20 "$run/build-baseline.log" | sed 's/^/    /'
    for i in "${selected[@]}"; do verdict "FAIL: mutant ${names[i]}: the unmutated tree does not build"; done
    echo "$killed mutants killed, $not not"
    exit 1
fi

# Every test named must pass without a mutant, or its failure would "kill" anything.
declare -A baseline=()
for i in "${selected[@]}"; do
    for t in ${tests[i]}; do
        [ -z "${baseline[$t]:-}" ] || continue
        if run_test "$t" "$run/baseline"; then baseline[$t]=ok; else baseline[$t]="$reason"; fi
    done
done

for i in "${selected[@]}"; do
    name=${names[i]} file=${files[i]}
    if [ ! -f "$tree/$file" ]; then
        verdict "FAIL: mutant $name: $file does not exist (update $list)"
        continue
    fi
    n=$(occurrences "$tree/$file" "${finds[i]}")
    if [ "$n" -ne 1 ]; then
        verdict "FAIL: mutant $name: its text is in $file $n times, not once (the code changed: update $list): ${finds[i]}"
        continue
    fi
    bad=""
    for t in ${tests[i]}; do
        [ "${baseline[$t]}" = ok ] || bad+="$t (${baseline[$t]}) "
    done
    if [ -n "$bad" ]; then
        verdict "FAIL: mutant $name: cannot be judged: without any mutant, $bad"
        continue
    fi
    cp -p "$tree/$file" "$run/original"
    apply "$run/original" "${finds[i]}" "${repls[i]}" >"$tree/$file"
    touch "$tree/$file"
    mkdir -p "$run/$name"
    start=$SECONDS
    if ! build_tree "$run/$name/build.log"; then
        verdict "FAIL: mutant $name: does not build (a mutant must compile; see $run/$name/build.log)"
    else
        survived=() killer=""
        for t in ${tests[i]}; do
            if run_test "$t" "$run/$name"; then
                survived+=("$t")
            else
                killer="$t: $reason"
                break
            fi
        done
        if [ -n "$killer" ]; then
            verdict "PASS: mutant $name (killed by ${killer/:/ } after $((SECONDS - start)) s)"
        else
            verdict "FAIL: mutant $name: survived ${survived[*]} ($file: ${whys[i]})"
        fi
    fi
    # Back to the original, newer than anything the mutant built, so the next build redoes it.
    cp "$run/original" "$tree/$file"
    touch "$tree/$file"
done
echo "$killed mutants killed, $not not"
[ "$not" -eq 0 ]
