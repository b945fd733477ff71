"""What can be checked of the Windows build without Windows (the runner does the rest,
.github/workflows/windows.yml): the Inno Setup script installs per user, keeps the person's
data on uninstall unless asked, carries the version the workflow reads from
`agent_app.__version__`; the workflow builds, self-tests and packs; the version resource and
the icon of the .exe match the app."""

from __future__ import annotations

import ast
import importlib.util
import re
import shlex
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from PIL import Image

from agent_app import APP_ID, APP_NAME, __version__, paths

ROOT = Path(__file__).resolve().parents[2]
ISS = ROOT / "installer" / "perisai-agent.iss"
WORKFLOW = ROOT / ".github" / "workflows" / "windows.yml"


def preprocess(text: str, defines: dict[str, str]) -> str:
    """What ISPP does to this script, as far as it uses it: `/D` defines, `#define`,
    `#ifndef`/`#error`, `#if FileExists` (no Indonesian.isl here), `{#Name}`."""
    names = dict(defines)
    out: list[str] = []
    keep = [True]
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#ifndef "):
            keep.append(keep[-1] and stripped.split()[1] not in names)
        elif stripped.startswith("#if "):
            keep.append(keep[-1] and "FileExists" not in stripped)
        elif stripped == "#else":
            keep[-1] = not keep[-1] and keep[-2]
        elif stripped == "#endif":
            keep.pop()
        elif not keep[-1]:
            continue
        elif stripped.startswith("#error"):
            raise SyntaxError(stripped)
        elif stripped.startswith("#define "):
            _, name, value = stripped.split(maxsplit=2)
            names.setdefault(name, value.strip('"'))
        else:
            out.append(re.sub(r"\{#(\w+)\}", lambda m: names[m.group(1)], line))
    return "\n".join(out)


def sections(text: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    current = ""
    for line in text.splitlines():
        stripped = line.strip()
        if re.fullmatch(r"\[\w+\]", stripped):
            current = stripped[1:-1]
            found[current] = []
        elif stripped and not stripped.startswith(";"):
            found.setdefault(current, []).append(stripped)
    return found


def workflow() -> dict[str, Any]:
    loaded: dict[Any, Any] = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return loaded


def steps() -> list[dict[str, Any]]:
    return list(workflow()["jobs"]["installer"]["steps"])


def run_text() -> str:
    return "\n".join(str(step.get("run", "")) for step in steps())


def workflow_version() -> str:
    """The version the workflow hands to iscc, by running its own command here."""
    (line,) = [line for line in run_text().splitlines() if "agent_app.__version__" in line]
    code = shlex.split(line.split("=", 1)[1].strip())[2]  # python -c "<code>"
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout.strip()


@pytest.fixture(scope="module")
def script() -> dict[str, list[str]]:
    (iscc,) = [line for line in run_text().splitlines() if line.startswith("iscc ")]
    assert "/DAppVersion=${{ steps.version.outputs.version }}" in iscc
    assert iscc.endswith(r"installer\perisai-agent.iss")
    return sections(preprocess(ISS.read_text(encoding="utf-8"), {"AppVersion": __version__}))


def setup(script: dict[str, list[str]]) -> dict[str, str]:
    return dict(line.split("=", 1) for line in script["Setup"])


def test_the_version_comes_from_the_app_and_must_be_given() -> None:
    assert workflow_version() == __version__
    with pytest.raises(SyntaxError, match="Pass the app version"):
        preprocess(ISS.read_text(encoding="utf-8"), {})


def test_a_per_user_install_of_the_pyinstaller_folder(script: dict[str, list[str]]) -> None:
    s = setup(script)
    assert s["PrivilegesRequired"] == "lowest"
    assert "PrivilegesRequiredOverridesAllowed" not in s
    assert s["DefaultDirName"] == rf"{{autopf}}\{APP_NAME}"  # %LOCALAPPDATA%\Programs per user
    assert s["AppVersion"] == s["VersionInfoVersion"] == __version__
    assert s["OutputBaseFilename"] == f"{APP_ID}-{__version__}-setup"
    assert f"-{'${{ steps.version.outputs.version }}'}-setup.exe" in run_text()
    icon = (ISS.parent / s["SetupIconFile"].replace("\\", "/")).resolve()
    assert icon == ROOT / "resources" / "icons" / f"{APP_ID}.ico"
    (files,) = script["Files"]
    assert files.startswith(rf'Source: "..\dist\{APP_ID}\*"; DestDir: "{{app}}"')
    assert "recursesubdirs" in files
    menu = [line for line in script["Icons"] if "{autoprograms}" in line]
    assert menu == [
        rf'Name: "{{autoprograms}}\{APP_NAME}"; Filename: "{{app}}\{APP_ID}.exe"; '
        r'WorkingDir: "{app}"'
    ]


def test_uninstall_keeps_the_data_folder_unless_asked(
    script: dict[str, list[str]], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Where agent_app/paths.py keeps everything on Windows, computed by platformdirs' own
    # Windows rules with %LOCALAPPDATA% standing for the known folder.
    import platformdirs.windows

    monkeypatch.delenv("AGENT_APP_HOME")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(platformdirs, "PlatformDirs", platformdirs.windows.Windows)
    monkeypatch.setattr(platformdirs.windows, "_RESOLVE_WIN_FOLDER", lambda csidl: f"{{{csidl}}}")
    folders = [paths.data_dir(), paths.config_dir(), paths.log_dir()]
    data = Path("{CSIDL_LOCAL_APPDATA}") / APP_ID
    assert folders == [data, data, data / "Logs"]

    code = "\n".join(script["Code"])
    (define,) = re.findall(r"ExpandConstant\('([^']+)'\)", code)
    assert define == rf"{{localappdata}}\{APP_ID}"
    # nothing deletes it but the person's answer (default No) or /DELETEDATA when silent
    assert "UninstallDelete" not in script and "UninstallDelete" not in ISS.read_text("utf-8")
    assert code.count("DelTree(") == 1
    assert re.search(r"if DeleteData then\s+DelTree\(DataFolder", code)
    assert "DeleteData := False;" in code
    assert "MB_YESNO or MB_DEFBUTTON2) = IDYES" in code
    assert "DeleteData := DeleteDataParam" in code
    for language in ("id", "en"):
        (question,) = [
            line for line in script["CustomMessages"] if line.startswith(f"{language}.Delete")
        ]
        assert "%1" in question and ("PERINGATAN" in question or "WARNING" in question)


def test_the_workflow_builds_self_tests_and_packs_on_windows() -> None:
    job = workflow()["jobs"]["installer"]
    assert str(job["runs-on"]).startswith("windows")
    uses = {step.get("uses", "").split("@")[0]: step for step in steps()}
    assert uses["actions/setup-python"]["with"]["python-version"] == "3.11"
    assert "actions/checkout" in uses and "actions/upload-artifact" in uses
    artifact = uses["actions/upload-artifact"]["with"]["path"]
    assert "dist/installer/*.exe" in artifact and "self-test" in artifact
    text = run_text()
    assert "python -m PyInstaller build.spec" in text
    # a windowed .exe: its exit status and its log are the report
    assert (
        '"dist\\perisai-agent\\perisai-agent.exe" -ArgumentList "--self-test" -Wait -PassThru'
        in (text)
    )
    assert "$run.ExitCode -ne 0" in text and '"self-test passed"' in text
    assert 'perisai-agent\\Logs\\self-test.log"' in text
    names = [str(step.get("name", "")) for step in steps()]
    assert names.index("Build (PyInstaller)") < names.index("Self-test of the build")
    assert names.index("Self-test of the build") < names.index("Build the installer")
    # the data survives a plain uninstall and goes with /DELETEDATA
    assert "uninstalling deleted the data" in text and '"/DELETEDATA"' in text
    # the tests it runs exist
    tests = [w for w in text.split() if w.startswith("tests/")]
    assert tests and all((ROOT / t).is_file() for t in tests)


def _versioninfo() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "versioninfo", ROOT / "installer" / "versioninfo.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_version_resource_says_the_app_version(tmp_path: Path) -> None:
    """PyInstaller eval()s the file with its own classes (Windows only); here each class
    records its arguments."""
    vi = _versioninfo()
    path = vi.write_version_file(tmp_path, __version__, APP_NAME, APP_ID)
    text = path.read_text(encoding="utf-8")
    ast.parse(text, mode="eval")

    def record(kind: str) -> Any:
        return lambda *args, **kwargs: (kind, args, kwargs)

    names = ["VSVersionInfo", "FixedFileInfo", "StringFileInfo", "StringTable"]
    names += ["StringStruct", "VarFileInfo", "VarStruct"]
    info = eval(text, {name: record(name) for name in names})
    ffi = info[2]["ffi"][2]
    numbers = tuple(int(n) for n in __version__.split("."))
    assert ffi["filevers"] == ffi["prodvers"] == (*numbers, 0, 0, 0)[:4]
    table = info[2]["kids"][0][1][0][0]
    strings = dict(s[1] for s in table[1][1])
    assert strings["ProductVersion"] == strings["FileVersion"] == __version__
    assert strings["ProductName"] == APP_NAME
    assert strings["OriginalFilename"] == f"{APP_ID}.exe"
    assert vi.numeric("1.2rc1") == (1, 2, 0, 0)


def test_build_spec_gives_windows_the_icon_and_the_version() -> None:
    spec = (ROOT / "build.spec").read_text(encoding="utf-8")
    assert 'ICON = ROOT / "resources" / "icons" / "perisai-agent.ico"' in spec
    assert "icon=str(ICON) if WINDOWS" in spec
    assert "version=_version_file() if WINDOWS else None" in spec
    assert "console=not WINDOWS" in spec
    with Image.open(ROOT / "resources" / "icons" / f"{APP_ID}.ico") as ico:
        assert (256, 256) in ico.info["sizes"] and (16, 16) in ico.info["sizes"]
