#!/usr/bin/env bash
# Tack's whole test suite (`npm test`), or some stages of it:
#   bash test/run.sh                      setup, build, unit, integration, e2e
#   bash test/run.sh unit e2e             setup + build, then only those stages
#   stages: unit | integration | e2e | bench   (setup and build always run first; skip them with
#   TACK_SKIP_BUILD=1 when out/ and dist/ are fresh)
# setup = `npm ci` when node_modules is missing or package-lock.json changed;
# build = typecheck, esbuild bundle, tsc of the tests (out/);
# integration/e2e also install Node 24 + code-server + playwright-core once (test/harness/tools.sh).
# Every stage's test counts are summed. The last line printed is always "N passed, N failed";
# the exit code is non-zero when a stage failed or crashed (a crash counts as one failed test).
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
. "$ROOT/test/harness/lib.sh"
mkdir -p "$RUN_DIR"

requested=("$@")
[ ${#requested[@]} -gt 0 ] || requested=(unit integration e2e)
for s in "${requested[@]}"; do
  case "$s" in
    setup|build|unit|integration|e2e|bench) ;;
    *) echo "test/run.sh: unknown stage '$s' (stages: unit integration e2e bench)"; echo "0 passed, 1 failed"; exit 2 ;;
  esac
done
wants() { local s; for s in "${requested[@]}"; do [ "$s" = "$1" ] && return 0; done; return 1; }

TOTAL_PASSED=0
TOTAL_FAILED=0
BAD=0
SUMMARY=()
SUITE_START=$(now)

# stage NAME RESULTS_JSON|- CMD... : runs CMD, adds the counts from RESULTS_JSON to the totals.
# Returns CMD's exit status.
stage() {
  local name="$1" results="$2"; shift 2
  local s rc=0 p=0 f=0 verdict
  echo
  echo "===== $name ====="
  [ "$results" = "-" ] || rm -f "$results"
  s=$(now)
  "$@" || rc=$?
  local t; t=$(elapsed "$s")
  local have=0
  if [ "$results" != "-" ] && [ -s "$results" ]; then
    local counts
    if counts="$(node -e 'const t=require("fs").readFileSync(process.argv[1],"utf8").trim();let r;try{r=JSON.parse(t)}catch{r=JSON.parse(t.split("\n").pop())}if(typeof r.passed!=="number"||typeof r.failed!=="number")process.exit(1);console.log(r.passed+" "+r.failed)' "$results" 2>/dev/null)"; then
      read -r p f <<<"$counts"
      have=1
    else
      echo "!!! stage '$name': could not read {passed, failed} from $results"
    fi
  fi
  if [ $rc -eq 0 ] && { [ "$results" = "-" ] || [ $have -eq 1 ]; }; then
    verdict="ok"
  elif [ $rc -ne 0 ] && [ $have -eq 1 ] && [ "$f" -gt 0 ]; then
    verdict="FAILED"
    BAD=1
  elif [ "$results" = "-" ]; then
    echo "!!! stage '$name' failed (exit code $rc): counted as 1 failure"
    verdict="FAILED (exit $rc)"
    f=1
    BAD=1
  else
    if [ $rc -eq 0 ]; then
      echo "!!! stage '$name' exited 0 but wrote no results to $results: counted as 1 failure"
    else
      echo "!!! stage '$name' crashed (exit code $rc) without reporting a test failure: counted as 1 failure"
    fi
    verdict="CRASHED (exit $rc)"
    f=$((f + 1))
    BAD=1
  fi
  TOTAL_PASSED=$((TOTAL_PASSED + p))
  TOTAL_FAILED=$((TOTAL_FAILED + f))
  if [ "$results" = "-" ]; then
    SUMMARY+=("$(printf '%-12s %8ss  %s' "$name" "$t" "$verdict")")
  else
    SUMMARY+=("$(printf '%-12s %8ss  %s  (%s passed, %s failed)' "$name" "$t" "$verdict" "$p" "$f")")
  fi
  echo "[time] stage $name: ${t}s -> $verdict"
  return $rc
}

skipped() {
  SUMMARY+=("$(printf '%-12s %8s   NOT RUN: %s (counted as 1 failure)' "$1" "-" "$2")")
  echo "!!! stage '$1' not run: $2"
  TOTAL_FAILED=$((TOTAL_FAILED + 1))
  BAD=1
}

finish() {
  echo
  echo "===== summary ($(elapsed "$SUITE_START")s) ====="
  local l
  for l in "${SUMMARY[@]}"; do echo "$l"; done
  echo "$TOTAL_PASSED passed, $TOTAL_FAILED failed"
  if [ $BAD -ne 0 ] || [ $TOTAL_FAILED -ne 0 ]; then exit 1; fi
  exit 0
}

# ---- stages -------------------------------------------------------------------------------

do_typecheck() { npm run --silent typecheck; }
do_build() { npm run --silent build; }
do_build_tests() { rm -rf "$ROOT/out" && npm run --silent build:tests; }

do_unit() {
  local out="$RUN_DIR/unit-results.json" files=()
  mapfile -t files < <(find out/test/unit -name '*.test.js' 2>/dev/null | sort)
  if [ ${#files[@]} -eq 0 ]; then
    echo "unit: no test files (out/test/unit/**/*.test.js): 0 tests"
    echo '{"passed":0,"failed":0}' > "$out"
    return 0
  fi
  echo "unit: ${#files[@]} test files, $(node --version)"
  node --test --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=./test/harness/count-reporter.mjs --test-reporter-destination="$out" \
    "${files[@]}"
}

do_tools() { bash "$ROOT/test/harness/tools.sh"; }

do_integration() {
  ( use_node24 && node "$ROOT/test/integration/runTest.cjs" )
}

do_package() { rm -f "$ROOT/tack.vsix" && npm run --silent package </dev/null; }

do_e2e() {
  TACK_TEST_RESULTS="$RUN_DIR/e2e/results.json" bash "$ROOT/test/e2e/run.sh"
}

do_bench() {
  if [ ! -f out/test/bench/run.js ]; then
    echo "bench: out/test/bench/run.js not found, nothing to run"
    echo '{"passed":0,"failed":0}' > "$RUN_DIR/bench-results.json"
    return 0
  fi
  # The bench may write {passed, failed} to TACK_TEST_RESULTS; if it does not, only its exit code counts.
  TACK_TEST_RESULTS="$RUN_DIR/bench-results.json" node out/test/bench/run.js || return $?
  [ -s "$RUN_DIR/bench-results.json" ] || echo '{"passed":0,"failed":0}' > "$RUN_DIR/bench-results.json"
}

# ---- run ----------------------------------------------------------------------------------

echo "Tack test suite: stages ${requested[*]} (node $(node --version), CI=${CI:-})"

if [ "${TACK_SKIP_BUILD:-}" != 1 ]; then
  stage setup - ensure_npm_deps || { skipped build "setup failed"; finish; }
  stage typecheck - do_typecheck
  stage build - do_build || { echo "build failed: no tests can run"; finish; }
  stage build:tests - do_build_tests
fi

if wants unit; then stage unit "$RUN_DIR/unit-results.json" do_unit; fi

tools_ok=1
if wants integration || wants e2e; then
  stage tools - do_tools || tools_ok=0
fi

if wants integration; then
  if [ $tools_ok = 1 ]; then
    stage integration "$RUN_DIR/integration/results.json" do_integration
  else
    skipped integration "installing the VS Code test tools failed"
  fi
fi

if wants e2e; then
  if [ $tools_ok != 1 ]; then
    skipped e2e "installing the VS Code test tools failed"
  elif stage package - do_package; then
    stage e2e "$RUN_DIR/e2e/results.json" do_e2e
  else
    skipped e2e "npm run package failed"
  fi
fi

if wants bench; then stage bench "$RUN_DIR/bench-results.json" do_bench; fi

finish
