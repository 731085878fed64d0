"""Side effects the tests read back: dependency teardowns, background tasks, lifespan."""

EVENTS: list[str] = []
