from collections.abc import AsyncIterator, Iterator
from typing import Annotated

from fastapi import Depends, Header, HTTPException

from shop import state


class FakeDB:
    def __init__(self, name: str) -> None:
        self.name = name
        self.closed = False
        self.items = {
            1: {"id": 1, "name": "kettle", "price": 30.0, "tags": ["kitchen"], "secret": "s1", "cost": 11.5},
            2: {"id": 2, "name": "lamp", "price": 12.5, "tags": [], "secret": "s2", "cost": 4.0},
        }


async def get_db() -> AsyncIterator[FakeDB]:
    db = FakeDB("async")
    state.EVENTS.append("db:open")
    try:
        yield db
    finally:
        db.closed = True
        state.EVENTS.append("db:close")


def get_audit() -> Iterator[list[str]]:
    """A sync dependency with yield (FastAPI runs it in a thread)."""
    log: list[str] = []
    state.EVENTS.append("audit:open")
    yield log
    state.EVENTS.append("audit:close:" + ",".join(log))


def get_token(x_token: Annotated[str, Header()] = "anonymous") -> str:
    if x_token == "forbidden":
        raise HTTPException(status_code=403, detail="bad token", headers={"X-Reason": "token"})
    return x_token


DB = Annotated[FakeDB, Depends(get_db)]
Token = Annotated[str, Depends(get_token)]
