"""A project decorator that bot handlers wear above the tool's (it logs the call)."""

import functools


def logged(fn):
    @functools.wraps(fn)
    async def wrapper(self, *args):
        self.calls.append(f"logged:{fn.__name__}")
        return await fn(self, *args)

    return wrapper
