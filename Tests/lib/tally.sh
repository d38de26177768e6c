# Tests/lib/tally.sh: the pass/fail bookkeeping every test script shares.
# Source it; it defines
#   pass NAME            one "ok" line
#   fail NAME [FILE]     one "FAIL" line, with the tail of FILE indented under it
#   check NAME FILE grep-args...   pass or fail by whether grep finds it in FILE
#   read_log LOG         keeps LOG without carriage returns (serial consoles add
#                        them) in $clean, for in_log NAME grep-args...
# and counts them in $passed and $failed.
passed=0
failed=0
pass() { echo "  ok   $1"; passed=$((passed + 1)); }
fail() { echo "  FAIL $1"; failed=$((failed + 1)); [ -n "${2:-}" ] && sed 's/^/       | /' "$2" | tail -40; return 0; }
check() {
  local name=$1 file=$2; shift 2
  if grep -q "$@" "$file"; then pass "$name"; else fail "$name"; fi
}
read_log() {
  clean=$(mktemp); trap 'rm -f "$clean"' EXIT
  tr -d '\r' <"$1" >"$clean"
}
in_log() { local name=$1; shift; check "$name" "$clean" "$@"; }
