from fastapi import APIRouter, HTTPException

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/login")
async def login(body: dict) -> dict:
    if body.get("password") != "secret":
        raise HTTPException(status_code=401, detail="bad password")
    return {"token": f"t-{body.get('user')}"}
