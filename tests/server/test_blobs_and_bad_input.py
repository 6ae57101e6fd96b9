"""Blobs (resumable, checked, scope-guarded) and bad input (clear 4xx, never a 500)."""

from __future__ import annotations

import hashlib
import os

import httpx
import pytest

from assessor_app.sync.protocol import MAX_BODY_BYTES
from tests.server.conftest import Device, new_id, practitioner_tree, row, unique


@pytest.fixture
def dev(server, devices) -> Device:
    name = unique("Assessor")
    server.add_user(name, "assessor")
    d = Device(server, name)
    devices.append(d)
    return d


def _patch(dev: Device, sha: str, data: bytes, offset: int, length: int) -> httpx.Response:
    return dev.http.patch(f"/v1/blobs/{sha}", content=data, headers={
        "Upload-Offset": str(offset), "Upload-Length": str(length),
        "Content-Type": "application/offset+octet-stream"})


def test_resumable_upload_then_download_when_a_row_names_it(server, dev: Device) -> None:
    data = os.urandom(300_000)
    sha = hashlib.sha256(data).hexdigest()
    head = dev.http.head(f"/v1/blobs/{sha}")
    assert head.status_code == 404 and head.headers["Upload-Offset"] == "0"
    r = _patch(dev, sha, data[:100_000], 0, len(data))
    assert r.status_code == 204 and r.headers["Upload-Offset"] == "100000"
    # the connection was cut: ask where to resume
    assert dev.http.head(f"/v1/blobs/{sha}").headers["Upload-Offset"] == "100000"
    wrong = _patch(dev, sha, data[50_000:60_000], 50_000, len(data))
    assert wrong.status_code == 409 and wrong.headers["Upload-Offset"] == "100000"
    assert _patch(dev, sha, data[100_000:], 100_000, len(data)).status_code == 204
    head = dev.http.head(f"/v1/blobs/{sha}")
    assert head.status_code == 200 and head.headers["Content-Length"] == str(len(data))
    # no row names it yet: not downloadable
    assert dev.http.get(f"/v1/blobs/{sha}").status_code == 404
    tree = practitioner_tree()
    dev.push_ok(tree["rows"] + [row("attachment", new_id(), {"evidence_id": tree["evidence"],
                                                              "content": sha})])
    got = dev.http.get(f"/v1/blobs/{sha}")
    assert got.status_code == 200 and got.content == data
    part = dev.http.get(f"/v1/blobs/{sha}", headers={"Range": "bytes=1000-1999"})
    assert part.status_code == 206 and part.content == data[1000:2000]
    assert dev.http.get(f"/v1/blobs/{sha}", headers={"Range": "bytes=999999999-"}
                        ).status_code == 416


def test_wrong_sha256_drops_the_upload(server, dev: Device) -> None:
    data = b"these bytes do not match"
    sha = hashlib.sha256(b"something else").hexdigest()
    r = _patch(dev, sha, data, 0, len(data))
    assert r.status_code == 409
    assert "do not match" in r.json()["detail"]["message"]
    assert dev.http.head(f"/v1/blobs/{sha}").headers["Upload-Offset"] == "0"


def test_blob_paths_and_headers_are_checked(server, dev: Device) -> None:
    assert dev.http.head("/v1/blobs/not-a-sha").status_code == 422
    sha = "a" * 64
    r = dev.http.patch(f"/v1/blobs/{sha}", content=b"x")  # no Upload-Offset / Upload-Length
    assert r.status_code == 422 and r.json()["detail"]["message"]
    assert _patch(dev, sha, b"xyz", 0, 2).status_code == 400  # more than declared
    assert httpx.head(f"{server.url}/v1/blobs/{sha}").status_code == 401


def test_malformed_json_is_400_with_a_message(server, dev: Device) -> None:
    r = dev.http.post("/v1/push", content=b'{"batch_id": ', headers={
        "Content-Type": "application/json"})
    assert r.status_code == 400
    assert r.json()["detail"]["message"] == "The request body is not valid JSON."


@pytest.mark.parametrize("body", [
    {}, {"batch_id": "short", "rows": []}, {"batch_id": "x" * 40, "rows": "no"},
    {"batch_id": "x" * 40, "rows": [{"table": "evidence"}]},
    {"batch_id": "x" * 40, "rows": [], "unexpected": 1},
    {"batch_id": "x" * 40, "rows": [{"table": "evidence", "id": "", "base_rev": 0,
                                     "fields": {}}]},
    {"batch_id": "x" * 40, "rows": [{"table": "evidence", "id": "a", "base_rev": -1,
                                     "fields": {}}]},
])
def test_invalid_push_bodies_are_422_with_a_message(server, dev: Device, body) -> None:
    r = dev.http.post("/v1/push", json=body)
    assert r.status_code == 422, r.text
    assert r.json()["detail"]["code"] == "invalid_request"
    assert r.json()["detail"]["message"].startswith("The request was not understood")


def test_too_many_rows_is_refused(server, dev: Device) -> None:
    rows = [row("person", new_id(), {"name": "x"}) for _ in range(501)]
    r = dev.push(rows)
    assert r.status_code == 422


def test_oversized_body_is_413(server, dev: Device) -> None:
    r = dev.http.post("/v1/push", content=b"x" * (MAX_BODY_BYTES + 200_000),
                      headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    assert "larger than the server accepts" in r.json()["detail"]["message"]

    def chunks():  # no Content-Length: cut off while it streams
        for _ in range(40):
            yield b"y" * (512 * 1024)

    r = dev.http.post("/v1/push", content=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413


def test_bad_protocol_header_is_400(server, dev: Device) -> None:
    r = dev.http.get("/v1/whoami", headers={"X-Sync-Protocol": "one"})
    assert r.status_code == 400
    assert "whole number" in r.json()["detail"]["message"]


def test_framework_errors_use_the_same_error_shape(server, dev: Device) -> None:
    r = dev.http.get("/v1/nowhere")
    assert r.status_code == 404
    assert r.json()["detail"]["message"] == "There is nothing at this address."
    r = dev.http.delete("/v1/push")
    assert r.status_code == 405 and r.json()["detail"]["code"] == "http_405"
