"""AttachmentService over a real encrypted demo store: bytes, sha256, type, limits, copies.

The full-disk case runs in a subprocess whose file-size limit (RLIMIT_FSIZE, with SIGXFSZ
ignored so a write past it fails with EFBIG) is set just above the store's files: the
store's own writes then fail as on a full disk, with no root and no special file system.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from assessor_app.app import AppContext
from assessor_app.domain.attachments import MAX_ATTACHMENT_BYTES, mismatch_note, sniff
from assessor_app.errors import UsageError
from assessor_app.services.report_jobs import PrivateCopies
from tests.review_demo import TODAY, copy_store

ROOT = Path(__file__).resolve().parents[2]
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00"
       b"\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe"
       b"\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82")
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def _draft(ctx: AppContext, kind: str = "observation") -> str:
    return ctx.evidence.create(ctx.list_rows(TODAY)[0].enrolment_id, kind, TODAY)


def test_bytes_and_sha256_round_trip_and_removal_tombstones(ctx: AppContext,
                                                            tmp_path: Path) -> None:
    eid = _draft(ctx)
    data = bytes(range(256)) * 4000 + PNG  # binary, about 1 MB
    src = tmp_path / "drawing.bin"
    src.write_bytes(data)
    row = ctx.attachments.add_file(eid, src)
    assert row.sha256 == hashlib.sha256(data).hexdigest() and row.size == len(data)
    assert row.filename == "drawing.bin"
    assert ctx.attachments.content(row.id) == data
    photo = ctx.attachments.add_bytes(eid, "Drawing of a house.png", PNG)
    assert photo.mime == "image/png" and photo.is_picture and photo.note == ""
    assert [r.id for r in ctx.attachments.list(eid)] == [row.id, photo.id]

    ctx.attachments.remove(row.id)
    assert [r.id for r in ctx.attachments.list(eid)] == [photo.id]
    with ctx.database.uow() as uow:  # tombstoned, not deleted: a sync passes the removal on
        from assessor_app.store.models import Attachment

        gone = uow.session.get(Attachment, row.id)
        assert gone is not None and gone.deleted_at is not None
        assert hashlib.sha256(gone.content).hexdigest() == gone.sha256


def test_the_size_limit_and_a_huge_file_refused_without_reading_it(ctx: AppContext,
                                                                   tmp_path: Path) -> None:
    eid = _draft(ctx)
    big = tmp_path / "scan.pdf"
    with big.open("wb") as fh:  # 200 MB, sparse: costs no disk, would cost memory if read
        fh.truncate(200 * 1024 * 1024)
    with pytest.raises(UsageError) as caught:
        ctx.attachments.add_file(eid, big)
    assert "200.0 MB" in caught.value.message and "25.0 MB" in caught.value.message
    just_over = tmp_path / "photo.jpg"
    just_over.write_bytes(b"\xff\xd8\xff" + b"\0" * MAX_ATTACHMENT_BYTES)
    with pytest.raises(UsageError, match=r"at most 25\.0 MB"):
        ctx.attachments.add_file(eid, just_over)
    assert ctx.attachments.list(eid) == []


def test_a_file_that_is_not_what_its_name_says_is_kept_as_what_it_is(ctx: AppContext) -> None:
    eid = _draft(ctx)
    row = ctx.attachments.add_bytes(eid, "photo of drawing.jpg", PDF)
    assert row.mime == "application/pdf"
    assert row.note == ("Named .jpg but it is a PDF document, not a JPEG photo; it is kept "
                        "and opened as a PDF document.")
    assert ctx.attachments.list(eid)[0].note == row.note
    assert sniff(b"plain words, not a picture") == "text/plain"
    assert mismatch_note("notes.txt", "text/plain") == ""


def test_the_private_copy_is_0600_in_a_0700_folder_and_removed(ctx: AppContext) -> None:
    eid = _draft(ctx)
    row = ctx.attachments.add_bytes(eid, "Smith family form.pdf", PDF)
    copies = PrivateCopies()
    path = ctx.attachments.open_copy(row.id, copies)
    assert path.read_bytes() == PDF and path.suffix == ".pdf"
    assert "Smith" not in path.name  # no personal details in the temporary file's name
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    copies.clear()
    assert not path.exists() and not path.parent.exists()


def test_a_final_record_keeps_its_attachments(ctx: AppContext) -> None:
    eid = _draft(ctx, "reflection")
    row = ctx.attachments.add_bytes(eid, "a.pdf", PDF)
    ctx.evidence.autosave(eid, {"title": "Reflection", "body": "Some words."})
    ctx.evidence.finalise(eid)
    with pytest.raises(UsageError, match="final"):
        ctx.attachments.add_bytes(eid, "b.pdf", PDF)
    with pytest.raises(UsageError, match="final"):
        ctx.attachments.remove(row.id)


FULL_DISK_SCRIPT = r"""
import json, os, resource, signal, sys
from pathlib import Path
from assessor_app.app import demo_paths, open_context
from assessor_app.errors import AppError
from datetime import date

folder, out_dir = Path(sys.argv[1]), Path(sys.argv[2])
ctx = open_context(demo_paths(folder), create=False)
eid = ctx.evidence.create(ctx.list_rows(date(2026, 11, 23))[0].enrolment_id, "observation",
                          date(2026, 11, 23))
ctx.evidence.autosave(eid, {"notes": "Typed before the disk filled."})
small = ctx.attachments.add_bytes(eid, "small.pdf", b"%PDF-1.4 small")
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
biggest = max(p.stat().st_size for p in folder.rglob("*") if p.is_file())
limit = biggest + 256 * 1024
big = os.urandom(limit + 1024 * 1024)
result = {"limit": limit}
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
try:
    ctx.attachments.add_bytes(eid, "big.bin", big)
    result["add"] = "no error"
except AppError as exc:
    result["add"] = [type(exc).__name__, exc.message, exc.hint]
resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))  # space returns
result["after_full"] = [r.filename for r in ctx.attachments.list(eid)]
result["notes"] = ctx.evidence.load(eid).values["notes"]
row = ctx.attachments.add_bytes(eid, "big.bin", big)
result["retry"] = ctx.attachments.content(row.id) == big
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, hard))
target = out_dir / "copy.bin"
try:
    ctx.attachments.save_copy(row.id, target)
    result["save"] = "no error"
except AppError as exc:
    result["save"] = [type(exc).__name__, exc.message, exc.hint]
resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
result["left"] = sorted(p.name for p in out_dir.iterdir())
ctx.attachments.save_copy(row.id, target)
result["saved_ok"] = target.read_bytes() == big
ctx.close()
print(json.dumps(result))
"""


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")
def test_a_full_disk_gives_a_clear_message_and_loses_nothing(demo_folder: Path,
                                                            tmp_path: Path) -> None:
    folder = copy_store(demo_folder, tmp_path / "demo")
    out = tmp_path / "out"
    out.mkdir()
    proc = subprocess.run([sys.executable, "-c", FULL_DISK_SCRIPT, str(folder), str(out)],
                          capture_output=True, text=True, timeout=240,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    kind, message, hint = result["add"]
    assert kind == "DiskFull" and "disk is full" in message and "nothing saved before" in hint
    assert result["after_full"] == ["small.pdf"]
    assert result["notes"] == "Typed before the disk filled."
    assert result["retry"] is True
    kind, message, hint = result["save"]
    assert message.startswith("Could not save a copy") and "still safe" in hint
    assert result["left"] == []  # no half-written file
    assert result["saved_ok"] is True
