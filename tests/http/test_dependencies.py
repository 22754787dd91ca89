"""What a route needs from the app (its settings, store, query runner) is handed to it on the
event loop: FastAPI runs a dependency that is a plain function in its thread pool, a hop
there and back (and a wait behind the pool's other work) for reading an attribute."""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Iterator

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

from jixiao.service.http.app import create_app
from jixiao.service.settings import Settings


def _routes(routes: Iterable[BaseRoute]) -> Iterator[APIRoute]:
    """Every API route, in the routers included too."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        included = getattr(route, "original_router", None)  # FastAPI's included router
        yield from _routes(getattr(included or route, "routes", []))


def _dependencies(dependant: Dependant) -> list[Dependant]:
    out = []
    for dependency in dependant.dependencies:
        out.append(dependency)
        out.extend(_dependencies(dependency))
    return out


def test_no_route_waits_for_a_thread_to_be_handed_its_dependencies() -> None:
    app = create_app(Settings(metrics=True))
    plain = sorted(
        f"{route.path}: {dependency.call.__name__}"
        for route in _routes(app.routes)
        for dependency in _dependencies(route.dependant)
        if dependency.call is not None and not inspect.iscoroutinefunction(dependency.call)
    )
    assert len(list(_routes(app.routes))) > 20  # the routers' routes are walked
    assert plain == []
