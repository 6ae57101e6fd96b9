"""KeyringSecretStore against a real Secret Service (gnome-keyring), in subprocesses.

Each check runs in a fresh interpreter so that keyring picks its backend the way
the app does at start-up, not the in-memory fake the test process installs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SECRET = "Schlüssel für Ärztinnen – 10 € ✓ 日本語 \U0001f511"
SCOPE = "test-scope"


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env=env,
        cwd=PROJECT_ROOT,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )


def ok(proc: subprocess.CompletedProcess[str]) -> dict[str, object]:
    assert proc.returncode == 0, f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    result: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def test_set_and_get_with_real_secret_service(real_keyring_env: dict[str, str]) -> None:
    env = {**real_keyring_env, "SECRET": SECRET, "PYTHONIOENCODING": "utf-8"}
    writer = ok(
        run_python(
            f"""
            import json, os
            from assessor_app.keystore import KeyringSecretStore
            store = KeyringSecretStore({SCOPE!r})
            store.set("store-key", os.environ["SECRET"])
            print(json.dumps({{"describe": store.describe(), "value": store.get("store-key")}}))
            """,
            env,
        )
    )
    assert writer["describe"] == "keyring.backends.SecretService.Keyring"
    assert writer["value"] == SECRET

    # A second process (same keyring, fresh interpreter) reads it back.
    reader = ok(
        run_python(
            f"""
            import json
            from assessor_app.keystore import KeyringSecretStore
            store = KeyringSecretStore({SCOPE!r})
            print(json.dumps({{
                "value": store.get("store-key"),
                "other_scope": KeyringSecretStore("another-scope").get("store-key"),
                "absent": store.get("never-set"),
            }}))
            """,
            env,
        )
    )
    assert reader == {"value": SECRET, "other_scope": None, "absent": None}

    # The secret went to the temporary keyring file, encrypted.
    keyring_file = Path(real_keyring_env["XDG_DATA_HOME"]) / "keyrings" / "login.keyring"
    assert keyring_file.is_file()
    assert SECRET.encode() not in keyring_file.read_bytes()


DELETE_SCRIPT = """
    import json, os
    from assessor_app.keystore import KeyringSecretStore
    store = KeyringSecretStore("delete-scope")
    if os.environ["ACTION"] == "set":
        store.set("token", "t-1")
    elif os.environ["ACTION"] == "delete":
        store.delete("token")
    print(json.dumps({"value": store.get("token")}))
    """


def test_delete_is_seen_by_the_next_process(real_keyring_env: dict[str, str]) -> None:
    def step(action: str) -> dict[str, object]:
        return ok(run_python(DELETE_SCRIPT, {**real_keyring_env, "ACTION": action}))

    assert step("set") == {"value": "t-1"}
    assert step("delete") == {"value": None}
    assert step("get") == {"value": None}


def test_deleting_an_absent_secret_is_not_an_error(real_keyring_env: dict[str, str]) -> None:
    assert ok(run_python(DELETE_SCRIPT, {**real_keyring_env, "ACTION": "delete"})) == {
        "value": None
    }


def test_no_keyring_gives_keyring_unavailable() -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DBUS_SESSION_BUS_ADDRESS", "PYTHON_KEYRING_BACKEND"}
    }
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    proc = run_python(
        """
        import sys
        from assessor_app.errors import KeyringUnavailable
        from assessor_app.keystore import KeyringSecretStore
        try:
            KeyringSecretStore("test-scope")
        except KeyringUnavailable as exc:
            print(exc)
            sys.exit(exc.exit_code)
        print("no error raised")
        """,
        env,
    )
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert proc.stdout.startswith("No OS keyring is available.\n")
    assert "PYTHON_KEYRING_BACKEND" in proc.stdout
    assert "assessor-app --demo" in proc.stdout
    assert "Traceback" not in proc.stderr
