"""Compute identities in worker processes, for reads with many records no cache knows.

RDKit holds the GIL while it parses and standardizes, so threads do not help; processes do.
Workers start through ``forkserver`` (not ``fork``, which is unsafe in a threaded server) with
RDKit and this module preloaded, and one pool serves the whole process: starting it costs
about a second, once. If the pool breaks, the caller's records are computed in-process.
"""

import atexit
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import cache
from itertools import repeat
from threading import Lock

from rdkit import rdBase

from .errors import ChemError
from .identity import Identity, Standardizer
from .limits import WORKER_PRELOAD
from .parsing import PARSERS
from .worker_setup import Lifeline

Outcome = Identity | ChemError

_lock = Lock()
_pool: ProcessPoolExecutor | None = None
_pool_workers = 0
_lifeline = Lifeline()


def compute(standardizer: Standardizer, kind: str, text: str) -> Outcome:
    """The identity of one record's structure text, or the reason it cannot have one."""
    try:
        return standardizer.identity(PARSERS[kind](text), kind)
    except ChemError as error:
        return error


@cache
def _standardizer(tautomers: bool) -> Standardizer:
    return Standardizer(tautomers=tautomers)


def compute_chunk(items: list[tuple[str, str]], tautomers: bool) -> list[Outcome]:
    standardizer = _standardizer(tautomers)
    with rdBase.BlockLogs():
        return [compute(standardizer, kind, text) for kind, text in items]


def _executor(workers: int) -> ProcessPoolExecutor:
    global _pool, _pool_workers
    with _lock:
        if _pool is None or _pool_workers != workers:
            if _pool is not None:
                _pool.shutdown(wait=False, cancel_futures=True)
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(list(WORKER_PRELOAD))
            _pool = ProcessPoolExecutor(
                max_workers=workers, mp_context=context, **_lifeline.pool_arguments()
            )
            _pool_workers = workers
        return _pool


def shutdown() -> None:
    """Stop the shared pool (at exit; a later call starts a new one)."""
    global _pool
    with _lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)


atexit.register(shutdown)


def compute_parallel(
    items: list[tuple[str, str]], *, tautomers: bool, workers: int
) -> list[Outcome]:
    """Outcomes of ``items`` in order, computed by ``workers`` processes."""
    size = max(50, -(-len(items) // (workers * 4)))
    chunks = [items[start : start + size] for start in range(0, len(items), size)]
    try:
        results = _executor(workers).map(compute_chunk, chunks, repeat(tautomers))
        return [outcome for chunk in results for outcome in chunk]
    except BrokenProcessPool:
        shutdown()
        return compute_chunk(items, tautomers)
