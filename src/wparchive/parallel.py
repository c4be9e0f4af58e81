"""Independent tasks side by side: local worker processes (`--jobs N`) or a Dask cluster (`--scheduler`).

Processes rather than threads: a site run is mostly waiting on the network, but rendering is CPU work
that would hold the GIL, and a process can be interrupted where it stands (a thread cannot). Each
worker runs one task at a time, so a site keeps one request at a time and its own `--delay`.

Interrupts: Ctrl-C reaches every process of the terminal's group; a worker turns the first signal
into a KeyboardInterrupt inside the task it is running (the task finishes or discards its snapshot in
progress and returns what it did), and ignores it when idle. Tasks not yet started are cancelled. With
a Dask scheduler, tasks not yet started are cancelled and running ones finish on their workers.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from multiprocessing import get_context
from typing import Any, TypeVar

from wparchive.errors import InputError

T = TypeVar("T")
R = TypeVar("R")

DASK_HINT = "install the Dask extra: pip install 'wparchive[dask]'"

_busy = False
_interrupted = False


def _on_signal(signum: int, frame: Any) -> None:
    global _interrupted
    first = not _interrupted
    _interrupted = True  # idle or not: this worker starts nothing more
    if _busy and first:  # once: a second signal must not break the clean-up of the first
        raise KeyboardInterrupt


def _worker_init() -> None:
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)


def _run_in_worker(fn: Callable[[T], R], item: T) -> R:
    global _busy
    if _interrupted:  # a task queued to this worker before the interrupt: not started
        raise KeyboardInterrupt
    _busy = True
    try:
        return fn(item)
    finally:
        _busy = False


class Interrupted(Exception):
    """Raised by `run_all` after an interrupt, once the tasks already running have returned."""

    def __init__(self, done: list[tuple[int, Any]]) -> None:
        super().__init__("interrupted")
        self.done = done


def run_all(fn: Callable[[T], R], items: Iterable[T], *, jobs: int = 1, scheduler: str | None = None
            ) -> Iterator[tuple[int, R]]:
    """Run `fn` on every item; yield `(index, result)` as each task ends.

    `fn` and the items must be picklable (a module-level function and plain data) unless the run is
    sequential (`jobs == 1` and no scheduler), which runs in this process. An exception raised by `fn`
    is re-raised here: tasks should return their failures as values. On KeyboardInterrupt, pending tasks
    are cancelled and `Interrupted` carries the results of those that were running.
    """
    work = list(items)
    if scheduler:
        yield from _run_dask(fn, work, scheduler)
    elif jobs <= 1 or len(work) <= 1:
        for index, item in enumerate(work):
            yield index, fn(item)
    else:
        yield from _run_local(fn, work, jobs)


def _run_local(fn: Callable[[T], R], work: list[T], jobs: int) -> Iterator[tuple[int, R]]:
    # fork: workers start in milliseconds and inherit the imported package; nothing here holds threads.
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(work)), mp_context=get_context("fork"),
                               initializer=_worker_init)
    futures: dict[Future[R], int] = {pool.submit(_run_in_worker, fn, item): i for i, item in enumerate(work)}
    pending = set(futures)
    try:
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in sorted(finished, key=futures.__getitem__):
                yield futures[future], future.result()
    except KeyboardInterrupt:
        for future in pending:
            future.cancel()
        # A SIGTERM sent to this process alone has not reached the workers: pass it on, once.
        for process in list(getattr(pool, "_processes", {}).values()):
            try:
                os.kill(process.pid, signal.SIGINT)
            except OSError:
                pass
        done = []
        for future in pending:
            if future.cancelled():
                continue
            try:
                done.append((futures[future], future.result()))
            except BaseException:  # noqa: BLE001 - a worker that died on the interrupt has nothing to give
                continue
        raise Interrupted(sorted(done, key=lambda pair: pair[0])) from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _run_dask(fn: Callable[[T], R], work: list[T], scheduler: str) -> Iterator[tuple[int, R]]:
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise InputError(f"--scheduler needs dask.distributed, which is not installed; {DASK_HINT}") from None
    try:
        client = Client(scheduler, timeout="10s", set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise InputError(f"cannot reach the Dask scheduler at {scheduler} ({exc}); start it with "
                         "'dask scheduler' and its workers with 'dask worker ADDRESS'") from None
    try:
        futures = client.map(fn, work, pure=False)
        index = {future.key: i for i, future in enumerate(futures)}
        try:
            for future, result in as_completed(futures, with_results=True, loop=client.loop):
                yield index[future.key], result
        except KeyboardInterrupt:
            client.cancel(futures)
            raise Interrupted([]) from None
    finally:
        client.close()
