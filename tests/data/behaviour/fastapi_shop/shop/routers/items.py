import asyncio
from collections.abc import AsyncIterable, AsyncIterator, Iterable
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, HTTPException, Query
from fastapi.responses import PlainTextResponse, StreamingResponse

from .. import state
from ..deps import DB, Token
from ..models import Item, ItemIn, ItemWithSecret

router = APIRouter(prefix="/items")


def _notify(kind: str, item_id: int, *, who: str) -> None:
    state.EVENTS.append(f"bg:{kind}:{item_id}:{who}")


async def _anotify(item_id: int) -> None:
    await asyncio.sleep(0)
    state.EVENTS.append(f"bg-async:{item_id}")


@router.get("/{item_id}")
async def read_item(item_id: int, db: DB) -> Item:
    """The return annotation is the response model: extra fields (secret, cost) are dropped."""
    row = db.items.get(item_id)
    if row is None:
        raise HTTPException(status_code=404, detail="no such item")
    return ItemWithSecret(**row)


@router.get("/{item_id}/raw", response_model=ItemWithSecret, response_model_exclude={"cost"})
def read_item_raw(item_id: int, db: DB) -> Any:
    return db.items[item_id]


@router.get("/", response_model=list[Item])
async def list_items(
    db: DB,
    limit: Annotated[int, Query(ge=1)] = 10,
    tag: Annotated[list[str] | None, Query()] = None,
):
    rows = list(db.items.values())
    if tag:
        rows = [r for r in rows if set(tag) & set(r["tags"])]
    return rows[:limit]


@router.post("/", status_code=201, response_model=Item)
async def create_item(item: ItemIn, background: BackgroundTasks, db: DB, token: Token) -> dict:
    new_id = max(db.items) + 1
    db.items[new_id] = {"id": new_id, **item.model_dump(), "secret": "x"}
    background.add_task(_notify, "created", new_id, who=token)
    background.add_task(_anotify, new_id)
    return db.items[new_id]


async def _numbers(n: int) -> AsyncIterator[str]:
    for i in range(n):
        await asyncio.sleep(0)
        yield f"{i}\n"
    state.EVENTS.append(f"stream:done:{n}")


@router.get("/stream/numbers")
async def stream_numbers(n: Annotated[int, Query(ge=0, le=100)] = 3) -> StreamingResponse:
    return StreamingResponse(_numbers(n), media_type="text/plain", headers={"X-Count": str(n)})


@router.get("/stream/sync", response_class=PlainTextResponse)
def stream_sync():
    def lines():
        yield "a\n"
        yield "b\n"

    return StreamingResponse(lines(), media_type="text/csv")


@router.get("/feed/jsonl")
async def feed(db: DB, n: Annotated[int, Query(ge=0)] = 2) -> AsyncIterable[Item]:
    """An async-generator route: FastAPI streams the items as JSON lines."""
    try:
        for row in list(db.items.values())[:n]:
            await asyncio.sleep(0)
            yield ItemWithSecret(**row)
    finally:
        state.EVENTS.append(f"feed:done:{n}")


@router.get("/feed/numbers")
def feed_numbers(n: int = 3) -> Iterable[int]:
    """A sync generator route."""
    for i in range(n):
        yield i * i
