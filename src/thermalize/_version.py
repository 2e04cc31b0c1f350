"""The package version (single source)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("thermalize")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.1.0"
