from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query, status

from shop.deps import get_audit, get_token
from shop.models import User, UserPage

router = APIRouter(prefix="/users", tags=["users"])

_USERS = {1: User(id=1, name="ada", email="ada@example.com"), 2: User(id=2, name="bob")}


@router.get("/")
def list_users(
    page: Annotated[int, Query(ge=1)] = 1,
    size: Annotated[int, Query(ge=1, le=50)] = 10,
) -> UserPage:
    users = sorted(_USERS.values(), key=lambda u: u.id)
    start = (page - 1) * size
    return UserPage(users=users[start : start + size], page=page, size=size, total=len(users))


@router.get("/me")
async def me(token: Annotated[str, Depends(get_token)]) -> User:
    """A route that calls another route function."""
    return await get_user(1, token, verbose=True)


@router.get("/{user_id}")
async def get_user(
    user_id: Annotated[int, Path(ge=1)],
    token: Annotated[str, Depends(get_token)],
    verbose: bool = False,
) -> User:
    user = _USERS.get(user_id)
    if user is None:
        raise HTTPException(status_code=404, detail=f"user {user_id} not found")
    if verbose:
        return User(id=user.id, name=f"{user.name} (as {token})", email=user.email)
    return user


@router.post("/", status_code=status.HTTP_201_CREATED)
def create_user(user: User, audit: Annotated[list[str], Depends(get_audit)]) -> User:
    audit.append(f"create:{user.id}")
    _USERS[user.id] = user
    return user


@router.delete("/{user_id}", status_code=204)
async def delete_user(user_id: int) -> None:
    _USERS.pop(user_id, None)
