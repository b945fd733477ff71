"""Fresh virtual environments and pip runs for the shipping tests."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run(args: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(args, capture_output=True, text=True, timeout=600, **kwargs)  # type: ignore[call-overload]
    assert done.returncode == 0, f"{args}: {done.stdout[-3000:]}{done.stderr[-3000:]}"
    return done  # type: ignore[no-any-return]


def scripts_dir(venv: Path) -> Path:
    return venv / ("Scripts" if sys.platform == "win32" else "bin")


def venv_python(venv: Path) -> Path:
    return scripts_dir(venv) / ("python.exe" if sys.platform == "win32" else "python")


def make_venv(venv: Path, borrow_site_packages: bool) -> Path:
    """A fresh venv without pip (fast). `borrow_site_packages` appends this environment's
    site-packages to its path (a .pth line: their own .pth files, such as the editable install
    of this checkout, are not run), so the wheel installed with --no-deps finds its
    dependencies offline."""
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv_python(venv)
    if borrow_site_packages:
        purelib = run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]
        )
        ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
        Path(purelib.stdout.strip(), "_borrowed.pth").write_text("\n".join(sorted(ours)) + "\n")
    return python


def pip_into(python: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """pip of this environment, installing into the venv of `python` (pip --python)."""
    return run([sys.executable, "-m", "pip", "--python", str(python), "-q", *args])


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without this checkout on the path or the app's and server's settings."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "DATABASE_URL", "PERISAI_RESOURCES", "DISPLAY")
    }
    env["QT_QPA_PLATFORM"] = "offscreen"
    env.update(extra)
    return env
