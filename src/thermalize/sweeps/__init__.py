"""Deprecated alias of the private modules of `thermalize.sweep` (the old ``sweeps/`` folder).

The task engine is one package, `thermalize.sweep`; this alias keeps old private imports such
as ``thermalize.sweeps._store`` working for one release. Use `thermalize.sweep`.
"""

import sys

from ..sweep import _dask, _errors, _executors, _registry, _run, _spec, _store, _tasks

for _name, _module in [("_dask", _dask), ("_errors", _errors), ("_executors", _executors),
                       ("_registry", _registry), ("_run", _run), ("_spec", _spec),
                       ("_store", _store), ("_tasks", _tasks)]:
    sys.modules[f"{__name__}.{_name}"] = _module
