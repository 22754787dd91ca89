"""``Counted(app)``: the app's query runner, counting the texts it evaluates and slowing each
down a little, so that requests sent together overlap."""

from __future__ import annotations

import asyncio

from fastapi import FastAPI

from jixiao.service.query.evaluation import Answer, QueryJob

__all__ = ["Counted"]


class Counted:
    """Put in place of ``app.state.queries``: ``runs`` holds each text evaluated, in order."""

    def __init__(self, app: FastAPI, delay: float = 0.2) -> None:
        self.inner = app.state.queries
        self.delay = delay
        self.runs: list[str] = []
        app.state.queries = self

    async def run(self, job: QueryJob, timeout: float) -> Answer:
        self.runs.append(job.text)
        await asyncio.sleep(self.delay)
        answer: Answer = await self.inner.run(job, timeout)
        return answer

    async def update(self, text: str, base_iri: str | None) -> None:
        await self.inner.update(text, base_iri)

    def close(self) -> None:
        self.inner.close()
