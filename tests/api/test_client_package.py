# SPDX-License-Identifier: GPL-3.0-or-later
"""clients/python is a package Python users install the usual way: `pip install
./clients/python` into a fresh virtual environment (offline: Debian's setuptools and wheel, no
index), with its type hints shipped (py.typed) and seen by a type checker in user code.
The calls themselves are tested against the real server by tests/e2e, which imports the
installed package (ctest's client_install fixture)."""

import os
import subprocess
import sys

import pytest

from sheaf_e2e import SOURCE_DIR

CLIENT = os.path.join(SOURCE_DIR, "clients", "python")


@pytest.fixture(scope="module")
def venv(tmp_path_factory):
    root = tmp_path_factory.mktemp("client-venv")
    v = root / "v"
    subprocess.run(["/usr/bin/python3", "-m", "venv", "--system-site-packages", str(v)], check=True)
    py = str(v / "bin" / "python3")
    env = dict(os.environ, PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    run = subprocess.run([py, "-m", "pip", "install", "--no-deps", "--no-build-isolation", CLIENT],
                         capture_output=True, text=True, env=env, cwd=root)
    assert run.returncode == 0, run.stdout + run.stderr
    return py


def test_pip_install_puts_a_typed_package_in_the_venv(venv):
    out = subprocess.run(
        [venv, "-c", "import importlib.metadata as m, os, sheaf_client as s; "
                     "print(s.__file__); print(m.version('sheaf-client')); "
                     "print(os.path.exists(os.path.join(os.path.dirname(s.__file__), 'py.typed')))"],
        capture_output=True, text=True, cwd="/", check=True).stdout.split("\n")
    assert "/site-packages/sheaf_client/" in out[0], out
    assert not out[0].startswith(CLIENT), "imported from the source tree, not the install"
    assert out[1] == "0.1.0"
    assert out[2] == "True", "py.typed is not installed"


GOOD = """
from sheaf_client import SheafClient, SheafDocument, SheafError, pointed

def first_completed(c: SheafClient) -> str | None:
    doc: SheafDocument = c.submit(b"hello", filename="a.txt", priority="urgent")
    page = c.list(status="completed", limit=10)
    text: str = c.page_text(doc["id"], 1)
    png: bytes = c.page_image(doc["id"], 1)
    try:
        c.review(doc["id"], "correct", fields={"total": 12.5}, reviewer="alice")
        box = c.page_words(doc["id"], 1)[0]["bbox"]
        c.correct(doc["id"], {"total": pointed("12.50", 1, box), "date": None})
    except SheafError as e:
        retry: float | None = e.retry_after
    for d in c.iter_documents(status="completed"):
        return str(d["id"])
    return None
"""

BAD = """
from sheaf_client import SheafClient

def f(c: SheafClient) -> None:
    n: int = c.page_text("id", 1)
    c.page_image("id", "one")
"""


def test_user_code_type_checks_against_the_installed_hints(venv, tmp_path):
    pytest.importorskip("mypy", reason="mypy comes with tests/api/requirements.txt")
    (tmp_path / "good.py").write_text(GOOD)
    (tmp_path / "bad.py").write_text(BAD)
    # One run (mypy reads the standard library's stubs once), the installed package found
    # through the venv's interpreter.
    run = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental",
                          "--python-executable", venv, "good.py", "bad.py"],
                         capture_output=True, text=True, cwd=tmp_path, timeout=300)
    lines = [line for line in run.stdout.splitlines() if ": error:" in line]
    assert not [line for line in lines if line.startswith("good.py")], run.stdout
    # The hints are really used: wrong calls are errors, not Any.
    assert any(line.startswith("bad.py:5:") and 'expression has type "str"' in line
               for line in lines), run.stdout
    assert any(line.startswith("bad.py:6:") and 'Argument 2 to "page_image"' in line
               for line in lines), run.stdout
