from contextlib import asynccontextmanager

from fastapi import FastAPI, HTTPException, Request, WebSocket, WebSocketDisconnect
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from fastapi.sse import EventSourceResponse, ServerSentEvent

from shop import state
from shop.routers import items, users
from shop.routers.users import router as users_router


@asynccontextmanager
async def lifespan(app: FastAPI):
    state.EVENTS.append("lifespan:start")
    yield
    state.EVENTS.append("lifespan:stop")


HITS = 0

app = FastAPI(title="Shop", version="1.2.3", lifespan=lifespan)
app.add_middleware(CORSMiddleware, allow_origins=["https://shop.example"], allow_methods=["*"])
app.include_router(users_router)
app.include_router(items.router, prefix="/api")


@app.middleware("http")
async def stamp(request: Request, call_next):
    """A Starlette BaseHTTPMiddleware: runs the route in another task."""
    response = await call_next(request)
    response.headers["X-Shop"] = request.url.path
    return response


class TeapotError(Exception):
    pass


@app.exception_handler(TeapotError)
async def teapot_handler(request: Request, exc: TeapotError) -> JSONResponse:
    return JSONResponse(status_code=418, content={"teapot": str(exc)})


@app.get("/health")
def health(request: Request) -> dict[str, str]:
    return {
        "status": "ok",
        "users_module": users.__name__.rsplit(".", 1)[-1],
        "item_url": str(request.url_for("read_item", item_id=1)),
        "user_path": app.url_path_for("get_user", user_id=2),
    }


@app.post("/hits")
def hit() -> int:
    global HITS
    HITS += 1
    return HITS


@app.get("/events", response_class=EventSourceResponse)
async def events(count: int = 2):
    yield ServerSentEvent(data={"hello": "world"}, event="greeting", id="0")
    for i in range(count):
        yield {"n": i}


@app.get("/teapot")
async def teapot(kind: str = "earl grey"):
    raise TeapotError(kind)


@app.get("/boom", status_code=202)
async def boom(code: int = 409):
    raise HTTPException(status_code=code, detail={"code": code, "why": "conflict"})


@app.get("/crash")
def crash(kind: str = "runtime"):
    if kind == "key":
        raise KeyError("missing")
    raise RuntimeError("kaboom")


@app.api_route("/echo", methods=["GET", "POST"])
async def echo(request: Request) -> dict:
    body = await request.body()
    return {"method": request.method, "body": body.decode(), "q": dict(request.query_params)}


@app.websocket("/ws/echo")
async def ws_echo(websocket: WebSocket, prefix: str = ">"):
    await websocket.accept()
    try:
        while True:
            text = await websocket.receive_text()
            if text == "bye":
                await websocket.send_json({"bye": True})
                await websocket.close(code=1000)
                break
            await websocket.send_text(f"{prefix} {text}")
    except WebSocketDisconnect:
        state.EVENTS.append("ws:disconnect")
    state.EVENTS.append("ws:done")
