#!/usr/bin/env bash
# Runs kenix-bench and writes BENCHMARKS.md with the machine, the exact
# command and the numbers of this one run. Usage: write-benchmarks.sh BENCH INITRD OUT
set -euo pipefail
bench=$1 initrd=$2 out=$3
cmd="$bench --initrd $initrd --repeats 5"
results=$($cmd)
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
{
  echo "# Kenix benchmarks"
  echo
  echo "Written by \`make bench\` on $(date -u +%Y-%m-%d). Host-time figures are noisy on shared"
  echo "machines: compare the ratios, which come from one run."
  echo
  echo "- machine: $cpu, $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr)"
  echo "- toolchain: $(swift --version 2>&1 | head -1); Unicorn $(dpkg-query -W -f '${Version}' libunicorn2 2>/dev/null || echo '?')"
  echo "- command: \`make bench\`, which runs \`$cmd\` (release build)"
  echo
  echo "## IPC in kenix-sim (issue 2)"
  echo
  echo "$results"
  echo
  echo "How it is measured: \`ipcbench\` (Userland/programs/ipcbench.c) boots as the first task,"
  echo "spawns itself as a server and makes N call/reply round trips with a tag and 4 words; the"
  echo "server answers with \`reply_recv\`, so a round trip is two traps and two address-space"
  echo "switches. A run of N/10 round trips is subtracted from a run of N, which removes boot and"
  echo "teardown. The svc floors run a two-instruction \`svc #0; b .-4\` loop."
} >"$out"
echo "wrote $out"
cat "$out"
