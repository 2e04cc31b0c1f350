"""The package version and the commit it was built from (single source).

A wheel or non-editable install carries ``thermalize/_build_info.py``, written at build time
by ``setup.py`` (custom ``build_py``) with the git commit and dirty flag of the source tree.
In a source checkout (editable install, ``PYTHONPATH=src``) that file is absent and the commit
is read from git at run time.
"""

from __future__ import annotations

import functools
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

try:
    __version__ = version("thermalize")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.1.0"

__all__ = ["__version__", "build_info", "git_info"]


def git_info(tree) -> dict:
    """Commit and dirty flag of the git checkout at `tree` (``"unknown"``/None without git).

    Only a checkout whose top level is `tree` counts: a package installed into a virtual
    environment that happens to sit inside some other repository reports ``"unknown"``.
    """
    tree = Path(tree).resolve()

    def git(*args):
        res = subprocess.run(["git", "-C", str(tree), *args], capture_output=True, text=True,
                             timeout=10)
        if res.returncode != 0:
            raise OSError(res.stderr.strip())
        return res.stdout.strip()

    try:
        if Path(git("rev-parse", "--show-toplevel")).resolve() != tree:
            raise OSError("not the top level of a checkout")
        commit = git("rev-parse", "HEAD")
        dirty = bool(git("status", "--porcelain", "--untracked-files=no"))
    except (OSError, subprocess.SubprocessError):
        return {"git_commit": "unknown", "git_dirty": None}
    return {"git_commit": commit, "git_dirty": dirty}


@functools.lru_cache(maxsize=1)
def build_info() -> dict:
    """``{"git_commit", "git_dirty", "commit_source"}`` of this installation.

    ``commit_source`` is ``"build"`` (fixed when the wheel was built), ``"git"`` (read from
    the source checkout at run time) or ``"unknown"``.

    Examples
    --------
    >>> sorted(build_info())
    ['commit_source', 'git_commit', 'git_dirty']
    """
    try:
        from . import _build_info  # written by setup.py at build time; absent in a checkout
    except ImportError:
        info = git_info(Path(__file__).resolve().parents[2])
        return {**info, "commit_source": "git" if info["git_commit"] != "unknown" else "unknown"}
    return {"git_commit": _build_info.GIT_COMMIT, "git_dirty": _build_info.GIT_DIRTY,
            "commit_source": "build"}
