"""Shared by the API tests: walk the public callables of a thermalize package."""

import importlib
import inspect


def public_callables(package: str):
    """(qualified name, callable) for the public functions, classes and class methods of
    ``thermalize.<package>`` (its ``__all__``)."""
    mod = importlib.import_module(f"thermalize.{package}")
    for name in mod.__all__:
        obj = getattr(mod, name)
        if not callable(obj):
            continue
        yield f"{package}.{name}", obj
        if inspect.isclass(obj):
            for attr, member in vars(obj).items():
                if attr.startswith("_"):
                    continue
                if isinstance(member, (staticmethod, classmethod)):
                    member = member.__func__
                if inspect.isfunction(member):
                    yield f"{package}.{name}.{attr}", member
