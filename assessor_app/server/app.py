"""The FastAPI application: endpoints of ``sync.protocol`` over the server's database.

Stateless: everything lives in the database (and the CA files), so several instances can
serve one PostgreSQL. Every error is ``{"detail": {"code", "message"}}`` with a message
for the person at the laptop; never a traceback.
"""


import logging
import re
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, HTTPException, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from sqlalchemy.exc import OperationalError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from assessor_app.server import auth, blobs, ca, migrate, pull, push
from assessor_app.server.auth import AuthFailed, Caller
from assessor_app.server.config import ServerConfig, ServerError
from assessor_app.server.db import make_engine
from assessor_app.server.http_guard import Guard, too_new_message
from assessor_app.server.throttle import AttemptLimit
from assessor_app.sync.protocol import (
    BLOB_CHUNK_BYTES,
    MAX_BODY_BYTES,
    MAX_PULL_LIMIT,
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    EnrolRequest,
    EnrolResponse,
    ErrorDetail,
    PullPage,
    PushBatch,
    PushResponse,
    WhoAmI,
)

log = logging.getLogger("assessor_app.server")
SHA = r"^[0-9a-f]{64}$"
MAX_CURSOR = 2**62
UPDATE_NEEDED = ("Some records on this computer are no longer yours to keep (a practitioner "
                 "was moved to another assessor), and this version of the app cannot remove "
                 "them. Update the app to keep syncing; nothing on this computer was lost.")


def fail(status: int, code: str, message: str, headers: dict[str, str] | None = None
         ) -> HTTPException:
    return HTTPException(status, detail={"code": code, "message": message}, headers=headers)


def _clean_text(value: Any) -> bool:
    """False when a string holds NUL or a lone surrogate (neither can be stored)."""
    if isinstance(value, str):
        if "\x00" in value:
            return False
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, dict):
        return all(_clean_text(k) and _clean_text(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_clean_text(v) for v in value)
    return True


def _check_text(model: Any) -> None:
    if not _clean_text(model.model_dump()):
        raise fail(422, "bad_text", "Some text holds a NUL character or broken Unicode, which "
                                    "the server cannot store.")


class ErrorBody(BaseModel):
    """Every error: ``{"detail": {"code", "message"}}`` (documented so clients can rely on it)."""

    detail: ErrorDetail


def _json(model: Any) -> Response:
    """A model already built and validated by us: sent as is (FastAPI would validate it
    again against ``response_model``, which costs more than the query for a big page)."""
    return Response(content=model.model_dump_json(), media_type="application/json")


def create_app(config: ServerConfig, *, run_migrations: bool = True) -> FastAPI:
    if run_migrations:
        engine = migrate.open_engine(config)
    else:
        config.ensure()
        engine = make_engine(config.database_url)
    authority = ca.load_or_create(config.ca_dir)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):  # type: ignore[no-untyped-def]
        yield
        engine.dispose()

    app = FastAPI(title="Assessor workbench sync server", version=f"protocol {PROTOCOL_VERSION}",
                  lifespan=lifespan, responses={
                      "4XX": {"model": ErrorBody, "description": "refused: see the message"},
                      "5XX": {"model": ErrorBody, "description": "server problem"}})
    app.state.engine = engine
    app.state.authority = authority
    bearer = HTTPBearer(auto_error=False, description="the device token from /v1/enrol")

    @app.exception_handler(RequestValidationError)
    async def _invalid(_req: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return JSONResponse({"detail": {"code": "bad_json", "message":
                                            "The request body is not valid JSON."}}, 400)
        first = errors[0] if errors else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        msg = f"The request was not understood: {where or 'body'}: {first.get('msg', 'invalid')}."
        return JSONResponse({"detail": {"code": "invalid_request", "message": msg}}, 422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_req: Request, exc: StarletteHTTPException) -> JSONResponse:
        """Every error body is {"detail": {"code", "message"}}, the framework's own too."""
        detail = exc.detail
        if not isinstance(detail, dict):
            words = {404: "There is nothing at this address.",
                     405: "This address does not accept that method."}
            detail = {"code": f"http_{exc.status_code}",
                      "message": words.get(exc.status_code, str(detail))}
        return JSONResponse({"detail": detail}, exc.status_code, headers=exc.headers)

    @app.exception_handler(OperationalError)
    async def _busy(_req: Request, exc: OperationalError) -> JSONResponse:
        log.warning("database unavailable: %s", type(exc.orig).__name__)
        return JSONResponse({"detail": {"code": "busy", "message": "The server's database is "
                                        "busy or unavailable; try again shortly."}}, 503,
                            headers={"Retry-After": "5"})

    def caller(creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Caller:
        if creds is None or not creds.credentials:
            raise fail(401, "no_token", "This request needs the device's token. Enrol the "
                       "device first.", {"WWW-Authenticate": "Bearer"})
        try:
            return auth.authenticate(engine, creds.credentials)
        except AuthFailed as exc:
            raise fail(401, exc.code, exc.message, {"WWW-Authenticate": "Bearer"}) from None

    Who = Annotated[Caller, Depends(caller)]

    def _protocol(n: int) -> None:
        if n > PROTOCOL_VERSION:
            raise fail(426, "protocol_too_new", too_new_message(n))

    attempts = AttemptLimit()
    app.state.enrol_attempts = attempts

    @app.post("/v1/enrol", response_model=EnrolResponse)
    def enrol(req: EnrolRequest, request: Request) -> EnrolResponse:
        _protocol(req.protocol)
        _check_text(req)
        address = request.client.host if request.client else "unknown"
        wait = attempts.wait_s(address)
        if wait:
            minutes = max(1, round(wait / 60))
            raise fail(429, "too_many_attempts", f"Too many enrolment codes were refused from "
                       f"this address. Check the code and try again in about {minutes} "
                       f"minute{'s' if minutes != 1 else ''}.", {"Retry-After": str(wait)})

        def issue(csr: str, name: str, role: str) -> str:
            try:
                return ca.issue_user_cert(authority, csr, name, role)
            except ServerError as exc:
                raise fail(400, "bad_csr", exc.message) from None

        try:
            resp = auth.enrol(engine, req, issue)
        except AuthFailed as exc:
            attempts.failed(address)
            raise fail(403, exc.code, exc.message) from None
        return resp.model_copy(update={"ca_pem": authority.cert_pem})

    @app.get("/v1/whoami", response_model=WhoAmI)
    def whoami(who: Who) -> WhoAmI:
        return auth.whoami(engine, who)

    @app.get("/v1/pull", response_model=PullPage)
    def pull_page(who: Who, cursor: Annotated[str, Query(max_length=24)] = "0",
                  limit: Annotated[int, Query(ge=1, le=MAX_PULL_LIMIT)] = 500,
                  protocol: Annotated[int, Header(alias=PROTOCOL_HEADER, ge=1)] = 1
                  ) -> Response:
        if not re.fullmatch(r"\d{1,19}", cursor.strip()) or int(cursor) > MAX_CURSOR:
            raise fail(400, "bad_cursor", "The pull cursor was not understood; start again "
                                          "from cursor 0.")
        try:
            body = pull.pull_json(engine, who, int(cursor), limit, protocol)
        except pull.UpdateNeeded:
            raise fail(426, "update_needed", UPDATE_NEEDED) from None
        return Response(content=body, media_type="application/json")

    @app.post("/v1/push", response_model=PushResponse,
              responses={409: {"description": "batch id reused with different rows"}})
    def push_batch(who: Who, batch: PushBatch) -> Response:
        _protocol(batch.protocol)
        _check_text(batch)
        try:
            return _json(push.push(engine, who, batch))
        except push.BatchReused:
            raise fail(409, "batch_reused", "This batch id was already used for different "
                       "rows. Send the changes again under a new batch id.") from None

    Sha = Annotated[str, Path(pattern=SHA, description="the file's sha256, lower-case hex")]

    @app.head("/v1/blobs/{sha256}")
    def blob_head(who: Who, sha256: Sha) -> Response:
        complete, held = blobs.state(engine, sha256, who)
        if complete:
            return Response(status_code=200, headers={"Content-Length": str(held)})
        return Response(status_code=404, headers={"Upload-Offset": str(held)})

    @app.patch("/v1/blobs/{sha256}", status_code=204, openapi_extra={"requestBody": {
        "required": True, "content": {"application/octet-stream": {
            "schema": {"type": "string", "format": "binary"}}}}})
    async def blob_patch(
            who: Who, sha256: Sha, request: Request,
            upload_offset: Annotated[int, Header(ge=0, le=blobs.MAX_BLOB_BYTES)],
            upload_length: Annotated[int, Header(ge=0, le=blobs.MAX_BLOB_BYTES)]) -> Response:
        data = await request.body()
        if len(data) > MAX_BODY_BYTES:
            raise fail(413, "too_large", f"Send files in chunks of at most "
                                         f"{BLOB_CHUNK_BYTES} bytes.")
        try:
            offset = await run_in_threadpool(blobs.append, engine, sha256, upload_offset,
                                             upload_length, data, who.user_id)
        except blobs.BlobProblem as exc:
            hdrs = {"Upload-Offset": str(exc.offset)} if exc.offset is not None else None
            raise fail(exc.status, exc.code, exc.message, hdrs) from None
        return Response(status_code=204, headers={"Upload-Offset": str(offset)})

    @app.get("/v1/blobs/{sha256}", response_class=Response,
             responses={200: {"content": {"application/octet-stream": {}}}})
    def blob_get(who: Who, sha256: Sha, range_: Annotated[str | None, Header(
            alias="Range", max_length=100)] = None) -> Response:
        size = blobs.size(engine, sha256)
        if size is None or not blobs.may_download(engine, who, sha256):
            raise fail(404, "no_such_file", "The server has no such file for you.")
        start, end, status = 0, size, 200
        if range_:
            m = re.fullmatch(r"bytes=(\d{1,15})-(\d{0,15})", range_.strip())
            if not m or (int(m.group(1)) >= max(size, 1) and size > 0):
                return Response(status_code=416, headers={"Content-Range": f"bytes */{size}"})
            start = int(m.group(1))
            end = min(size, int(m.group(2)) + 1) if m.group(2) else size
            if end <= start and size > 0:
                return Response(status_code=416, headers={"Content-Range": f"bytes */{size}"})
            status = 206
        headers = {"Content-Length": str(end - start), "Accept-Ranges": "bytes"}
        if status == 206:
            headers["Content-Range"] = f"bytes {start}-{max(end - 1, start)}/{size}"
        return StreamingResponse(blobs.read(engine, sha256, start, end), status_code=status,
                                 media_type="application/octet-stream", headers=headers)

    app.add_middleware(Guard)
    return app
