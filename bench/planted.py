"""Plant the bugs of issue 18 one at a time into src/, run the tests meant to catch each, and revert.

Each bug is one realistic slip (a dropped fsync, a retry status forgotten, a byte-order mark decoded
as text...); the suite must catch every one. Not in CI (it runs pytest once per bug):

    .venv/bin/python bench/planted.py            # prints CAUGHT or SURVIVED per bug; exit 1 if any survived

The source file is always restored, even when interrupted.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# (what, file, text as it is, text with the bug, the tests that must fail)
BUGS = [
    ('autosaves ignored', 'src/wparchive/archive/site.py',
     'if not autosaves and "-autosave-"',
     'if "-autosave-"',
     'tests/archive/test_site_strict.py'),
    ('revision author kept', 'src/wparchive/archive/site.py',
     'if data.get("author") != parent.get("author") and',
     'if False and',
     'tests/archive/test_site_strict.py'),
    ('bom', 'src/wparchive/archive/site.py',
     'values = split_json_values(response.content.decode("utf-8-sig", "replace"))',
     'values = split_json_values(response.content.decode("utf-8", "replace"))',
     'tests/archive/test_site_strict.py'),
    ('revisions first page', 'src/wparchive/archive/site.py',
     '            break\n        page += 1\n    imported = 0',
     '            break\n        break\n    imported = 0',
     'tests/archive/test_site_strict.py'),
    ('504 not retried', 'src/wparchive/sources/rest.py',
     'RETRY_STATUSES = (429, 502, 503, 504)',
     'RETRY_STATUSES = (429, 502, 503)',
     'tests/archive/test_site_strict.py'),
    ('viewable ignored', 'src/wparchive/sources/discover.py',
     'and info.get("viewable", True)',
     'and True',
     'tests/archive/test_site_strict.py'),
    ('no Z', 'src/wparchive/archive/site.py',
     'params["modified_after"] = _iso(self.cutoff) + "Z"',
     'params["modified_after"] = _iso(self.cutoff)',
     'tests/archive/test_site_strict.py::test_an_edit_in_the_high_water_second_on_a_site_west_of_utc'),
    ('Date ignored', 'src/wparchive/archive/site.py',
     'self.server_now = _http_date(response.headers.get("Date"))',
     'self.server_now = None',
     'tests/archive/test_site_strict.py'),
    ('no fsync in write_file', 'src/wparchive/fsutil.py',
     '        f.flush()\n        os.fsync(f.fileno())\n\n\ndef atomic_write',
     '        f.flush()\n\n\ndef atomic_write',
     'tests/archive/test_durability.py'),
    ('fsync_dir noop', 'src/wparchive/fsutil.py',
     '    try:\n        fd = os.open(path, os.O_RDONLY)\n    except OSError:\n        return\n',
     '    return\n    try:\n        fd = os.open(path, os.O_RDONLY)\n    except OSError:\n        return\n',
     'tests/archive/test_durability.py'),
    ('lock gives up at once', 'src/wparchive/archive/store.py',
     '                if time.monotonic() >= deadline:',
     '                if True:',
     'tests/archive/test_durability.py'),
    ('safe_name no reserved', 'src/wparchive/fsutil.py',
     '    if not text or _WINDOWS_RESERVED.match(text):',
     '    if not text:',
     'tests/archive/test_durability.py'),
    ('safe_name no cap', 'src/wparchive/fsutil.py',
     '    if len(encoded) > MAX_NAME_BYTES:',
     '    if False:',
     'tests/archive/test_durability.py'),
    ('verify ignores state tmp', 'src/wparchive/archive/store.py',
     '        for leftover in sorted(self.root.glob("*/*/.*.tmp")):',
     '        for leftover in []:',
     'tests/archive/test_durability.py'),
    ('verify drops unreadable', 'src/wparchive/archive/store.py',
     '        return [Problem(folder / "snapshot.json", "unreadable", str(exc))]',
     '        return []',
     'tests/archive/test_durability.py'),
    ('dump no warning', 'src/wparchive/archive/capture.py',
     '            yield TargetResult(target, warning=event.warning)',
     '            pass',
     'tests/archive/test_durability.py'),
    ('dump no salvage', 'src/wparchive/archive/capture.py',
     'item.raw, salvage=item.salvage,',
     'item.raw, salvage=None,',
     'tests/archive/test_durability.py'),
    ('sigterm not handled', 'src/wparchive/cli/archive.py',
     '    previous = signal.signal(signal.SIGTERM, _terminate_as_interrupt)',
     '    previous = signal.getsignal(signal.SIGTERM)',
     'tests/archive/test_site_mock.py -k interrupted'),
    ('sigterm handler not restored', 'src/wparchive/cli/archive.py',
     '        signal.signal(signal.SIGTERM, previous)',
     '        pass',
     'tests/archive/test_site_mock.py -k interrupted'),
    ('tmp not removed on interrupt', 'src/wparchive/archive/store.py',
     '        except BaseException:\n            shutil.rmtree(tmp, ignore_errors=True)\n            raise',
     '        except Exception:\n            shutil.rmtree(tmp, ignore_errors=True)\n            raise',
     'tests/archive/test_site_mock.py -k interrupted'),
    ('connect errors not retried', 'src/wparchive/sources/rest.py',
     'total=retries, connect=retries, read=retries,',
     'total=retries, connect=0, read=retries,',
     'tests/sources/test_rest.py'),
    ('read errors not retried', 'src/wparchive/sources/rest.py',
     'total=retries, connect=retries, read=retries,',
     'total=retries, connect=retries, read=0,',
     'tests/sources/test_rest.py'),
    ('budget ignored', 'src/wparchive/sources/rest.py',
     '        if retry.deadline is not None and time.monotonic() > retry.deadline:',
     '        if False:',
     'tests/sources/test_rest.py'),
    ('no redaction in log', 'src/wparchive/sources/rest.py',
     '        record.msg = self.pattern.sub(r"\\1***", str(record.msg))\n        return True',
     '        return True',
     'tests/cli/test_processes.py -k secret'),
    ('log url unredacted', 'src/wparchive/sources/rest.py',
     '        log.info("GET %s", redact_url(with_params(url, params or {})))',
     '        log.info("GET %s", url + str(params))',
     'tests/cli/test_processes.py -k secret'),
    ('traceback always', 'src/wparchive/cli/app.py',
     '            if debug:\n                raise',
     '            raise',
     'tests/cli/test_processes.py -k bug'),
    ('bar never', 'src/wparchive/cli/archive.py',
     '    show_bar = not quiet and not as_json and sys.stderr.isatty()',
     '    show_bar = False',
     'tests/cli/test_processes.py -k terminal'),
    ('status=any and context=edit not sent with credentials', 'src/wparchive/archive/site.py',
     '            params.update(status="any", context="edit")',
     '            pass',
     'tests/archive/test_site_strict.py'),
    ('--delay ignored', 'src/wparchive/sources/rest.py',
     '        if self.delay and self._last:',
     '        if False:',
     'tests/archive/test_site_strict.py'),
]


def main() -> int:
    survived = 0
    for name, path, old, new, tests in BUGS:
        source = ROOT / path
        original = source.read_text(encoding="utf-8")
        if original.count(old) != 1:
            print(f"STALE    {name}: the code it plants into has changed; update BUGS", flush=True)
            survived += 1
            continue
        source.write_text(original.replace(old, new), encoding="utf-8")
        try:
            run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *tests.split()],
                                 cwd=ROOT, capture_output=True, text=True, timeout=1800)
        finally:
            source.write_text(original, encoding="utf-8")
        last = (run.stdout.strip().splitlines() or [""])[-1]
        caught = run.returncode == 1  # tests failed (not: collection error, usage error)
        survived += not caught
        print(f"{'CAUGHT  ' if caught else 'SURVIVED'} {name}: {last}", flush=True)
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main())
