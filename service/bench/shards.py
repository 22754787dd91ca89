"""One process's share of a load run (see :mod:`.loadgen`): its closed-loop clients, their
clock and request budget, and the worker processes that run shards side by side.

Each client keeps one keep-alive connection, sends a request, reads the whole response,
records ``(spec, latency, outcome)`` and sends the next, until the shard's duration or its
share of the request budget is spent.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import multiprocessing
import queue as queues
import random
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from multiprocessing.process import BaseProcess
from typing import Any

import httpx

__all__ = ["GRACE", "Raw", "RequestSpec", "Sample", "Shard", "run_processes", "run_shard", "split"]


GRACE = 5.0  # seconds past the last possible request end before the hard stop


@dataclass(frozen=True)
class RequestSpec:
    """One request the clients send; results are grouped by ``kind`` (default: the path)."""

    path: str
    kind: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    method: str = "GET"
    form: Mapping[str, str] | None = None  # a form body (POST)
    weight: float = 1.0

    @property
    def label(self) -> str:
        return self.kind or self.path


Sample = tuple[int, float, str]  # (spec index, latency in seconds, "" or the error kind)


@dataclass(frozen=True, slots=True)
class Shard:
    base_url: str
    specs: tuple[RequestSpec, ...]
    clients: int
    first_client: int  # seeds each client's choice of requests
    duration: float
    warmup: float
    max_requests: int | None
    request_timeout: float
    # Dealt, not drawn: the shard's clients take the specs in turn, from index ``deal[0]`` in
    # steps of ``deal[1]`` (so shards take disjoint turns), and no request repeats until
    # every one has been sent; None: each client draws by weight.
    deal: tuple[int, int] | None = None
    # The clients leave at the end of the duration: a request under way then is abandoned
    # (its connection closed) and counted apart (Raw.left), not waited for.
    abandon: bool = False


@dataclass(slots=True)
class Raw:
    samples: list[Sample]
    window: float
    stopped_by: str
    warmup_requests: int
    cpu: float
    lag_max: float
    left: list[tuple[int, float]] = field(default_factory=list)  # (spec, seconds waited)
    ended: float = 0.0  # time.monotonic() once every client had gone, connections closed


class _Run:
    """The shared state of one shard's clients: the clock, the budget, the samples."""

    def __init__(self, shard: Shard, started: float) -> None:
        self.shard = shard
        self.measure_from = started + shard.warmup
        self.stop_at = self.measure_from + shard.duration
        self.issued = 0
        self.budget_spent = False
        self.samples: list[Sample] = []
        self.left: list[tuple[int, float]] = []
        self.warmup_requests = 0
        self.last_end = self.measure_from
        self.dealt = shard.deal[0] if shard.deal else 0

    def next_dealt(self) -> int:
        """The next spec in turn (see :attr:`Shard.deal`)."""
        which = self.dealt % len(self.shard.specs)
        self.dealt += self.shard.deal[1] if self.shard.deal else 1
        return which

    def ticket(self) -> bool | None:
        """None: stop; True: a measured request; False: a warm-up request."""
        now = time.monotonic()
        if now >= self.stop_at:
            return None
        if now < self.measure_from:
            return False
        limit = self.shard.max_requests
        if limit is not None and self.issued >= limit:
            self.budget_spent = True
            return None
        self.issued += 1
        return True


async def _send(client: httpx.AsyncClient, spec: RequestSpec, timeout: float) -> str:
    """One request, read fully: "" if it succeeded, else the kind of error."""
    try:
        async with asyncio.timeout(timeout):
            response = await client.request(
                spec.method, spec.path, headers=dict(spec.headers), data=spec.form
            )
    except TimeoutError:
        return "Timeout"
    except Exception as exc:  # httpx.HTTPError mostly; whatever it is, it is counted
        return type(exc).__name__
    if 200 <= response.status_code < 300:
        return ""
    return f"HTTP {response.status_code}"


async def _client(client: httpx.AsyncClient, run: _Run, index: int) -> None:
    specs = run.shard.specs
    indices = range(len(specs))
    weights = list(itertools.accumulate(s.weight for s in specs))
    rng = random.Random(index)
    while (measured := run.ticket()) is not None:
        which = run.next_dealt() if run.shard.deal else rng.choices(indices, cum_weights=weights)[0]
        started = time.monotonic()
        try:
            outcome = await _send(client, specs[which], run.shard.request_timeout)
        except asyncio.CancelledError:  # the hard stop, or the client leaves (Shard.abandon)
            waited = time.monotonic() - started
            if run.shard.abandon:
                run.left.append((which, waited))
            elif measured:  # an unfinished request is an error
                run.samples.append((which, waited, "Unfinished"))
            raise
        ended = time.monotonic()
        if measured:
            run.samples.append((which, ended - started, outcome))
            run.last_end = max(run.last_end, ended)
        else:
            run.warmup_requests += 1


async def _watch_loop(lags: list[float]) -> None:
    """How late the event loop wakes a sleeper: the generator's own saturation."""
    while True:
        asked = time.monotonic()
        await asyncio.sleep(0.05)
        lags.append(time.monotonic() - asked - 0.05)


async def run_shard(shard: Shard) -> Raw:
    hard_limit = shard.warmup + shard.duration + shard.request_timeout + GRACE
    lags: list[float] = []
    tls = ssl.create_default_context()  # one for all: each costs milliseconds to make
    async with contextlib.AsyncExitStack() as stack:
        # One keep-alive connection per client, each in its own pool: one shared pool of
        # hundreds of connections costs the generator ~10 ms of CPU per request (httpcore
        # looks through its whole pool on every request and every response).
        connections = [
            await stack.enter_async_context(
                httpx.AsyncClient(
                    base_url=shard.base_url,
                    limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
                    timeout=httpx.Timeout(shard.request_timeout),
                    verify=tls,
                    trust_env=False,
                )
            )
            for _ in range(shard.clients)
        ]
        cpu_started = time.process_time()
        run = _Run(shard, time.monotonic())
        watcher = asyncio.create_task(_watch_loop(lags))
        tasks = [
            asyncio.create_task(_client(connection, run, shard.first_client + i))
            for i, connection in enumerate(connections)
        ]
        if shard.abandon:  # the clients leave when the duration is up
            hard_limit = max(0.0, run.stop_at - time.monotonic())
        done, pending = await asyncio.wait(tasks, timeout=hard_limit)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher
        for task in done:
            task.result()  # a client fails only by a bug here: let it show
    ended = time.monotonic()  # every connection closed
    stopped_by = (
        "timeout"
        if pending and not shard.abandon
        else "max_requests"
        if run.budget_spent
        else "duration"
    )
    return Raw(
        samples=run.samples,
        window=run.last_end - run.measure_from if run.budget_spent else shard.duration,
        stopped_by=stopped_by,
        warmup_requests=run.warmup_requests,
        cpu=time.process_time() - cpu_started,
        lag_max=max(lags, default=0.0),
        left=run.left,
        ended=ended,
    )


def _shard_in_process(shard: Shard, index: int, go: Any, out: Any) -> None:
    """A worker process: say it is ready, wait for the start, run, report."""
    try:
        out.put(("ready", index, None))
        if go.wait(timeout=60):
            out.put(("done", index, asyncio.run(run_shard(shard))))
    except BaseException as exc:
        out.put(("failed", index, f"{type(exc).__name__}: {exc}"))
        raise


def split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def _gather(out: Any, workers: list[BaseProcess], tag: str, deadline: float) -> list[Any]:
    """The ``tag`` message of every worker, or RuntimeError if one fails, dies or is late."""
    found: dict[int, Any] = {}
    while len(found) < len(workers):
        try:
            kind, index, value = out.get(timeout=0.2)
        except queues.Empty:
            dead = [w for i, w in enumerate(workers) if i not in found and not w.is_alive()]
            if dead and out.empty():
                raise RuntimeError(
                    f"a load-generator process exited ({dead[0].exitcode})"
                ) from None
            if time.monotonic() > deadline:
                raise RuntimeError("a load-generator process did not report in time") from None
            continue
        if kind == "failed":
            raise RuntimeError(f"a load-generator process failed: {value}")
        if kind == tag:
            found[index] = value
    return [found[i] for i in range(len(workers))]


def run_processes(shards: list[Shard]) -> list[Raw]:
    """Each shard in its own process, all started at once; their raw results.

    Worker processes are spawned: a script calling this needs the
    ``if __name__ == "__main__":`` guard.
    """
    context = multiprocessing.get_context("spawn")
    go = context.Event()
    out = context.Queue()
    workers: list[BaseProcess] = [
        context.Process(target=_shard_in_process, args=(s, i, go, out), daemon=True)
        for i, s in enumerate(shards)
    ]
    for worker in workers:
        worker.start()
    try:
        _gather(out, workers, "ready", time.monotonic() + 60)
        go.set()
        longest = max(s.warmup + s.duration + s.request_timeout + GRACE for s in shards)
        # Each shard stops itself by then; beyond, room to send the samples.
        raws: list[Raw] = _gather(out, workers, "done", time.monotonic() + longest + 30)
    finally:
        for worker in workers:
            worker.join(timeout=5)
            if worker.is_alive():
                worker.terminate()
                worker.join()
    return raws
