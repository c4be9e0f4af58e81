#!/usr/bin/env bash
# Mutation testing (mutmut 3) of the modules whose bugs lose or leak data, as [tool.mutmut] in
# pyproject.toml names them: the file system (fsutil.py), the store (archive/store.py, versions.py),
# HTTP (sources/rest.py, transport.py), the site run (archive/site.py, listing.py) and dumps
# (sources/dump.py). Slow, so not in CI: about 3,900 mutants; a killed one takes a second or two, a
# survivor runs every test that calls its function (up to a minute for the store's and HTTP's core).
#     .venv/bin/pip install -e '.[test,mutation]'
#     bash bench/mutation.sh                       # every module, from scratch (hours on 2 cores)
#     bash bench/mutation.sh wparchive.fsutil wparchive.archive.store   # these modules: their mutants
#                                                  # not run yet, and their survivors again (resumes)
#     bash bench/mutation.sh --score               # only print the score of what was run
#     MUTATION_SAMPLE=300 bash bench/mutation.sh wparchive.archive.site   # a random sample of those
#                                                  # modules' mutants (MUTATION_SEED, default 1: the
#                                                  # same sample each time, so a run resumes)
# One mutant at a time (MUTMUT_CHILDREN, default 1), at low priority. Prints the score per module
# (killed/checked; a timeout counts as killed, a mutant no test reaches as surviving) and lists
# the survivors (`.venv/bin/mutmut show NAME` shows one).
set -euo pipefail
cd "$(dirname "$0")/.."
MUTMUT="${MUTMUT:-.venv/bin/mutmut}"
CHILDREN="${MUTMUT_CHILDREN:-1}"

if [ "${1:-}" != "--score" ]; then
    if [ $# -eq 0 ]; then
        rm -rf mutants
        nice -n 10 "$MUTMUT" run --max-children "$CHILDREN" || true
    else
        if [ -d mutants ]; then
            mapfile -t names < <(python3 - "$@" <<'PY'
import glob, json, os, random, sys
codes = {}
for meta in sorted(glob.glob("mutants/src/**/*.py.meta", recursive=True)):
    for name, code in json.load(open(meta))["exit_code_by_key"].items():
        if any(name.startswith(p + ".") for p in sys.argv[1:]):
            codes[name] = code
chosen = sorted(codes)
if os.environ.get("MUTATION_SAMPLE"):  # the sample is drawn from all of them: the same one each time
    size = min(int(os.environ["MUTATION_SAMPLE"]), len(chosen))
    chosen = random.Random(int(os.environ.get("MUTATION_SEED", "1"))).sample(chosen, size)
for name in chosen:
    if codes[name] in (None, 0, 33):
        print(name)
PY
)
        else
            names=("${@/%/.*}")
        fi
        [ ${#names[@]} -eq 0 ] || nice -n 10 "$MUTMUT" run --max-children "$CHILDREN" "${names[@]}" || true
    fi
fi

"$MUTMUT" results --all true > mutants/results.txt
python3 - <<'PY'
import collections, re
counts = collections.defaultdict(collections.Counter)
survivors = []
for line in open("mutants/results.txt", encoding="utf-8"):
    m = re.match(r"\s*([\w.ǁ]+__mutmut_\d+): (.+)$", line)
    if not m:
        continue
    name, status = m.group(1), m.group(2).strip()
    module = re.split(r"\.x[_ǁ]", name)[0]
    counts[module][status] += 1
    if status in ("survived", "no tests"):
        survivors.append(f"{name} ({status})")
total = collections.Counter()
print(f"{'module':32} {'killed':>7} {'checked':>8} {'score':>7} {'not run':>8}")
for module, c in sorted(counts.items()):
    total.update(c)
    killed, checked = c["killed"] + c["timeout"], sum(c.values()) - c["not checked"]
    print(f"{module:32} {killed:7} {checked:8} {100 * killed / max(checked, 1):6.1f}% {c['not checked']:8}")
killed, checked = total["killed"] + total["timeout"], sum(total.values()) - total["not checked"]
print(f"{'all':32} {killed:7} {checked:8} {100 * killed / max(checked, 1):6.1f}% {total['not checked']:8}")
print("survivors:")
for name in survivors:
    print("  " + name)
PY
