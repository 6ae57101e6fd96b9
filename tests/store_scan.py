"""Reading a whole encrypted store back as bytes, for tests that prove something is gone.

Two views, both with the store's key:

- ``table_values``: every value of every table (FTS5 shadow tables, ``sqlite_master`` and
  the sync bookkeeping included) through a raw SQLCipher connection;
- ``decrypted_pages``: every page of the file and every frame of its write-ahead log,
  decrypted by hand (SQLCipher 4 defaults: AES-256-CBC, 4096-byte pages, 80 reserved
  bytes per page for the IV and HMAC, the raw key used as is). That includes free pages,
  the unused space inside pages and old frames: what someone with the key could recover.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from assessor_app.store.sqlcipher_conn import connect

PAGE = 4096
RESERVED = 80  # 16-byte IV + 64-byte HMAC-SHA512
SALT = 16  # the first page starts with the file's salt, stored in clear
WAL_HEADER, FRAME_HEADER = 32, 24


def _decrypt(key: bytes, page: bytes, first: bool) -> bytes:
    iv = page[PAGE - RESERVED:PAGE - RESERVED + 16]
    d = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    return d.update(page[SALT if first else 0:PAGE - RESERVED]) + d.finalize()


def decrypted_pages(db: Path, key_hex: str) -> Iterator[tuple[str, bytes]]:
    """(where, plaintext) for every page of ``db`` and every frame of ``db``-wal."""
    key = bytes.fromhex(key_hex)
    raw = db.read_bytes()
    assert len(raw) % PAGE == 0, "not a SQLCipher file with 4096-byte pages"
    for n in range(len(raw) // PAGE):
        yield f"page {n + 1}", _decrypt(key, raw[n * PAGE:(n + 1) * PAGE], n == 0)
    wal = db.with_name(db.name + "-wal")
    data = wal.read_bytes() if wal.exists() else b""
    pos, frame = WAL_HEADER, 0
    while pos + FRAME_HEADER + PAGE <= len(data):
        page_no = int.from_bytes(data[pos:pos + 4], "big")
        frame += 1
        yield f"wal frame {frame} (page {page_no})", _decrypt(
            key, data[pos + FRAME_HEADER:pos + FRAME_HEADER + PAGE], page_no == 1)
        pos += FRAME_HEADER + PAGE


def table_values(db: Path, key_hex: str) -> Iterator[tuple[str, bytes]]:
    """(table.column, value as bytes) for every non-empty text or blob in every table."""
    conn = connect(db, key_hex)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")]
        tables.append("sqlite_master")
        for table in tables:
            cur = conn.execute(f'SELECT * FROM "{table}"')
            names = [d[0] for d in cur.description]
            for row in cur:
                for name, value in zip(names, row, strict=True):
                    if isinstance(value, str) and value:
                        yield f"{table}.{name}", value.encode("utf-8")
                    elif isinstance(value, bytes | memoryview) and value:
                        yield f"{table}.{name}", bytes(value)
    finally:
        conn.close()


def folder_files(root: Path, db: Path) -> Iterator[tuple[str, bytes]]:
    """Every other file in the data folder (and below), as stored."""
    skip = {db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")}
    for path in sorted(root.rglob("*")):
        if path.is_file() and path not in skip:
            yield str(path.relative_to(root)), path.read_bytes()


def find(chunks: Iterator[tuple[str, bytes]], needle: bytes) -> list[str]:
    """Where ``needle`` occurs (case-insensitive): one entry per place and occurrence."""
    low = needle.lower()
    out = []
    for where, data in chunks:
        text = data.lower()
        start = text.find(low)
        while start != -1:
            end = start + len(low)
            while end < len(text) and chr(text[end]).isalnum():
                end += 1
            out.append(f"{where}: {text[start:end].decode('latin-1')}")
            start = text.find(low, end)
    return out
