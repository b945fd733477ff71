"""The laptop's server address: https, or plain http only to this computer (loopback)."""

from __future__ import annotations

import pytest

from agent_app import settings


@pytest.mark.parametrize(
    "url",
    [
        "",
        "https://perisai.example.id",
        "https://perisai.example.id:8443/api",
        "http://127.0.0.1:8765",
        "http://127.0.0.2",
        "http://localhost:8000/",
        "http://[::1]:8765",
        "HTTP://LOCALHOST",
    ],
)
def test_allowed(url: str) -> None:
    assert settings.server_url_problem(url) is None


@pytest.mark.parametrize(
    ("url", "starts"),
    [
        ("http://perisai.example.id", "Alamat server memakai http://"),
        ("http://10.0.0.5:8765", "Alamat server memakai http://"),
        ("http://192.168.1.20", "Alamat server memakai http://"),
        ("http://127.0.0.1.evil.example", "Alamat server memakai http://"),
        ("http://localhost.evil.example", "Alamat server memakai http://"),
        ("perisai.example.id", "Alamat server tidak dikenali"),
        ("ftp://perisai.example.id", "Alamat server tidak dikenali"),
        ("https://", "Alamat server tidak dikenali"),
        ("https://perisai.example.id:99999", "Alamat server tidak dikenali"),
    ],
)
def test_refused_with_a_message_in_both_languages(url: str, starts: str) -> None:
    problem = settings.server_url_problem(url)
    assert problem is not None
    assert problem.in_language("id").startswith(starts)
    assert problem.in_language("en").startswith("The server address")
