"""Fuzz the public API with bad and edge-case arguments (issue 15, the trust contract).

Every public callable of ``thermalize`` and its physics subpackages (discovered from their
``__all__``, so new API is covered automatically) is called with generated arguments: for each
call one or two parameters get a bad or edge-case value (strings, None, NaN, inf, negative and
huge sizes, wrong shapes, non-Hermitian / non-unit-trace / non-positive matrices where a state
is expected), the others a plausible value (their default, or one guessed from the name). Each
call runs in a forked child with an address-space cap and a 30 s limit, and is classified:

``clean``            ParameterError / ConvergenceError, or TypeError from argument binding,
                     naming a parameter
``clean, unnamed``   the same exception types, but the message names no parameter
``deep exception``   anything else (raised inside NumPy, SciPy, Python)
``silent NaN/inf``   returned, with NaN or inf in the result
``MemoryError``      MemoryError (or the child was killed by the memory cap)
``timeout``          over the time limit
``invalid accepted`` returned although a string was given for a number, None for a required
                     value, or an invalid density matrix for a state
``accepted``         returned a finite result for an edge-case value that is legal

Usage::

    PYTHONPATH=src python benchmarks/fuzz_contract.py --calls 5000 [--seed 0] [--jobs 2]

The test ``tests/test_contract.py`` uses the same targets, values and sandbox.
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import importlib
import inspect
import math
import os
import pickle
import re
import resource
import select
import signal
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")  # fork-safe BLAS in the children
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

#: Subpackages whose ``__all__`` is the physics API under contract (missing ones are skipped).
PACKAGES = ("thermalize", "thermalize.classical", "thermalize.scattering", "thermalize.gas",
            "thermalize.fermions", "thermalize.superop", "thermalize.quantum",
            "thermalize.distributions", "thermalize.counting")
#: Seconds per call and address space per child above the parent's.
TIME_LIMIT_S, MEMORY_CAP = 30.0, 3 * 2**30
OUTCOMES = ("clean", "clean, unnamed", "deep exception", "silent NaN/inf", "MemoryError",
            "timeout", "invalid accepted", "accepted")
FAILURES = ("deep exception", "silent NaN/inf", "MemoryError", "timeout", "invalid accepted")


# --- targets ----------------------------------------------------------------------------------

#: Constructors outside the physics packages that take user input (``thermalize.sweep``):
#: executors and the axis parser. The sweep runners themselves start work and write files.
EXTRA_TARGETS = {"thermalize.sweep": ("LocalPoolExecutor", "DaskExecutor", "parse_axis",
                                      "point_rng")}


def _generated_init(cls) -> bool:
    """True when ``cls.__init__`` is the one `dataclasses` wrote (no checks of its own)."""
    code = getattr(cls.__dict__.get("__init__"), "__code__", None)
    return code is not None and code.co_filename == "<string>"


def _is_record(obj) -> bool:
    """A plain result record (dataclass with the generated ``__init__`` and no
    ``__post_init__``): constructing one is not an API call. Models with their own checking
    ``__init__`` (GasModel, SpinGasModel, HeatPump, IncidentPacket, ...) are constructors."""
    return inspect.isclass(obj) and (
        dataclasses.is_dataclass(obj) and _generated_init(obj)
        and not hasattr(obj, "__post_init__")
        or issubclass(obj, BaseException))


def _n_params(fn) -> int:
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return -1
    return sum(p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params)


def _members(qual: str, cls) -> dict[str, object]:
    """Public class/static methods of `cls` (``from_paper``, ``qubit``, ...) and the public
    methods of its ``example()`` instance, each with at least one parameter."""
    out = {}
    for attr, member in vars(cls).items():
        if attr.startswith("_"):
            continue
        if isinstance(member, (classmethod, staticmethod)):
            fn = getattr(cls, attr)
            if _n_params(fn) > 0:
                out[f"{qual}.{attr}"] = fn
    example = getattr(cls, "example", None)
    if example is None or _n_params(example) != 0 and any(
            p.default is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
            for p in inspect.signature(example).parameters.values()):
        return out
    try:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            instance = example()
    except Exception:  # noqa: BLE001 - a broken example is the doctests' business
        return out
    for attr in dir(type(instance)):
        if attr.startswith("_") or not inspect.isfunction(getattr(type(instance), attr, None)):
            continue
        fn = getattr(instance, attr)
        if _n_params(fn) > 0:
            out[f"{qual}.example().{attr}"] = fn
    return out


def targets() -> dict[str, object]:
    """``module.name`` -> public callable, deduplicated: the functions and checking
    constructors of every physics ``__all__``, their classes' public class methods
    (alternative constructors) and the public methods of their ``example()`` instances."""
    found, seen = {}, set()

    def add(key, obj):
        ident = (id(getattr(obj, "__func__", obj)), id(getattr(obj, "__self__", None)))
        if ident not in seen and _n_params(obj) >= 0:
            seen.add(ident)
            found[key] = obj

    lists = [(m, None) for m in PACKAGES] + list(EXTRA_TARGETS.items())
    for modname, only in lists:
        try:
            mod = importlib.import_module(modname)
        except ImportError:
            continue
        for name in only or getattr(mod, "__all__", ()):
            obj = getattr(mod, name, None)
            if obj is None or not callable(obj) or inspect.ismodule(obj) or _is_record(obj):
                continue
            if inspect.isclass(obj) and id(obj) in seen:
                continue
            add(f"{modname}.{name}", obj)
            if inspect.isclass(obj):
                seen.add(id(obj))
                for key, member in _members(f"{modname}.{name}", obj).items():
                    add(key, member)
    return found


# --- values -----------------------------------------------------------------------------------

def _valid_generator():
    from thermalize.superop import detailed_balance_generator

    return detailed_balance_generator(np.array([0.0, 1.0, 2.0]), 1.0, np.ones((3, 3)))


_STATE_WORDS = ("rho", "state", "sigma", "initial", "final", "density")


def is_state_name(name: str) -> bool:
    return any(w in name.lower() for w in _STATE_WORDS)


def plausible(name: str, default):
    """A value the parameter would accept: its default, else one guessed from its name."""
    if default is not inspect.Parameter.empty:
        return default
    n = name.lower()
    if n in ("rng", "random_state"):
        return np.random.default_rng(0)
    if n == "seed":
        return 0
    if is_state_name(n):
        return np.diag([0.5, 0.3, 0.2]).astype(complex)
    if n in ("l", "generator", "liouvillian", "superop", "channel", "kraus"):
        return _valid_generator()
    if n in ("h", "hamiltonian", "h0", "observable", "operator", "a", "b", "op"):
        return np.diag([0.0, 1.0, 2.0]).astype(complex)
    if n.startswith(("n_", "num", "levels", "size", "k", "dim", "samples", "steps", "max_")):
        return 3
    if any(w in n for w in ("energies", "spectrum", "grid", "times", "values",
                            "populations", "probabilities", "occupations")) or n == "p":
        return np.array([0.5, 0.3, 0.2])
    if n in ("c", "correlation", "c0", "corr"):
        return np.diag([0.9, 0.5, 0.1])
    return 1.0


def bad_values() -> list[tuple[str, object]]:
    """(label, value) pairs of bad or edge-case arguments."""
    nonherm = np.array([[0.5, 0.3, 0], [0.0, 0.3, 0], [0, 0, 0.2]], dtype=complex)
    return [
        ("str 'hot'", "hot"), ("str '2.0'", "2.0"), ("None", None), ("NaN", math.nan),
        ("inf", math.inf), ("-inf", -math.inf), ("-1", -1), ("-3", -3), ("0", 0), ("0.0", 0.0),
        ("2**31", 2**31), ("2**62", 2**62), ("1e308", 1e308), ("-1e308", -1e308),
        ("1e-320", 1e-320), ("1j", 1j), ("True", True), ("3.5", 3.5), ("[]", []),
        ("empty array", np.empty(0)), ("2x3 array", np.ones((2, 3))),
        ("NaN matrix", np.full((3, 3), np.nan)), ("NaN vector", np.array([0.5, np.nan, 0.5])),
        ("inf vector", np.array([0.0, np.inf, 1.0])),
        ("non-Hermitian state", nonherm),
        ("trace-3 state", np.eye(3, dtype=complex)),
        ("non-positive state", np.diag([1.5, -0.5, 0.0]).astype(complex)),
        ("2x2 state", np.eye(2, dtype=complex) / 2), ("object()", object()),
        ("huge vector", np.zeros(10**6)), ("1e13 float", 1e13),
        # numbers in other clothes, and sizes large but not absurd
        ("1e-300", 1e-300), ("-0.0", -0.0), ("10**5", 10**5), ("0-d array", np.array(2.0)),
        ("[0.5]", [0.5]), ("float32 0.5", np.float32(0.5)), ("bytes b'1.0'", b"1.0"),
        ("{}", {}),
    ]


INVALID_STATES = ("non-Hermitian state", "trace-3 state", "non-positive state", "NaN matrix")
NOT_NUMBERS = ("str 'hot'", "str '2.0'", "object()", "bytes b'1.0'")
#: State-named parameters documented as *any operator*: a linear map applied to an operator
#: is valid linear algebra (``superop.apply(S, X)`` is the matrix product S vec(X), used on
#: observables and on dissipator outputs as well as on states), so a non-unit-trace or
#: non-Hermitian operand is legal there. Functions documented to take a density matrix must
#: reject it. (function __name__, module prefix) -> parameters.
OPERATOR_OPERANDS = {("apply", "thermalize.superop"): ("rho",),
                     # "A state or operator given in the basis of H_S's input"
                     ("to_eigenbasis", "thermalize.scattering"): ("rho",),
                     ("from_eigenbasis", "thermalize.scattering"): ("rho",)}


def takes_strings(fn, name: str) -> bool:
    """True when parameter `name` of `fn` is documented to take a string (a label such as
    ``name="generator"`` or a method name): its default is a string or its annotation says
    ``str``. A string there is not "a string for a number"."""
    try:
        p = inspect.signature(fn).parameters[name]
    except (TypeError, ValueError, KeyError):
        return False
    ann = p.annotation if isinstance(p.annotation, str) else getattr(
        p.annotation, "__name__", repr(p.annotation))
    parts = [part.strip() for part in str(ann).split("|")]
    return isinstance(p.default, str) or any(
        part in ("str", "Optional[str]") or part.startswith("Literal[") for part in parts)


def takes_state(fn, name: str) -> bool:
    """True when parameter `name` of `fn` is documented to be a density matrix."""
    if not is_state_name(name):
        return False
    for (fname, module), params in OPERATOR_OPERANDS.items():
        if getattr(fn, "__name__", "") == fname and (fn.__module__ or "").startswith(module) \
                and name in params:
            return False
    return True


def make_call(fn, pick):
    """(kwargs, {param: label}) for one call of `fn`: 1-2 parameters bad, the rest plausible.

    ``pick(n)`` returns an integer in [0, n): a NumPy generator's ``integers`` in the
    campaign, a Hypothesis draw in the test.
    """
    params = [p for p in inspect.signature(fn).parameters.values()
              if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    pool = bad_values()
    kwargs = {p.name: plausible(p.name, p.default) for p in params}
    for p in params:  # a string label without a default (parse_axis's key): a string
        if p.default is p.empty and takes_strings(fn, p.name):
            kwargs[p.name] = "grid.value" if p.name == "key" else "x"
    bad = {}
    left = list(params)
    for _ in range(min(len(params), 1 + pick(2))):
        p = left.pop(pick(len(left)))
        label, value = pool[pick(len(pool))]
        kwargs[p.name], bad[p.name] = value, label
    return kwargs, bad


# --- classification -----------------------------------------------------------------------------

def _nonfinite(obj, depth=0) -> bool:
    if depth > 4:
        return False
    if isinstance(obj, (bool, str, bytes)) or obj is None:
        return False
    if isinstance(obj, (int, float, complex, np.number)):
        return not np.isfinite(obj)
    if isinstance(obj, np.ndarray):
        return obj.dtype.kind in "fc" and not np.all(np.isfinite(obj))
    if isinstance(obj, (list, tuple)):
        return any(_nonfinite(x, depth + 1) for x in obj[:1000])
    if isinstance(obj, dict):
        return any(_nonfinite(v, depth + 1) for v in list(obj.values())[:1000])
    mod = type(obj).__module__ or ""
    if mod.startswith("xarray"):
        return any(_nonfinite(np.asarray(v.values), depth + 1)
                   for v in getattr(obj, "data_vars", {"x": obj}).values())
    if mod.startswith("qutip"):
        return _nonfinite(obj.full(), depth + 1)
    if dataclasses.is_dataclass(obj):
        return any(_nonfinite(getattr(obj, f.name), depth + 1)
                   for f in dataclasses.fields(obj))
    return False


#: A docstring that documents a non-finite value: "+inf where the exponent overflows",
#: "NaN where the reversed transition is impossible", "(inf if one direction is impossible)".
_DOCUMENTED = re.compile(r"\b(inf|NaN)\b\)?\s+(\w+\s+){0,3}?(where|if|when)\b")


def _field_doc(cls, field: str) -> str:
    """The numpydoc entry of attribute `field` in the docstring of `cls` ('' if none)."""
    lines = (cls.__doc__ or "").splitlines()
    for n, line in enumerate(lines):
        head = line.split(":")[0]
        if ":" in line and field in [h.strip() for h in head.split(",")]:
            indent = len(line) - len(line.lstrip())
            body = [line]
            for nxt in lines[n + 1:]:
                if nxt.strip() and len(nxt) - len(nxt.lstrip()) <= indent:
                    break
                body.append(nxt)
            return " ".join(body)
    return ""


def documented_nonfinite(fn, out) -> bool:
    """True when the NaN/inf in `out` is documented: in the entry of each non-finite field
    of a returned record, or in the docstring of `fn` for any other result."""
    if dataclasses.is_dataclass(out) and not isinstance(out, type):
        bad = [f.name for f in dataclasses.fields(out) if _nonfinite(getattr(out, f.name))]
        return all(_DOCUMENTED.search(_field_doc(type(out), f)) for f in bad)
    return bool(_DOCUMENTED.search(inspect.getdoc(fn) or ""))


def classify(fn, kwargs, bad) -> tuple[str, str]:
    """Call `fn(**kwargs)` here; (outcome, detail)."""
    from thermalize.errors import ConvergenceError, ParameterError

    names = list(inspect.signature(fn).parameters)
    names += [part for n in names for part in n.split("_or_") if "_or_" in n]
    # a label argument (name=, key=) is how the message names the input
    names += [v for k, v in kwargs.items() if k in ("name", "key") and isinstance(v, str) and v]
    try:
        out = fn(**kwargs)
    except MemoryError as exc:
        return "MemoryError", f"MemoryError: {exc}"
    except (ParameterError, ConvergenceError, TypeError) as exc:
        msg = str(exc)
        if isinstance(exc, TypeError) and not type(exc).__module__.startswith("thermalize") \
                and not any(n in msg for n in names) and "argument" not in msg:
            return "deep exception", f"TypeError: {msg[:200]}"
        named = any(n in msg for n in names) or any(n in msg for n in bad) \
            or isinstance(exc, ConvergenceError)
        return ("clean" if named else "clean, unnamed"), f"{type(exc).__name__}: {msg[:200]}"
    except RecursionError as exc:
        return "deep exception", f"RecursionError: {exc}"
    except Exception as exc:  # noqa: BLE001 - classified
        return "deep exception", f"{type(exc).__name__}: {str(exc)[:200]}"
    if any(lbl in INVALID_STATES for p, lbl in bad.items() if takes_state(fn, p)) \
            or any(lbl in NOT_NUMBERS and not (lbl.startswith("str") and takes_strings(fn, p))
                   for p, lbl in bad.items()):
        return "invalid accepted", f"returned {type(out).__name__}"
    if _nonfinite(out) and not documented_nonfinite(fn, out):
        return "silent NaN/inf", f"returned {type(out).__name__} with NaN/inf"
    return "accepted", ""


# --- sandbox ------------------------------------------------------------------------------------

def _address_space() -> int:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 0


def start_child(fn, kwargs, bad, *, memory_cap=MEMORY_CAP):
    """Fork a child that classifies one call; return (pid, read end of its pipe)."""
    r, w = os.pipe()
    cap = _address_space() + memory_cap
    pid = os.fork()
    if pid == 0:  # child
        try:
            os.close(r)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
            import warnings

            warnings.simplefilter("ignore")
            result = classify(fn, kwargs, bad)
        except BaseException as exc:  # noqa: BLE001 - the harness itself
            result = ("deep exception", f"harness: {type(exc).__name__}: {exc}")
        try:
            data = pickle.dumps(result)
            while data:
                data = data[os.write(w, data):]
        finally:
            os._exit(0)
    os.close(w)
    return pid, r


def finish_child(pid, r, deadline) -> tuple[str, str]:
    """Wait for a child until `deadline` (monotonic); kill it after."""
    chunks = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(r)
            return "timeout", f"over {TIME_LIMIT_S:g} s"
        ready, _, _ = select.select([r], [], [], min(left, 1.0))
        if ready:
            data = os.read(r, 1 << 16)
            if not data:
                break
            chunks.append(data)
    os.close(r)
    _, status = os.waitpid(pid, 0)
    if not chunks:
        sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
        return "MemoryError", f"child died (signal {sig}, status {status}): memory cap"
    return pickle.loads(b"".join(chunks))


def sandboxed(fn, kwargs, bad, *, time_limit=TIME_LIMIT_S) -> tuple[str, str]:
    """Classify one call in a forked child under the memory cap and the time limit."""
    pid, r = start_child(fn, kwargs, bad)
    return finish_child(pid, r, time.monotonic() + time_limit)


# --- campaign -----------------------------------------------------------------------------------

def campaign(n_calls: int, seed: int, jobs: int, time_limit: float):
    rng = np.random.default_rng(seed)
    tgts = targets()
    names = sorted(tgts)
    plan = []
    for i in range(n_calls):
        name = names[i % len(names)]
        kwargs, bad = make_call(tgts[name], lambda n: int(rng.integers(n)))
        plan.append((name, kwargs, bad))
    counts = collections.Counter()
    examples = collections.defaultdict(list)
    running = []
    t0 = time.monotonic()
    todo = list(plan)
    while todo or running:
        while todo and len(running) < jobs:
            name, kwargs, bad = todo.pop(0)
            pid, r = start_child(tgts[name], kwargs, bad)
            running.append((pid, r, time.monotonic() + time_limit, name, bad))
        pid, r, deadline, name, bad = running.pop(0)
        outcome, detail = finish_child(pid, r, deadline)
        counts[outcome] += 1
        examples[outcome].append((name, bad, detail))
    return tgts, counts, examples, time.monotonic() - t0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--calls", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=2, help="children at once")
    ap.add_argument("--time-limit", type=float, default=TIME_LIMIT_S)
    ap.add_argument("--examples", type=int, default=40, help="failures listed per outcome")
    args = ap.parse_args(argv)
    tgts, counts, examples, wall = campaign(args.calls, args.seed, args.jobs, args.time_limit)
    print(f"{sum(counts.values())} calls over {len(tgts)} public callables, seed {args.seed}, "
          f"{wall:.0f} s\n")
    print("| outcome | calls |\n|---|---|")
    for o in OUTCOMES:
        print(f"| {o} | {counts.get(o, 0)} |")
    for o in FAILURES + ("clean, unnamed",):
        seen = set()
        rows = []
        for name, bad, detail in examples.get(o, []):
            key = (name, detail[:60])
            if key not in seen:
                seen.add(key)
                rows.append(f"  {name}({', '.join(f'{k}={v}' for k, v in bad.items())}): "
                            f"{detail}")
        if rows:
            print(f"\n{o} ({len(rows)} distinct):")
            print("\n".join(rows[: args.examples]))
    return 0 if not any(counts.get(o) for o in FAILURES) else 1


if __name__ == "__main__":
    sys.exit(main())
