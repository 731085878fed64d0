#!/usr/bin/env bash
# Real-world check of `goalgen instrument` on LangGraph's own test-suite (`make realworld`).
#
# In .realworld/ (gitignored): download the langgraph sdist (with benchmarks/instrument_corpus.py,
# the one download step, shared with `make bench-instrument`), unpack a pristine copy and a working
# copy, build a separate venv with the sdist + its `test` dependency group + goalgen (editable),
# then:
#   1. run tests/test_pregel.py and tests/test_pregel_async.py (NO_DOCKER=true) -> baseline
#   2. `goalgen instrument tests/`            -> count decorated node functions (>= 800)
#   3. run the same tests again               -> every test has the same outcome as before
#   4. `goalgen instrument --check tests/`    -> exit 0 (a second run changes nothing)
#   5. `goalgen instrument --remove tests/`   -> every file byte-for-byte equal to the pristine copy
# Prints the numbers and exits non-zero, loudly, on any mismatch.
#
# Environment: PYTHON (interpreter for the venv, default python3), REALWORLD_DIR, LANGGRAPH_VERSION.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="${REALWORLD_DIR:-$ROOT/.realworld}"
VERSION="${LANGGRAPH_VERSION:-1.2.22}"
PYTHON="${PYTHON:-python3}"
MIN_NODES=800
TESTS=(tests/test_pregel.py tests/test_pregel_async.py)
CHECKS="$ROOT/scripts/realworld/checks.py"
VENV="$WORK/venv"
PRISTINE="$WORK/pristine/langgraph-$VERSION"
SRC="$WORK/src/langgraph-$VERSION"

step() { printf '\n== %s\n' "$*" >&2; }
fail() { printf '\nrealworld: FAIL: %s\n' "$*" >&2; exit 1; }
quiet_pip() {  # pip's chatter goes to pip.log; shown only when pip fails
    "$VENV/bin/python" -m pip "$@" >>"$WORK/pip.log" 2>&1 \
        || { tail -n 30 "$WORK/pip.log" >&2; fail "pip $* failed (see $WORK/pip.log)"; }
}
check() { "$VENV/bin/python" "$CHECKS" "$@"; }

mkdir -p "$WORK"
cd "$WORK"
: >"$WORK/pip.log"

step "venv for langgraph's tests ($VENV)"
STAMP="$VENV/.installed-langgraph-$VERSION"
if [ ! -f "$STAMP" ]; then
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV"
    quiet_pip install -q --upgrade pip
fi
SDIST="$("$VENV/bin/python" "$ROOT/benchmarks/instrument_corpus.py" download "langgraph==$VERSION" "$WORK/dl")" \
    || fail "could not download the langgraph $VERSION sdist"
rm -rf "$WORK/pristine" "$WORK/src"
mkdir -p "$WORK/pristine" "$WORK/src"
tar xzf "$SDIST" -C "$WORK/pristine"
tar xzf "$SDIST" -C "$WORK/src"
if [ ! -f "$STAMP" ]; then
    quiet_pip install -q "$SDIST" --group "$PRISTINE/pyproject.toml:test"
    touch "$STAMP"
fi
# goalgen itself, editable, so `frmk` (the tracing runtime) imports in the tested code.
quiet_pip install -q -e "$ROOT"
"$VENV/bin/python" -c "import frmk.utils.tracing, codemods, instrument, langgraph" \
    || fail "the venv cannot import goalgen's packages and langgraph"
GOALGEN="$VENV/bin/goalgen"
export GOALGEN_CACHE_DIR="$WORK/cache"
rm -rf "$GOALGEN_CACHE_DIR"

run_tests() {  # $1 = label; writes $WORK/$1.xml and $WORK/$1.log
    local label="$1" status=0
    local start=$SECONDS
    (cd "$SRC" && NO_DOCKER=true "$VENV/bin/python" -m pytest "${TESTS[@]}" -q -p no:cacheprovider \
        --junitxml="$WORK/$label.xml" >"$WORK/$label.log" 2>&1) || status=$?
    echo "$label: $(tail -n 1 "$WORK/$label.log") [exit $status, $((SECONDS - start)) s]" >&2
    [ -f "$WORK/$label.xml" ] || fail "pytest wrote no results for the $label run (see $WORK/$label.log)"
    echo "$label outcomes: $(check junit-summary "$WORK/$label.xml")" >&2
}

step "1. langgraph tests before instrumenting"
run_tests before

step "2. goalgen instrument tests/"
start=$SECONDS
status=0
(cd "$SRC" && "$GOALGEN" instrument tests/ --format json --no-color >"$WORK/instrument.json" \
    2>"$WORK/instrument.log") || status=$?
cat "$WORK/instrument.log" >&2
echo "instrument: exit $status in $((SECONDS - start)) s" >&2
[ "$status" -eq 0 ] || fail "goalgen instrument exited $status"
check count-nodes "$WORK/instrument.json" "$SRC/tests" "$MIN_NODES" >&2 \
    || fail "node count check failed"
(cd "$WORK/src" && diff -ru "../pristine/langgraph-$VERSION/tests" "langgraph-$VERSION/tests" \
    >"$WORK/instrument.diff") || true
echo "full diff: $WORK/instrument.diff ($(grep -c '^+' "$WORK/instrument.diff") added lines)" >&2

step "3. langgraph tests after instrumenting (spans to a file)"
rm -f "$WORK/spans.jsonl"
export TRACING_OUTPUT="$WORK/spans.jsonl"
run_tests after
unset TRACING_OUTPUT
check count-spans "$WORK/spans.jsonl" >&2 || fail "no spans recorded"
check junit-compare "$WORK/before.xml" "$WORK/after.xml" >&2 \
    || fail "test outcomes changed after instrumenting"

step "4. instrument again: nothing to do"
for cache_flag in --no-cache ""; do
    start=$SECONDS
    status=0
    (cd "$SRC" && "$GOALGEN" instrument tests/ --check --no-color $cache_flag \
        >"$WORK/check.out" 2>"$WORK/check.log") || status=$?
    echo "instrument --check ${cache_flag:-(with cache)}: exit $status in $((SECONDS - start)) s: $(tail -n 1 "$WORK/check.log")" >&2
    [ "$status" -eq 0 ] || { head -n 20 "$WORK/check.out" >&2; fail "a second run would change files"; }
done

step "5. goalgen instrument --remove tests/"
status=0
(cd "$SRC" && "$GOALGEN" instrument tests/ --remove --no-color 2>"$WORK/remove.log") || status=$?
cat "$WORK/remove.log" >&2
[ "$status" -eq 0 ] || fail "goalgen instrument --remove exited $status"
check compare-trees "$PRISTINE" "$SRC" >&2 || fail "--remove did not give back the original bytes"

printf '\nrealworld: OK\n' >&2
