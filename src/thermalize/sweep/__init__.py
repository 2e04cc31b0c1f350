"""Parameter sweeps: a quantity on a grid -> xarray.Dataset, on local processes or Dask.

A sweep evaluates a registered quantity (or any function) at every point of the product grid
of its axes. Points are cut into chunks; each chunk is one task of an `Executor`
(`SerialExecutor`, `LocalPoolExecutor`, `DaskExecutor`), checkpointed in the output directory
as it finishes, so an interrupted sweep resumes where it stopped. Stochastic points get
child ``i`` of ``SeedSequence(seed).spawn(n_points)``, so results never depend on the executor,
the number of workers or the chunking. See docs/scaling.md.

Reproductions use the same machinery for their expensive work: `Task` (a function and its
arguments, keyed by a hash of both and the package version), `TaskStore` and `run_tasks`.

This package is the task engine: it knows the core only, never a physics family or a paper.
The registered quantities live in the composition layer (``thermalize/papers/quantities``),
imported by name on the first lookup.
"""

from __future__ import annotations

import xarray as xr

from ._errors import SpecError, SweepError
from ._executors import (
    DaskExecutor,
    Executor,
    LocalPoolExecutor,
    SerialExecutor,
    available_cores,
)
from ._jobs import Task, TaskError, TaskRun, TaskStore, function_reference, run_tasks
from ._registry import (
    REQUIRED,
    Quantity,
    add_quantity_provider,
    get_quantity,
    quantities,
    register_quantity,
)
from ._run import SweepResult, run
from ._spec import SweepSpec, load_spec, parse_axis
from ._tasks import point_rng

__all__ = [
    "REQUIRED",
    "DaskExecutor",
    "Executor",
    "LocalPoolExecutor",
    "Quantity",
    "SerialExecutor",
    "SpecError",
    "SweepError",
    "SweepResult",
    "SweepSpec",
    "Task",
    "TaskError",
    "TaskRun",
    "TaskStore",
    "add_quantity_provider",
    "available_cores",
    "function_reference",
    "get_quantity",
    "load_spec",
    "parse_axis",
    "point_rng",
    "quantities",
    "register_quantity",
    "run",
    "run_tasks",
    "sweep",
]


def sweep(quantity, grid: dict, *, fixed: dict | None = None, seed: int | None = None,
          chunk_size: int | None = None, executor: Executor | None = None, out=None,
          force: bool = False, progress: bool = False) -> xr.Dataset:
    """Evaluate `quantity` at every point of `grid`; one Dataset, coordinates = grid axes.

    Parameters
    ----------
    quantity : str or callable
        A registered name (`quantities`), a ``module:function`` reference, or a function
        ``f(**parameters[, rng]) -> float | ndarray | dict[str, float | ndarray]``
        (module-level, so worker processes can import it).
    grid : dict
        Parameter -> values: a list, an array, ``{"linspace": [a, b, n]}`` or
        ``{"logspace": [a, b, n]}`` (exponents, base 10). Dimension order follows the dict.
    fixed : dict, optional
        Parameters held fixed.
    seed : int, optional
        Root seed, required for stochastic quantities (those taking ``rng``).
    chunk_size : int
        Points per task and checkpoint (0: about 1 % of the grid, 1 to 1000 points).
    executor : Executor, optional
        Default `SerialExecutor()` (this process).
    out : path, optional
        Checkpoint directory; a rerun resumes there (see `run`).
    force : bool
        Replace a sweep of another spec found in `out`.
    progress : bool
        tqdm bar on stderr.

    Returns
    -------
    xarray.Dataset
        One variable per output, dims = grid axes then the output's own; failed points are
        NaN, listed in ``attrs["failed_points"]`` (JSON) and counted in ``attrs["n_failed"]``.

    Raises
    ------
    SpecError
        Bad grid or parameters, before any evaluation.
    SweepError
        The executor or output directory failed (finished chunks stay saved in `out`).

    Examples
    --------
    >>> ds = sweep("core.detailed-balance-steady-state", {"beta": [0.0, 1.0]},
    ...            fixed={"levels": 2})
    >>> ds["populations"].dims
    ('beta', 'level')
    >>> np.round(ds["populations"].sel(beta=1.0).values, 6)
    array([0.731059, 0.268941])
    """
    spec = SweepSpec(quantity, grid, fixed or {}, seed, chunk_size)
    result = run(spec, executor=executor, out=out, force=force, progress=progress)
    if not result.complete:
        raise SweepError(f"sweep incomplete: {result.error}")
    return result.dataset
