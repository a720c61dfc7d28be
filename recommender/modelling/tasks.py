"""Independent fitting tasks run in this process or on several worker processes, with the same results.

Training splits its work into tasks that share nothing (a cross-validation fold's fits, a bootstrap
refit): :func:`run_tasks` runs them in order in this process (``n_jobs=1``), or on ``n_jobs``
processes (``joblib``'s reusable process pool; ``-1`` every core). Each task is a pure function of
its arguments and its results come back in the tasks' order, so a model does not depend on
``n_jobs``. Processes, not threads: threads stalled on the interpreter lock on a busy machine.

:func:`recording` collects the CPU seconds of each task run in this process (``n_jobs=1``), by
label, for ``benchmarks/bench_default_build.py``'s stage table and critical path.

>>> results = run_tasks([task(pow, 2, 3), task(divmod, 7, 2)], n_jobs=1)
>>> results
[8, (3, 1)]
>>> with recording() as seen:
...     _ = run_tasks([task(pow, 2, 3, label="power")], n_jobs=1)
>>> [label for label, _ in seen]
['power']
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Task", "recording", "run_tasks", "task"]

_RECORDERS: list[list[tuple[str, float]]] = []


@dataclass(frozen=True)
class Task:
    """One call: ``function(*args, **kwargs)``; ``label`` names it in :func:`recording`."""

    function: Callable[..., Any]
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    label: str = ""


def task(function: Callable[..., Any], *args: Any, label: str = "", **kwargs: Any) -> Task:
    """A :class:`Task` calling ``function(*args, **kwargs)`` (``label`` default: its name)."""
    return Task(function, args, kwargs, label or getattr(function, "__name__", "task"))


@contextmanager
def recording() -> Iterator[list[tuple[str, float]]]:
    """Collect ``(label, CPU seconds)`` of every task :func:`run_tasks` runs in this process."""
    seen: list[tuple[str, float]] = []
    _RECORDERS.append(seen)
    try:
        yield seen
    finally:
        _RECORDERS.remove(seen)


def run_tasks(tasks: Sequence[Task], n_jobs: int | None = 1) -> list[Any]:
    """The tasks' results in their order: run here one after the other (``n_jobs=1``) or on
    ``n_jobs`` worker processes (``joblib``; ``-1`` every core; ``None`` is joblib's default: one
    process unless a joblib context sets more)."""
    if n_jobs == 1 or len(tasks) <= 1:
        out = []
        for t in tasks:
            start = time.process_time()
            out.append(t.function(*t.args, **t.kwargs))
            for seen in _RECORDERS:
                seen.append((t.label, time.process_time() - start))
        return out
    from joblib import Parallel, delayed

    return list(Parallel(n_jobs=n_jobs)(delayed(t.function)(*t.args, **t.kwargs) for t in tasks))
