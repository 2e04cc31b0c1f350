"""Build hook: fix the git commit into the package (``thermalize/_build_info.py``).

All metadata lives in pyproject.toml; this file only adds a ``build_py`` step, so that a
non-editable ``pip install .`` (or a wheel) records the commit it was built from. Installed
from a tree without git (e.g. an sdist), the commit is ``"unknown"``.
"""

import importlib.util
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

HERE = Path(__file__).resolve().parent
BUILD_INFO = Path("src", "thermalize", "_build_info.py")


def _git_info():
    spec = importlib.util.spec_from_file_location("_tv", HERE / "src/thermalize/_version.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.git_info(HERE)


def _write_build_info(target: Path, info: dict) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(
        '"""Written by setup.py at build time; do not edit."""\n\n'
        f"GIT_COMMIT = {info['git_commit']!r}\nGIT_DIRTY = {info['git_dirty']!r}\n"
    )


class BuildPyWithCommit(build_py):
    """``build_py`` that also writes ``thermalize/_build_info.py`` into the build tree."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads git at run time
        info = _git_info()
        if info["git_commit"] == "unknown" and (HERE / BUILD_INFO).is_file():
            return  # building from an sdist: keep the commit it was made from (copied above)
        _write_build_info(Path(self.build_lib) / "thermalize" / "_build_info.py", info)


class SdistWithCommit(sdist):
    """``sdist`` that records the commit in the archive (no git where it is built later)."""

    def make_release_tree(self, base_dir, files):
        super().make_release_tree(base_dir, files)
        _write_build_info(Path(base_dir) / BUILD_INFO, _git_info())


setup(cmdclass={"build_py": BuildPyWithCommit, "sdist": SdistWithCommit})
