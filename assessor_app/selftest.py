"""``assessor-app --self-test``: does this installed (or frozen) app have everything it needs?

A bundle can import cleanly and still miss a data file, a hidden import, a Qt plugin
or a keyring backend; those show up only when the piece is used. So this uses each
one for real, in a temporary folder that is removed afterwards: it creates and
migrates an encrypted store (Alembic over the bundled migrations), renders and signs
a report for a fictional cohort, verifies the signature with pyHanko, shows the main
window offscreen, and reports the keyring backend (having none is reported, not failed).

One line per check, then a JSON summary on the last line; exit 0 only if all passed.
The user's data folder and keyring are never written to (a probe entry apart, removed
at once).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from assessor_app import __version__
from assessor_app.errors import AppError
from assessor_app.keystore import MemorySecretStore
from assessor_app.paths import DataPaths, migrations_dir, resources_dir

#: Testing: run the store check over another migrations folder (to see it fail).
ENV_MIGRATIONS = "ASSESSOR_APP_SELFTEST_MIGRATIONS"
#: Optional: save the main window's picture here as selftest-window.png.
ENV_SHOTS = "ASSESSOR_APP_SCREENSHOT_DIR"
CHECKS = ("resources", "store", "report", "sign", "verify", "keyring", "qt")
EXIT_FAILED = 1
SQLITE_PLAIN_HEADER = b"SQLite format 3\x00"


class CheckFailed(Exception):
    """A check's plain-language reason for failing."""


@dataclass
class Result:
    name: str
    ok: bool
    detail: str
    seconds: float
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass
class _State:
    """What later checks need from earlier ones."""

    folder: Path
    secrets: MemorySecretStore
    today: date = field(default_factory=date.today)
    store_ready: bool = False
    ctx: Any = None
    document_id: str = ""
    signed: bytes = b""


def _reason(exc: BaseException) -> str:
    if isinstance(exc, AppError):
        return f"{exc.message} {exc.hint}".strip()
    if isinstance(exc, CheckFailed):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"  # a bundling gap shows as an ImportError here


# -- the checks ----------------------------------------------------------------------------


def _check_resources(_: _State) -> tuple[str, dict[str, Any]]:
    res, mig = resources_dir(), migrations_dir()
    wanted = {
        "fonts": sorted(p.name for p in (res / "fonts").glob("*.ttf")),
        "frameworks": sorted(p.name for p in (res / "frameworks").glob("*.yaml")),
        "programmes": sorted(p.name for p in (res / "programmes").glob("*.yaml")),
        "demo": sorted(p.name for p in (res / "demo").glob("*.yaml")),
        "migrations": sorted(p.name for p in (mig / "versions").glob("*.py")),
    }
    empty = [k for k, v in wanted.items() if not v]
    if empty or not (mig / "env.py").is_file():
        raise CheckFailed(f"missing from the bundle: {', '.join(empty) or 'migrations/env.py'} "
                          f"(resources {res}, migrations {mig})")
    counts = {k: len(v) for k, v in wanted.items()}
    return ", ".join(f"{n} {k}" for k, n in counts.items()), {"resources": str(res), **counts}


def _check_store(st: _State) -> tuple[str, dict[str, Any]]:
    from assessor_app.services.maintenance import check
    from assessor_app.store.database import open_database

    migs = Path(os.environ.get(ENV_MIGRATIONS) or migrations_dir())
    paths = DataPaths(st.folder / "store")
    paths.ensure()
    database = open_database(paths, st.secrets, create=True, migrations_dir=migs)
    try:
        report = check(database)
    finally:
        database.dispose()
    if not report.ok or report.revision != report.head:
        raise CheckFailed(f"the new store is not sound (schema {report.revision}, head "
                          f"{report.head}, integrity {'; '.join(report.integrity.integrity)})")
    with paths.db.open("rb") as fh:
        if fh.read(16) == SQLITE_PLAIN_HEADER:
            raise CheckFailed("the new store was written unencrypted")
    cipher = report.integrity.cipher_version
    st.store_ready = True
    return (f"created and migrated to {report.head}, encrypted (SQLCipher {cipher})",
            {"schema": report.head, "sqlcipher": cipher})


def _check_report(st: _State) -> tuple[str, dict[str, Any]]:
    from assessor_app import app
    from assessor_app.domain.enums import EnrolmentStatus
    from assessor_app.services import report_jobs
    from assessor_app.services.demo import create_demo_cohort

    if not st.store_ready:
        raise CheckFailed("skipped: there is no store (see the store check)")
    st.ctx = ctx = app.open_context(DataPaths(st.folder / "store"), create=False,
                                    secrets=st.secrets)
    create_demo_cohort(ctx.database, ctx.catalogue.catalogue(), today=st.today, seed=2026)
    done = next(r for r in ctx.list_rows(st.today) if r.status is EnrolmentStatus.COMPLETED)
    built = report_jobs.build_report(ctx, "final", done.enrolment_id, today=st.today)
    rendered = report_jobs.render_report(built)
    if not rendered.pdf.startswith(b"%PDF-") or rendered.pages < 1:
        raise CheckFailed("the renderer returned something that is not a PDF")
    st.document_id = report_jobs.store_report(ctx, built, rendered).id
    return (f"final report rendered: {rendered.pages} pages, {len(rendered.pdf) // 1024} KiB",
            {"pages": rendered.pages, "bytes": len(rendered.pdf)})


def _check_sign(st: _State) -> tuple[str, dict[str, Any]]:
    from assessor_app.services import report_jobs

    if st.ctx is None or not st.document_id:
        raise CheckFailed("skipped: there is no report to sign (see the report check)")
    report_jobs.sign_document(st.ctx, st.document_id, "assessor")
    st.signed = report_jobs.document_content(st.ctx, st.document_id)
    return f"signed as the assessor ({len(st.signed) // 1024} KiB)", {"bytes": len(st.signed)}


def _check_verify(st: _State) -> tuple[str, dict[str, Any]]:
    from assessor_app.services.signing import verify_pdf

    if not st.signed:
        raise CheckFailed("skipped: there is no signed report (see the sign check)")
    report = verify_pdf(st.signed)
    if len(report.signatures) != 1 or not report.all_ok:
        problems = [p for c in report.signatures for p in c.problems]
        raise CheckFailed(f"pyHanko did not accept the signature ({len(report.signatures)} "
                          f"found; {'; '.join(problems) or 'no detail'})")
    c = report.signatures[0]
    # And a verifier that passes everything proves nothing: one changed byte must fail it.
    tampered = bytearray(st.signed)
    tampered[len(tampered) // 3] ^= 0x01
    try:
        caught = not verify_pdf(bytes(tampered)).all_ok
    except AppError:  # unreadable after the change: also caught
        caught = True
    if not caught:
        raise CheckFailed("pyHanko accepted a copy of the signed report with one byte changed")
    return (f"pyHanko: 1 signature, intact, role {c.role}, field {c.field}; "
            "a copy with one byte changed fails", {"role": c.role, "intact": c.intact,
                                                   "tamper_detected": True})


def _check_keyring(_: _State) -> tuple[str, dict[str, Any]]:
    from assessor_app.errors import KeyringUnavailable
    from assessor_app.keystore import KeyringSecretStore, backend_status

    name, usable = backend_status()
    if not usable:
        return (f"no usable OS keyring ({name}): real stores need one; the demo works without",
                {"backend": name, "usable": False})
    probe = "self-test-probe"
    try:
        store = KeyringSecretStore("self-test")
        store.set(probe, "ok")
        round_trip = store.get(probe) == "ok"
        store.delete(probe)
    except KeyringUnavailable as exc:
        return (f"{name} found but refused a probe entry ({exc.message})",
                {"backend": name, "usable": True, "round_trip": False})
    return (f"{name}, probe entry written, read and removed: {'ok' if round_trip else 'MISMATCH'}",
            {"backend": name, "usable": True, "round_trip": round_trip})


def _check_qt(st: _State) -> tuple[str, dict[str, Any]]:
    from assessor_app.ui.self_check import QtCheckFailed, check_window

    shots = os.environ.get(ENV_SHOTS)
    shot = Path(shots) / "selftest-window.png" if shots else None
    try:
        facts = check_window(st.ctx, st.today, resources_dir() / "fonts", shot)
    except QtCheckFailed as exc:
        raise CheckFailed(str(exc)) from None
    rows = f", {facts['rows']} practitioners listed" if facts["rows"] >= 0 else ""
    return (f"Qt {facts['qt']} on {facts['platform']}: main window {facts['window']}{rows}; "
            f"font {facts['default_font']} ({facts['font_source']}), "
            f"{facts['system_font_families']} system families",
            facts)


_RUNNERS: dict[str, Callable[[_State], tuple[str, dict[str, Any]]]] = {
    "resources": _check_resources, "store": _check_store, "report": _check_report,
    "sign": _check_sign, "verify": _check_verify, "keyring": _check_keyring, "qt": _check_qt,
}


# -- running ---------------------------------------------------------------------------------


def run_checks(folder: Path, out: TextIO) -> list[Result]:
    # The store key is random, as for a real store, but lives only in this process.
    state = _State(folder, MemorySecretStore())
    results: list[Result] = []
    try:
        for name in CHECKS:
            start = time.perf_counter()
            try:
                detail, facts = _RUNNERS[name](state)
                ok = True
            except Exception as exc:  # every failure is reported, then the next check runs
                detail, facts, ok = _reason(exc), {}, False
            result = Result(name, ok, detail, round(time.perf_counter() - start, 3), facts)
            results.append(result)
            print(f"{'ok  ' if ok else 'FAIL'}  {name:<9} {detail}  ({result.seconds:.2f} s)",
                  file=out, flush=True)
    finally:
        if state.ctx is not None:
            state.ctx.close()
    return results


def main(out: TextIO | None = None) -> int:
    """Run every check in a fresh temporary folder; the last line printed is JSON."""
    out = out or sys.stdout
    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # a check, not a session: never show a window
    start = time.perf_counter()
    folder = Path(tempfile.mkdtemp(prefix="assessor-selftest-"))
    print(f"assessor-app {__version__} self-test ({'frozen' if getattr(sys, 'frozen', False) else 'source'}, "
          f"Python {sys.version.split()[0]}, {sys.platform})", file=out, flush=True)
    try:
        results = run_checks(folder, out)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    failed = [r.name for r in results if not r.ok]
    summary = {
        "ok": not failed,
        "version": __version__,
        "frozen": bool(getattr(sys, "frozen", False)),
        "seconds": round(time.perf_counter() - start, 3),
        "failed": failed,
        "temp_folder_removed": not folder.exists(),
        "checks": {r.name: {"ok": r.ok, "detail": r.detail, "seconds": r.seconds, **r.facts}
                   for r in results},
    }
    print(("Self-test passed." if not failed else
           f"Self-test FAILED: {', '.join(failed)}. See the lines marked FAIL above."), file=out)
    print(json.dumps(summary, default=str), file=out, flush=True)
    return 0 if not failed else EXIT_FAILED

