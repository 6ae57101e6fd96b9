"""Review: files are content-addressed, so knowing a file's sha256 must not be enough to read
it. An assessor who never had another assessor's file names its sha256 in a row of their own
(without uploading any bytes) and asks for the bytes."""

from __future__ import annotations

import hashlib

import httpx

from tests.sync.devices import Devices, add_portfolio, blobs


def test_naming_a_known_sha256_does_not_read_another_scopes_file(live_server,  # type: ignore[no-untyped-def]
                                                                devices: Devices) -> None:
    server = live_server("sqlite")
    server.add_user("Fictional Assessor", "assessor")
    server.add_user("Other Assessor", "assessor")
    a = devices.enrolled("a", server, "Fictional Assessor")
    add_portfolio(a, file_bytes=2000)
    a.sync.sync()
    [data] = [v for v in blobs(a).values() if v]
    sha = hashlib.sha256(data).hexdigest()
    other = devices.enrolled("other", server, "Other Assessor")
    mine = add_portfolio(other, "Other's Practitioner")
    other.sync.sync()
    token, _who = server.enrol("Other Assessor")
    head = {"Authorization": f"Bearer {token}", "X-Sync-Protocol": "1"}
    row = {"table": "attachment", "id": "0f0e0d0c-0b0a-4909-8807-060504030201", "base_rev": 0,
           "fields": {"evidence_id": mine["evidence"][0], "filename": "guess.bin", "size": 2000,
                      "sha256": sha, "content": sha, "mime_type": "application/octet-stream"}}
    r = httpx.post(f"{server.url}/v1/push", headers=head, json={
        "batch_id": "5b1f7a52-1c1d-4e55-9a0e-0a9d7c1e2f30", "rows": [row]}, timeout=30)
    assert r.status_code == 200
    got = httpx.get(f"{server.url}/v1/blobs/{sha}", headers=head, timeout=30)
    assert got.status_code in (403, 404) and got.content != data
