#!/usr/bin/env bash
# Mutation testing of the modules whose bugs lose or leak data (see [tool.mutmut] in pyproject.toml):
# archive/store.py, sources/rest.py, archive/site.py, sources/dump.py, fsutil.py. Slow (about 30
# mutants a minute on 2 cores), so not in CI. Needs the test extras plus mutmut:
#     .venv/bin/pip install -e '.[test,mutation]'
#     bash bench/mutation.sh                                  # every module (about 90 minutes)
#     bash bench/mutation.sh 'wparchive.fsutil*' 'wparchive.archive.store*'   # some modules
# Prints the score per module and lists the surviving mutants (`mutmut show NAME` shows one).
set -euo pipefail
cd "$(dirname "$0")/.."
MUTMUT="${MUTMUT:-.venv/bin/mutmut}"
rm -rf mutants
"$MUTMUT" run "$@" >/dev/null 2>&1 || true
"$MUTMUT" export-cicd-stats >/dev/null 2>&1 || true
"$MUTMUT" results --all true > mutants/results.txt 2>/dev/null || "$MUTMUT" results > mutants/results.txt
python3 - "$@" <<'PY'
import re, sys, collections
patterns = [re.compile("^" + re.escape(p).replace(r"\*", ".*") + "$") for p in sys.argv[1:]]
counts = collections.defaultdict(collections.Counter)
survivors = []
for line in open("mutants/results.txt", encoding="utf-8"):
    m = re.match(r"\s*([\w.]+__mutmut_\d+): (.+)$", line)
    if not m:
        continue
    name, status = m.group(1), m.group(2).strip()
    if patterns and not any(p.match(name) for p in patterns):
        continue
    module = re.split(r"\.x[_ǁ]", name)[0]
    counts[module][status] += 1
    if status == "survived":
        survivors.append(name)
total = collections.Counter()
for module, c in sorted(counts.items()):
    total.update(c)
    n = sum(c.values()) - c["not checked"]
    print(f"{module}: {c['killed'] + c['timeout']} of {n} killed ({100 * (c['killed'] + c['timeout']) / max(n, 1):.1f}%)"
          f"; {dict(c)}")
n = sum(total.values()) - total["not checked"]
print(f"all: {total['killed'] + total['timeout']} of {n} killed ({100 * (total['killed'] + total['timeout']) / max(n, 1):.1f}%)")
print("survivors:")
for name in survivors:
    print("  " + name)
PY
