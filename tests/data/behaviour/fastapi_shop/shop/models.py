from typing import Optional

from pydantic import BaseModel, Field


class Item(BaseModel):
    id: int
    name: str
    price: float = Field(ge=0)
    tags: list[str] = []


class ItemIn(BaseModel):
    name: str
    price: float = Field(ge=0)
    tags: list[str] = []


class ItemWithSecret(Item):
    secret: str = "do-not-leak"
    cost: float = 0.0


class User(BaseModel):
    id: int
    name: str
    email: Optional[str] = None


class UserPage(BaseModel):
    users: list["User"]
    page: int
    size: int
    total: int
