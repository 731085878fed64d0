from fastapi import APIRouter, FastAPI, WebSocket

from portal import handlers
from portal.paths import V1
from portal.routers import auth
from portal.settings import settings

api = APIRouter()
api.include_router(auth.router)
api.add_api_route("/register", handlers.register, methods=["POST"])

misc = APIRouter()


@misc.get("/ping")
def ping() -> str:
    return "pong"


app = FastAPI(title="Portal")
app.include_router(api, prefix=V1)
app.include_router(auth.router, prefix="/legacy")
app.include_router(misc, prefix=settings.MISC_PREFIX)


@app.get("/items")
@app.get("/items/")
def items(limit: int = 2) -> list[int]:
    return list(range(limit))


async def echo(websocket: WebSocket) -> None:
    await websocket.accept()
    await websocket.send_text(f"echo {await websocket.receive_text()}")
    await websocket.close()


app.add_api_route("/status", handlers.status)
app.add_api_websocket_route("/ws", echo)

admin = FastAPI()


@admin.get("/stats")
def stats() -> dict:
    return {"users": 1}


app.mount("/admin", admin)
