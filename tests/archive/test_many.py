"""Many sites in one run: `archive --sites FILE --jobs N`, against synthetic sites on 127.0.0.1.

The command runs as a real process (as people run it), since it starts worker processes and is
stopped by signals; the sites are threads of this process (bench/fakesites.py).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from bench.fakesites import FakeSites
from wparchive.archive.store import Archive
from wparchive.cli import cli


def wparchive(*args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "wparchive", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env=dict(os.environ, NO_COLOR="1"))


def watch_list(tmp_path: Path, urls: list[str]) -> Path:
    path = tmp_path / "sites.txt"
    path.write_text("# the sites of this test\n" + "\n".join(urls) + "\n", encoding="utf-8")
    return path


def host(url: str) -> str:
    return url.split("//", 1)[1].replace(":", "_")


def contents(root: Path) -> dict[str, list[tuple[str, bytes, bytes]]]:
    """Every post's versions as (content hash, post.txt, post.md): what must not depend on how it ran."""
    archive = Archive(root)
    out = {}
    for key in archive.posts():
        out[key.ref] = [(s.meta()["content_hash"], s.read_bytes("post.txt"), s.read_bytes("post.md"))
                        for s in archive.versions(key)]
    return out


def verify_clean(root: Path) -> None:
    checked, problems = Archive(root).verify()
    assert problems == [] and checked > 0


def site_lines(stdout: str) -> list[str]:
    return sorted(stdout.splitlines())


def test_sites_side_by_side_equal_a_sequential_run(tmp_path):
    with FakeSites(4, 101) as sites:
        sites_file = watch_list(tmp_path, sites.urls)
        one = wparchive("archive", "--sites", str(sites_file), "--jobs", "1", "--archive", "one", cwd=tmp_path)
        served_one = sites.served
        many = wparchive("archive", "--sites", str(sites_file), "--jobs", "3", "--archive", "many", cwd=tmp_path)
        assert sites.served == 2 * served_one  # the same requests, whatever the number of jobs
        expected = sorted(f"done {host(u)}: 101 of 101 posts: 101 new, 0 changed, 0 unchanged, 0 protected, 0 failed"
                          for u in sites.urls)
        for run in (one, many):
            assert run.returncode == 0, run.stderr
            assert site_lines(run.stdout) == expected
            assert run.stderr == "4 sites: 4 done, 0 failed; posts: 404 new, 0 changed, 0 unchanged, 0 failed\n"
        assert contents(tmp_path / "one") == contents(tmp_path / "many")
        assert len(contents(tmp_path / "many")) == 404
        verify_clean(tmp_path / "many")

        # An unchanged re-run: two requests per site and type (the API root is remembered: the listing
        # modified after the last run, and the newest IDs), nothing written.
        before = sites.served
        again = wparchive("archive", "--sites", str(sites_file), "--jobs", "3", "--archive", "many", "--json",
                          cwd=tmp_path)
        assert again.returncode == 0, again.stderr
        assert sites.served - before == 2 * 4
        report = json.loads(again.stdout)
        assert report["exit_code"] == 0 and report["failed"] == [] and report["interrupted"] is False
        # Each site's newest post is looked at again (the newest-IDs check) and found unchanged.
        assert report["total"] == {"new": 0, "changed": 0, "unchanged": 4, "failed": 0, "revisions": 0}
        assert sorted(s["site"] for s in report["sites"]) == sorted(sites.urls)
        assert contents(tmp_path / "many") == contents(tmp_path / "one")


def test_a_site_that_is_down_does_not_stop_the_others(tmp_path):
    with FakeSites(3, 5) as sites:
        sites.sites[1].down = True
        down = host(sites.urls[1])
        run = wparchive("archive", "--sites", str(watch_list(tmp_path, sites.urls)), "--jobs", "2", "--retries", "0",
                        "--archive", "a", cwd=tmp_path)
    assert run.returncode == 4
    lines = site_lines(run.stdout)
    # What the message says of a 503 is the HTTP layer's business (tested there); here: which site failed.
    [failed] = [line for line in lines if line.startswith("failed ")]
    assert failed.startswith(f"failed {down}: ") and sites.urls[1] in failed
    assert sorted(line for line in lines if line.startswith("done ")) == sorted(
        f"done {host(u)}: 5 of 5 posts: 5 new, 0 changed, 0 unchanged, 0 protected, 0 failed" for i, u in enumerate(sites.urls)
        if i != 1)
    assert run.stderr.splitlines() == [
        "3 sites: 2 done, 1 failed; posts: 10 new, 0 changed, 0 unchanged, 0 failed",
        f"error: 1 of 3 sites failed ({down}); the others were archived"]


def _hold_site_lock(root: str, host_name: str, ready, release) -> None:
    with Archive(root).lock(host_name):
        ready.set()
        release.wait(60)


def test_the_same_site_is_refused_to_a_second_writer_and_other_sites_go_on(tmp_path):
    with FakeSites(2, 5) as sites:
        busy = host(sites.urls[0])
        ctx = multiprocessing.get_context("fork")
        ready, release = ctx.Event(), ctx.Event()
        holder = ctx.Process(target=_hold_site_lock, args=(str(tmp_path / "a"), busy, ready, release))
        holder.start()
        try:
            assert ready.wait(10)
            run = wparchive("archive", "--sites", str(watch_list(tmp_path, sites.urls)), "--jobs", "2",
                            "--lock-timeout", "0", "--archive", "a", cwd=tmp_path)
        finally:
            release.set()
            holder.join(10)
    assert run.returncode == 4
    assert site_lines(run.stdout) == sorted([
        f"failed {busy}: another wparchive process is writing {busy} in {tmp_path / 'a'} (waited 0s for its lock); "
        "try again "
        "when it has finished",
        f"done {host(sites.urls[1])}: 5 of 5 posts: 5 new, 0 changed, 0 unchanged, 0 protected, 0 failed"])


@pytest.mark.parametrize("how", ["ctrl-c", "sigterm"])
def test_an_interrupt_stops_every_site_cleanly_and_the_next_run_resumes(tmp_path, how):
    with FakeSites(3, 150, latency=0.02) as sites:
        sites_file = watch_list(tmp_path, sites.urls)
        proc = subprocess.Popen([sys.executable, "-m", "wparchive", "archive", "--sites", str(sites_file),
                                 "--jobs", "2", "--archive", "a"], cwd=tmp_path, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, start_new_session=True)
        deadline = time.monotonic() + 60
        while len(list((tmp_path / "a").glob("*/posts/*/2*"))) < 10 and time.monotonic() < deadline:
            time.sleep(0.05)
        if how == "ctrl-c":  # the terminal signals the whole foreground group: command and workers
            os.killpg(proc.pid, signal.SIGINT)
        else:  # `kill PID` reaches the command alone, which passes it on to its workers
            proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 130, err
        assert err.endswith("error: interrupted; run the same command again to resume every site\n")
        assert "Traceback" not in err
        assert [line.split(" ", 1)[0] for line in out.splitlines()] == ["interrupted"] * 2
        verify_clean(tmp_path / "a")

        again = wparchive("archive", "--sites", str(sites_file), "--jobs", "2", "--archive", "a", cwd=tmp_path)
        assert again.returncode == 0, again.stderr
        reference = wparchive("archive", "--sites", str(sites_file), "--jobs", "1", "--archive", "ref",
                              cwd=tmp_path)
        assert reference.returncode == 0
    verify_clean(tmp_path / "a")
    assert contents(tmp_path / "a") == contents(tmp_path / "ref")


def test_convert_with_jobs_writes_what_a_sequential_run_writes(tmp_path, fixtures_dir):
    dumps = tmp_path / "dumps" / "nested"
    dumps.mkdir(parents=True)
    sample = (fixtures_dir / "000_c02e2c25f0edbb6d.txt").read_bytes()
    for n in range(5):
        (dumps / f"saved-{n}.json").write_bytes(sample)
    (dumps / "other.json").write_text('{"id": 5, "slug": "five", "title": {"rendered": "Five"}, '
                                      '"content": {"rendered": "<p>5</p>"}}', encoding="utf-8")
    (dumps / "broken.json").write_text("not json at all", encoding="utf-8")
    runs = {}
    for jobs in ("1", "3"):
        run = wparchive("convert", "--jobs", jobs, "--format", "markdown", "-o", f"out{jobs}", "dumps",
                        cwd=tmp_path)
        assert run.returncode == 4
        files = {p.name: p.read_bytes() for p in (tmp_path / f"out{jobs}").iterdir()}
        runs[jobs] = (run.stdout.replace(f"out{jobs}/", "OUT/"), run.stderr, files)
    assert runs["1"] == runs["3"]
    assert len(runs["3"][2]) == 6


def test_scheduler_without_dask_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if the extra were not installed
    sites_file = watch_list(tmp_path, ["https://a.example"])
    result = CliRunner().invoke(cli, ["archive", "--sites", str(sites_file), "--scheduler", "tcp://127.0.0.1:1",
                                      "--archive", str(tmp_path / "a")])
    assert result.exit_code == 2
    assert result.stderr == ("error: --scheduler needs dask.distributed, which is not installed; install the "
                             "Dask extra: pip install 'wparchive[dask]'\n")


# -- a Dask cluster -----------------------------------------------------------------------------------
distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster():
    # Two worker processes on the loopback interface, as `dask scheduler` / `dask worker` would run.
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None, silence_logs=50) as running:
        yield running


def test_a_dask_cluster_archives_what_a_sequential_run_archives(tmp_path, cluster):
    with FakeSites(20, 30) as sites:
        sites_file = watch_list(tmp_path, sites.urls)
        reference = wparchive("archive", "--sites", str(sites_file), "--jobs", "1", "--archive", "ref", cwd=tmp_path)
        assert reference.returncode == 0, reference.stderr
        run = wparchive("archive", "--sites", str(sites_file), "--scheduler", cluster.scheduler_address,
                        "--archive", "dask", cwd=tmp_path, timeout=300)
    assert run.returncode == 0, run.stderr
    assert site_lines(run.stdout) == site_lines(reference.stdout)
    assert run.stderr == "20 sites: 20 done, 0 failed; posts: 600 new, 0 changed, 0 unchanged, 0 failed\n"
    assert contents(tmp_path / "dask") == contents(tmp_path / "ref")
    verify_clean(tmp_path / "dask")


def test_a_worker_killed_mid_run_leaves_every_site_whole_and_a_repeat_completes(tmp_path, cluster):
    with FakeSites(20, 25, latency=0.01) as sites:
        sites_file = watch_list(tmp_path, sites.urls)
        proc = subprocess.Popen([sys.executable, "-m", "wparchive", "archive", "--sites", str(sites_file),
                                 "--scheduler", cluster.scheduler_address, "--archive", "dask"], cwd=tmp_path,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120
        while len(list((tmp_path / "dask").glob("*/posts/*/2*"))) < 20 and time.monotonic() < deadline:
            time.sleep(0.05)
        with distributed.Client(cluster.scheduler_address, set_as_default=False) as client:
            victim = next(iter(client.run(os.getpid).values()))
        os.kill(victim, signal.SIGKILL)  # no clean-up at all: a machine lost mid-write
        out, err = proc.communicate(timeout=300)
        # Dask runs the lost worker's site again elsewhere; it resumes from what was stored.
        assert proc.returncode in (0, 4), err
        again = wparchive("archive", "--sites", str(sites_file), "--scheduler", cluster.scheduler_address,
                          "--archive", "dask", cwd=tmp_path, timeout=300)
        assert again.returncode == 0, again.stderr
        reference = wparchive("archive", "--sites", str(sites_file), "--jobs", "1", "--archive", "ref", cwd=tmp_path)
        assert reference.returncode == 0
    verify_clean(tmp_path / "dask")
    assert contents(tmp_path / "dask") == contents(tmp_path / "ref")
