"""The README's app command, `python -m agent_app`, as a real process on a fresh home: it
starts, shows its first window (the first-run account form) and keeps running until closed."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from helpers import clock


def test_python_m_agent_app_starts_on_a_fresh_machine(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "AGENT_APP_HOME": str(tmp_path / "home"),
        "QT_QPA_PLATFORM": "offscreen",
    }
    proc = subprocess.Popen(
        [*clock.python(), "-m", "agent_app"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    log = tmp_path / "home" / "logs" / "perisai-agent.log"
    shown = False
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if log.exists() and "window shown" in log.read_text("utf-8", "replace"):
                shown = True
                break
            time.sleep(0.1)
        still_running = proc.poll() is None
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            _, stderr = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, stderr = proc.communicate()
    assert shown, f"no window within 60 s; exit {proc.returncode}; stderr:\n{stderr[-2000:]}"
    assert still_running, stderr[-2000:]
    assert "Traceback" not in stderr, stderr[-2000:]
    # a fresh machine: the first start made its own home (no database until an account exists)
    assert (tmp_path / "home" / "logs").is_dir()
