#!/usr/bin/env bash
# A short but sound profile of every mrnn4j benchmark on every backend that can run here.
#
#   benchmarks/run-profile.sh            # after: mvn -pl benchmarks -am package -DskipTests
#
# Writes JMH JSON and logs to benchmarks/target/profile-<timestamp>/ and prints a Markdown summary
# (medians, means, ratios between backends) that is also saved there as summary.md.
# About 15 minutes on a quiet 2-core machine with ejml and nd4j (more with cuda); close other work
# while it runs, and do not rebuild the jar meanwhile (the benchmark JVMs load classes from it).
#
# Environment (all optional):
#   JAVA       the java executable (default: $JAVA_HOME/bin/java, else java on the PATH)
#   BACKENDS   comma-separated backends to measure (default: every available one)
#   JVM_ARGS   extra options for the benchmark JVMs, e.g. "-Xmx8g"
#   RUNS       which parts to run, comma-separated (default: all): jacobian, jacobian-1024,
#              simulation, trajectory-64, trajectory-256, fixed-points, leading (the Krylov
#              eigenvalues at n = 512..4096 beside the dense ones), shared (8 threads on one backend)
#   QUICK=1    one measured iteration each: checks that everything runs, numbers are not meaningful
#
# The benchmarks run from the repository root, where FixedPointBenchmark finds the conformance
# checkpoint at ../shared/conformance; to use another copy, JVM_ARGS="-Dmrnn4j.conformance.dir=DIR".
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="$here/target/benchmarks.jar"
if [[ -n "${JAVA:-}" ]]; then
  java="$JAVA"
elif [[ -n "${JAVA_HOME:-}" ]]; then
  java="$JAVA_HOME/bin/java"
else
  java="java"
fi
if [[ "$java" == */* && "$java" != /* ]]; then
  java="$PWD/$java" # the script changes directory below
fi

if [[ ! -f "$jar" ]]; then
  echo "error: $jar not found; build it first with: mvn -pl benchmarks -am package -DskipTests" >&2
  exit 1
fi

all_runs="jacobian,jacobian-1024,simulation,trajectory-64,trajectory-256,fixed-points,leading,shared"
runs="${RUNS:-$all_runs}"
for r in ${runs//,/ }; do
  if [[ ",$all_runs," != *",$r,"* ]]; then
    echo "error: unknown run '$r' in RUNS; expected some of: $all_runs" >&2
    exit 1
  fi
done

if [[ -z "${BACKENDS:-}" ]]; then
  # Prints e.g. "ejml,nd4j"; the backends that cannot run are reported (with why) on stderr.
  if ! BACKENDS="$("$java" -cp "$jar" org.mrnn4j.benchmarks.AvailableBackends)"; then
    echo "error: no backend can run here" >&2
    exit 1
  fi
fi

out="$here/target/profile-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"
# Every path used below is absolute; the working directory is what FixedPointBenchmark resolves
# its default checkpoint directory (../shared/conformance) against.
cd "$here/.."

# One fork per cell: a fresh JVM, so one backend's native threads and JIT profile cannot leak into
# another's numbers. Warm-up iterations let the JIT, BLAS thread pools and GPU kernels settle.
# Where one operation already lasts seconds (eigen-analysis at n = 1024, BatchBenchmark), fewer
# iterations keep the profile short; each iteration then holds one or a few operations.
if [[ "${QUICK:-0}" == 1 ]]; then
  full=(-f 1 -wi 1 -i 1 -w 1s -r 1s)
  long=(-f 1 -wi 0 -i 1 -r 1s)
  longest=(-f 1 -wi 0 -i 1 -r 1s)
else
  full=(-f 1 -wi 2 -i 5 -w 1s -r 1s)
  long=(-f 1 -wi 1 -i 3 -w 1s -r 1s)
  longest=(-f 1 -wi 1 -i 2 -w 1s -r 1s)
fi
jvm=()
if [[ -n "${JVM_ARGS:-}" ]]; then
  jvm=(-jvmArgsAppend "$JVM_ARGS")
fi

echo "mrnn4j profile: backends=$BACKENDS; results in $out" >&2
echo "java: $("$java" -version 2>&1 | head -n 1); cores: $(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?')" >&2
# A busy machine makes every number slower and noisier, and native thread pools (OpenMP in ND4J)
# suffer most when cores are oversubscribed: warn rather than measure silently.
if [[ -r /proc/loadavg ]]; then
  load="$(cut -d ' ' -f 1 /proc/loadavg)"
  cores="$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)"
  if awk -v l="$load" -v c="$cores" 'BEGIN { exit !(l > c / 2) }'; then
    echo "warning: load average $load on $cores cores; the results will be noisy" >&2
  fi
fi

run() {
  local name="$1"
  shift
  if [[ ",$runs," != *",$name,"* ]]; then
    return 0
  fi
  echo ">>> $name" >&2
  # -foe false: a failing cell is reported and the profile goes on with the next one.
  "$java" -jar "$jar" "$@" -p backend="$BACKENDS" -tu ms -foe false ${jvm[@]+"${jvm[@]}"} \
    -rf json -rff "$out/$name.json" >"$out/$name.log" 2>&1 || {
    echo "warning: $name exited with status $?; see $out/$name.log" >&2
  }
  grep -E '^(Benchmark|[A-Z][A-Za-z]+Benchmark\.)|SKIPPED|<failure>' "$out/$name.log" >&2 || true
}

run jacobian 'JacobianBenchmark\.' -p n=64,256,512 "${full[@]}"
run jacobian-1024 'JacobianBenchmark\.' -p n=1024 "${long[@]}"
run simulation 'SimulationBenchmark\.' -p n=64,256,512,1024 "${full[@]}"
run trajectory-64 'BatchBenchmark\.' -p n=64 "${long[@]}"
run trajectory-256 'BatchBenchmark\.' -p n=256 "${longest[@]}"
run fixed-points 'FixedPointBenchmark\.' "${full[@]}"
# the dense eigenvalues at 4096 take tens of seconds: one iteration is the measurement
run leading 'LeadingEigenBenchmark\.|JacobianBenchmark\.jacobianAndEigenvalues' -p n=512,1024,2048,4096 \
  "${longest[@]}"
run shared 'SharedBackendBenchmark\.' "${long[@]}"

results=()
for f in "$out"/*.json; do
  if [[ -s "$f" ]]; then
    results+=("$f")
  fi
done
if [[ ${#results[@]} -eq 0 ]]; then
  echo "error: no results were written; see the logs in $out" >&2
  exit 1
fi
{
  echo "## mrnn4j benchmark profile"
  echo
  echo "Backends: $BACKENDS. Host: $(uname -sm), $(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?') cores;" \
    "$("$java" -version 2>&1 | head -n 1)."
  echo
  "$java" -cp "$jar" org.mrnn4j.benchmarks.Summarize "${results[@]}"
} | tee "$out/summary.md"
