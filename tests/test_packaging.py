"""The package as it installs: graph/, api/, loaders/ and viz/ mapped into tierscope.*.

A wheel built from the checkout, installed into a clean virtualenv outside the
tree, imports every module, carries every data file and runs ``tierscope demo``
(against the test server); the editable install of the development virtualenv
imports every module too. The clean virtualenv gets its dependencies from pip's
cache (PyPI for what is not there), not byte-compiled: well under a minute of
the test's time; the demo takes most of the rest.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
PACKAGE_DIR: dict[str, str] = CONFIG["package-dir"]
PACKAGE_DATA: dict[str, list[str]] = CONFIG["package-data"]

#: Run by the installed Python: import every module reachable from the packages
#: in argv, list each data package's files, say where tierscope came from. The
#: walk starts from every declared package, not just tierscope, because the
#: editable install reaches the mapped ones through an import hook that
#: pkgutil.iter_modules(tierscope.__path__) does not list.
WALK = """
import importlib, importlib.resources, json, pkgutil, sys
import tierscope
packages, data_packages = json.loads(sys.argv[1]), json.loads(sys.argv[2])
modules, todo = set(), list(packages)
while todo:
    name = todo.pop()
    if name in modules:
        continue
    module = importlib.import_module(name)
    modules.add(name)
    for info in pkgutil.iter_modules(getattr(module, "__path__", []), name + "."):
        if not info.name.endswith(".__main__"):  # __main__ would run the command
            todo.append(info.name)
files = {
    p: sorted(f.name for f in importlib.resources.files(p).iterdir() if f.is_file())
    for p in data_packages
}
print(json.dumps({"modules": sorted(modules), "files": files, "origin": tierscope.__file__}))
"""


def expected_modules() -> list[str]:
    """Every module the checkout maps into tierscope.* (package-dir), but ``__main__``."""
    found = set()
    for package, folder in PACKAGE_DIR.items():
        root = REPO / folder
        for path in root.rglob("*.py"):
            parts = path.relative_to(root).with_suffix("").parts
            folders = [root.joinpath(*parts[:i]) for i in range(len(parts))]
            if "__pycache__" in parts or not all((f / "__init__.py").exists() for f in folders):
                continue
            if parts[-1] == "__init__":
                parts = parts[:-1]
            if parts[-1:] != ("__main__",):
                found.add(".".join((package, *parts)))
    return sorted(found)


def folder_of(package: str) -> Path:
    """The checkout's folder of ``package``: that of its nearest mapped parent, and below."""
    parts = package.split(".")
    for k in range(len(parts), 0, -1):
        mapped = ".".join(parts[:k])
        if mapped in PACKAGE_DIR:
            return REPO / PACKAGE_DIR[mapped] / Path(*parts[k:])
    raise AssertionError(f"{package} is under no folder of package-dir")


def expected_files() -> dict[str, list[str]]:
    """Each data package's files in the checkout (they ship whole: package-data is ``*``)."""
    out = {}
    for package, globs in PACKAGE_DATA.items():
        if package == "tierscope":
            continue
        assert globs == ["*"], (package, globs)
        folder = folder_of(package)
        out[package] = sorted(f.name for f in folder.iterdir() if f.is_file())
    return out


def walk(python: Path | str, cwd: Path, env: dict[str, str]) -> dict[str, object]:
    packages = [p for p in CONFIG["packages"] if p not in PACKAGE_DATA or p == "tierscope"]
    result = subprocess.run(
        [str(python), "-c", WALK, json.dumps(packages), json.dumps(sorted(expected_files()))],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def clean_env(base: dict[str, str]) -> dict[str, str]:
    """``base`` without what would lead Python back to the checkout or the dev virtualenv."""
    return {k: v for k, v in base.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}


def checkout_copy(to: Path) -> Path:
    """The checkout's files (tracked and untracked, not ignored), without build leftovers.

    setuptools builds in place and never empties build/lib, so a module deleted
    from the tree would still ship from a stale build/ folder of the checkout.
    Without git (an unpacked archive), the tree without what .gitignore names.
    """
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=REPO,
            capture_output=True,
            check=True,
        ).stdout.decode()
    except (OSError, subprocess.CalledProcessError):
        ignored = [".git", ".venv", "__pycache__", "*.egg-info", ".*_cache", ".hypothesis"]
        ignored += ["build", "dist", "out", ".tierscope"]
        shutil.copytree(REPO, to, ignore=shutil.ignore_patterns(*ignored))
        return to
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file():  # a file deleted but not yet staged is still listed
            (to / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, to / name)
    return to


def test_no_package_folder_is_a_symlink() -> None:
    links = [p for p in (REPO / "tierscope").rglob("*") if p.is_symlink()]
    assert links == []


def test_the_editable_install_imports_every_module(tmp_path: Path) -> None:
    found = walk(sys.executable, tmp_path, clean_env(dict(os.environ)))
    assert found["modules"] == expected_modules()
    assert found["files"] == expected_files()


def test_a_wheel_in_a_clean_venv_imports_every_module_and_runs_the_demo(
    tmp_path: Path,
    test_env: dict[str, str],
    store,  # type: ignore[no-untyped-def]  # the test server, emptied
) -> None:
    source = checkout_copy(tmp_path / "checkout")
    wheels = tmp_path / "wheels"
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(source)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    assert "warning" not in (built.stdout + built.stderr).lower()
    (wheel,) = wheels.glob("tierscope-*.whl")

    env = clean_env(test_env)
    home = tmp_path / "venv"
    venv.create(home)  # without pip: this checkout's pip installs into it, without compiling
    python = home / "bin" / "python"
    installed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "-q",
            "--no-compile",
            "--disable-pip-version-check",
            str(wheel),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr

    outside = tmp_path / "elsewhere"
    outside.mkdir()
    found = walk(python, outside, env)
    assert Path(str(found["origin"])).is_relative_to(home)
    assert found["modules"] == expected_modules()
    assert found["files"] == expected_files()

    demo = subprocess.run(
        [str(home / "bin" / "tierscope"), "demo"],
        cwd=outside,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert demo.returncode == 0, demo.stderr
    # Short before the register: one line on stdout, the load on stderr.
    before, register, _ = demo.stdout.partition("Risk register — ")
    assert register
    assert before == (
        "Norvik Industrial Electronics GmbH (NORVIK): 115 companies in 28 countries "
        "(tier 1: 31, tier 2: 50, tier 3: 17, tier 4: 1), 8 products, 232 supply "
        "relationships; `tierscope summary` describes it in full.\n\n"
    )
    loaded, stored, following = demo.stderr.splitlines()
    assert loaded.startswith(f"Loaded the demo ecosystem into {env['NEO4J_URI']} (1,268 rows, ")
    assert stored.startswith("Analysed snapshot ") and "stored the results" in stored
    assert following.startswith("Next: `tierscope analyze`")
