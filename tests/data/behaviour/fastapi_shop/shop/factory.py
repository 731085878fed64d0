"""The app-factory shape: routes defined inside ``create_app``, a mounted sub-application."""

from __future__ import annotations

import functools
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI
from fastapi.responses import PlainTextResponse

from shop import state

v2 = APIRouter(tags=["v2"])


def counted(fn):
    """A user's own decorator between the route decorator and the function."""

    @functools.wraps(fn)
    async def inner(*args, **kwargs):
        state.EVENTS.append(f"counted:{fn.__name__}")
        return await fn(*args, **kwargs)

    return inner


class Pager:
    def __init__(self, page: int = 1, size: int = 20) -> None:
        self.page = page
        self.size = size


@v2.get("/files/{file_path:path}")
async def files(file_path: str, pager: Annotated[Pager, Depends()]) -> dict[str, object]:
    return {"path": file_path, "page": pager.page, "size": pager.size}


def create_app() -> FastAPI:
    app = FastAPI(title="Factory")
    hits = 0

    @app.post("/hits")
    async def hit() -> int:
        nonlocal hits
        hits += 1
        return hits

    @app.get("/inner")
    @counted
    async def inner_route(q: int = 0) -> dict[str, int]:
        return {"q": q}

    sub = FastAPI()

    @sub.get("/ping", response_class=PlainTextResponse)
    def ping() -> str:
        return "pong"

    app.mount("/sub", sub)
    app.include_router(v2, prefix="/v2")
    return app
