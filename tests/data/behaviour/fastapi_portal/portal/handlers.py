"""Plain functions that ``main`` registers with ``add_api_route`` (no FastAPI import here)."""

EVENTS: list[str] = []


def register(body: dict) -> dict:
    EVENTS.append(f"register:{body.get('name')}")
    return {"registered": body.get("name")}


async def status(verbose: bool = False) -> dict:
    return {"ok": True, "verbose": verbose}
