"""Build hook: fix the git commit into the package (``thermalize/_build_info.py``).

All metadata lives in pyproject.toml; this file only adds a ``build_py`` step, so that a
non-editable ``pip install .`` (or a wheel) records the commit it was built from. Installed
from a tree without git (e.g. an sdist), the commit is ``"unknown"``.
"""

import importlib.util
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


def _git_info():
    spec = importlib.util.spec_from_file_location("_tv", HERE / "src/thermalize/_version.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.git_info(HERE)


class BuildPyWithCommit(build_py):
    """``build_py`` that also writes ``thermalize/_build_info.py`` into the build tree."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads git at run time
        info = _git_info()
        target = Path(self.build_lib) / "thermalize" / "_build_info.py"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(
            '"""Written by setup.py at build time; do not edit."""\n\n'
            f"GIT_COMMIT = {info['git_commit']!r}\nGIT_DIRTY = {info['git_dirty']!r}\n"
        )


setup(cmdclass={"build_py": BuildPyWithCommit})
