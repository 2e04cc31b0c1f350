"""The ``thermalize`` command: parses arguments, calls ``papers``, ``sweep`` and ``report``."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path


__all__ = ["main", "build_parser"]

EXIT_OK, EXIT_CHECK_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad command-line usage; reported as one line with exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse that raises UsageError instead of printing usage and exiting."""

    def error(self, message):  # noqa: D102 - argparse hook
        raise UsageError(f"{self.prog}: {message}")


class _VersionAction(argparse.Action):
    """``--version``: version, commit and software in use (computed only when asked)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, **kwargs):
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        from ._provenance import version_text

        print(version_text())
        parser.exit()


def _formats(text: str) -> tuple[str, ...]:
    from .errors import ParameterError
    from .plotting import parse_formats

    try:
        return parse_formats(text)
    except ParameterError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``thermalize`` command."""
    p = _Parser(
        prog="thermalize",
        description="Reproduce and explore thermalization by collisional and finite baths.",
    )
    p.add_argument("--version", action=_VersionAction,
                   help="print version, commit and the software in use, then exit")
    sub = p.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")

    pl = sub.add_parser("list", help="list registered reproductions")
    fmt = pl.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="machine-readable list")
    fmt.add_argument("--markdown", action="store_true", help="the README table")

    pr = sub.add_parser(
        "reproduce", help="run reproductions: IDs or 'all'",
        description="Run reproductions. Their expensive work runs as tasks on the chosen "
                    "executor; files go to DIR/quick/ or DIR/full/, finished tasks to "
                    "DIR/tasks/ (shared, reused by later runs: a killed run resumes). "
                    "'thermalize list' shows the quick and full estimates.")
    pr.add_argument("ids", nargs="+", metavar="ID", help="reproduction ids, or 'all'")
    pr.add_argument("--out", default="results", type=Path, metavar="DIR",
                    help="output directory (./results): DIR/quick/ID.*, DIR/full/ID.*")
    mode = pr.add_mutually_exclusive_group()
    mode.add_argument("--quick", dest="full", action="store_false", help="quick settings (default)")
    mode.add_argument("--full", dest="full", action="store_true", help="paper-grade settings")
    pr.add_argument("--json", action="store_true", help="print results as JSON on stdout")
    pr.add_argument("--report", action="store_true",
                    help="also write the HTML report DIR/report.html")
    _executor_options(pr)
    pr.add_argument("--format", dest="formats", type=_formats, default=("png", "pdf"),
                    metavar="png,pdf,svg",
                    help="figure formats (default png,pdf); the PNG is always written")
    pr.set_defaults(full=False)

    ps = sub.add_parser("sweep", help="evaluate a quantity over a parameter grid (TOML spec)")
    ps.add_argument("spec", type=Path, metavar="SPEC.toml", help="sweep spec (docs/scaling.md)")
    _executor_options(ps)
    ps.add_argument("--out", type=Path, metavar="DIR",
                    help="output and checkpoint directory (default results/<spec name>)")
    ps.add_argument("--force", action="store_true",
                    help="replace a sweep of another spec found in --out")
    ps.add_argument("--max-points", type=int, default=None, metavar="N",
                    help="largest number of grid points accepted (default 10,000,000); the "
                         "spec is refused before any work when its grid is larger")

    pp = sub.add_parser("report", help="write one self-contained HTML page for DIR")
    pp.add_argument("dir", type=Path, metavar="DIR", help="output directory of reproduce/sweep")
    pp.add_argument("--out", type=Path, metavar="FILE", help="page to write (DIR/report.html)")
    return p


def _executor_options(p) -> None:
    where = p.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, default=1, metavar="N",
                       help="local worker processes (default 1: this process)")
    where.add_argument("--scheduler", metavar="ADDRESS",
                       help="run on a Dask cluster, e.g. tcp://host:8786 (thermalize[dask])")
    where.add_argument("--local-cluster", type=int, metavar="N",
                       help="start a Dask LocalCluster of N worker processes for the run")


def _full_estimate(r) -> float:
    import math

    return r.full_runtime_estimate_s if math.isfinite(r.full_runtime_estimate_s) \
        else r.runtime_estimate_s


def _cmd_list(args) -> int:
    from .papers import registry
    from .sweep._jobs import estimate_text

    reg = registry()
    if args.json:
        doc = [
            {"id": r.id, "title": r.title, "paper": r.paper,
             "runtime_estimate_s": r.runtime_estimate_s,
             "full_runtime_estimate_s": _full_estimate(r),
             "declares_tasks": r.tasks is not None}
            for r in reg.values()
        ]
        print(json.dumps(doc, indent=2))
    elif args.markdown:
        print(markdown_table(reg))
    else:
        width = max((len(k) for k in reg), default=10)
        print(f"{'id':<{width}}  {'quick':>7}  {'full':>8}  what it shows")
        for r in reg.values():
            print(f"{r.id:<{width}}  {estimate_text(r.runtime_estimate_s):>7}  "
                  f"{estimate_text(_full_estimate(r)):>8}  {r.title}")
        quick = sum(r.runtime_estimate_s for r in reg.values())
        full = sum(_full_estimate(r) for r in reg.values())
        print(f"{'all':<{width}}  {estimate_text(quick):>7}  {estimate_text(full):>8}  "
              "(one core; --workers N divides the tasks among N processes)")
    return EXIT_OK


def markdown_table(reg) -> str:
    """The table of registered reproductions embedded in README.md."""
    from .sweep._jobs import estimate_text

    lines = ["| id | what it shows | paper | quick | full |", "|---|---|---|---|---|"]
    for r in reg.values():
        short = r.paper.split(",")[0] + (" et al." if "," in r.paper else "")
        lines.append(f"| `{r.id}` | {r.title} | {short} | ~{estimate_text(r.runtime_estimate_s)} "
                     f"| ~{estimate_text(_full_estimate(r))} |")
    return "\n".join(lines)


def _resolve_ids(ids: list[str]) -> list[str]:
    from .papers import registry, suggest

    reg = registry()
    if "all" in ids:
        return list(reg)
    for i in ids:
        if i not in reg:
            hint = suggest(i)
            raise UsageError(
                f"thermalize reproduce: unknown id {i!r}"
                + (f" (did you mean: {hint})" if hint else "; see 'thermalize list'")
            )
    return list(dict.fromkeys(ids))


def _cmd_reproduce(args) -> int:
    from tqdm import tqdm

    from . import sweep
    from .papers import get, result_json, run_reproductions
    from .papers._runner import TASKS_DIR, mode_name

    ids = _resolve_ids(args.ids)
    executor = _executor(args, "reproduce")
    quick = not args.full
    for sub in (mode_name(quick), TASKS_DIR):
        try:
            (args.out / sub).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError(f"thermalize reproduce: cannot create --out {args.out}: "
                             f"{exc}") from exc
    _probe(executor, "reproduce")
    repros = [get(i) for i in ids]
    show = not args.json and sys.stderr.isatty()
    info = sys.stderr if args.json else sys.stdout
    costs = _task_costs(repros, quick)
    store = sweep.TaskStore(args.out / TASKS_DIR)

    def on_start(n_tasks, n_stored):
        from .sweep._jobs import estimate_text

        workers = max(1, executor.workers)
        left = sum(c for k, c in costs.items() if not store.has(k))
        print(f"{len(repros)} reproduction{'s' * (len(repros) != 1)} ({mode_name(quick)}): "
              f"{n_tasks} tasks, {n_stored} already in {args.out / TASKS_DIR}; estimate "
              f"{estimate_text(left)} on one core"
              + (f", ~{estimate_text(left / workers)} on {workers} workers" if workers > 1
                 else "") + f" ({executor.describe()})", file=info, flush=True)

    def on_result(res):
        if not args.json:
            status = "ok" if res.passed else "FAILED"
            failed = [c.name for c in res.checks if not c.passed]
            msg = (f"{status:>6}  {res.id}  ({len(res.checks)} checks, {res.runtime_s:.1f} s, "
                   f"{res.n_tasks} tasks, {res.n_reused} reused)")
            if failed:
                msg += "  failed: " + "; ".join(failed)
            tqdm.write(msg, file=sys.stdout)

    try:
        results = run_reproductions(repros, quick=quick, out_dir=args.out, executor=executor,
                                    progress=show, on_start=on_start, on_result=on_result,
                                    formats=args.formats)
    except sweep.SweepError as exc:
        raise UsageError(f"thermalize reproduce: {exc}; finished tasks are kept in "
                         f"{args.out / TASKS_DIR}, rerun to resume") from exc
    if args.json:
        print(json.dumps([result_json(r) for r in results], indent=2))
    elif results:
        n_ok = sum(r.passed for r in results)
        print(f"{n_ok}/{len(results)} reproductions passed all checks; files in "
              f"{args.out / mode_name(quick)}/")
    if args.report:
        from .report import write_report

        page = write_report(args.out)
        if not args.json:
            print(f"report: {page}")
    return EXIT_OK if all(r.passed for r in results) else EXIT_CHECK_FAILED


def _task_costs(repros, quick: bool) -> dict:
    """Task key -> estimated seconds: each reproduction's estimate shared evenly among its
    tasks (a task shared by several takes the largest share)."""
    from .papers._runner import plan

    costs: dict[str, float] = {}
    for r in repros:
        keys = list(dict.fromkeys(t.key() for t in plan(r, quick)))
        est = r.runtime_estimate_s if quick else _full_estimate(r)
        for k in keys:
            costs[k] = max(costs.get(k, 0.0), est / len(keys))
    return costs


def _executor(args, command: str = "sweep"):
    from . import sweep

    try:
        if args.scheduler is not None:
            return sweep.DaskExecutor(scheduler=args.scheduler,
                                      connect_timeout=SCHEDULER_TIMEOUT_S)
        if args.local_cluster is not None:
            return sweep.DaskExecutor(local_cluster=args.local_cluster)
        if args.workers == 1:
            return sweep.SerialExecutor()
        return sweep.LocalPoolExecutor(workers=args.workers)
    except (ValueError, sweep.SweepError) as exc:
        raise UsageError(f"thermalize {command}: {exc}") from exc


def _probe(executor, command: str) -> None:
    """Open (and close) a Dask executor once, so an unreachable scheduler fails before work."""
    from . import sweep

    if isinstance(executor, sweep.DaskExecutor) and executor.scheduler is not None:
        try:
            with executor.open():
                pass
        except sweep.SweepError as exc:
            raise UsageError(f"thermalize {command}: {exc}") from exc


#: Seconds `sweep --scheduler` waits for the scheduler (and its first worker).
SCHEDULER_TIMEOUT_S = 10.0


class _TqdmLogHandler(logging.Handler):
    """Log lines on stderr that do not break the progress bar."""

    def emit(self, record) -> None:
        from tqdm import tqdm

        tqdm.write(f"thermalize sweep: {record.getMessage()}", file=sys.stderr)


def _cmd_sweep(args) -> int:
    from . import sweep

    from .sweep._spec import MAX_POINTS

    max_points = MAX_POINTS if args.max_points is None else args.max_points
    if max_points < 1:
        raise UsageError(f"thermalize sweep: --max-points {max_points} must be >= 1")
    try:
        spec = sweep.load_spec(args.spec, max_points=max_points)
    except sweep.SpecError as exc:
        raise UsageError(f"thermalize sweep: {exc}") from exc
    executor = _executor(args)
    out = args.out if args.out is not None else Path("results") / args.spec.stem
    handler = _TqdmLogHandler()
    log = logging.getLogger("thermalize.sweep")
    log.addHandler(handler)
    log.propagate = False
    try:
        res = sweep.run(spec, executor=executor, out=out, force=args.force,
                        progress=sys.stderr.isatty())
    except sweep.SweepError as exc:
        raise UsageError(f"thermalize sweep: {exc}") from exc
    finally:
        log.removeHandler(handler)
        log.propagate = True
    what = (f"{spec.quantity.name}: {spec.n_points} points ({res.evaluated} evaluated, "
            f"{res.reused} from checkpoints, {len(res.failures)} failed) in {res.seconds:.1f} s")
    if not res.complete:
        print(f"sweep incomplete: {what}; {res.error}; rerun to resume", file=sys.stderr)
        return EXIT_CHECK_FAILED
    print(f"sweep {what} -> {res.path}")
    if res.failures:
        print(f"{len(res.failures)} points failed: NaN in the data, errors in the attrs "
              "'failed_points' of the dataset", file=sys.stderr)
        return EXIT_CHECK_FAILED
    return EXIT_OK


def _cmd_report(args) -> int:
    from .report import write_report

    from .report import NothingToReport

    if not args.dir.is_dir():
        raise UsageError(f"thermalize report: {args.dir} is not a directory")
    try:
        page = write_report(args.dir, args.out)
    except NothingToReport as exc:
        raise UsageError(f"thermalize report: {exc}") from exc
    except OSError as exc:
        raise UsageError(f"thermalize report: cannot write the report: {exc}") from exc
    print(f"report: {page}")
    return EXIT_OK


COMMANDS = {"list": _cmd_list, "reproduce": _cmd_reproduce, "sweep": _cmd_sweep,
            "report": _cmd_report}


def _terminated(signum, frame):  # noqa: ARG001 - signal handler signature
    """SIGTERM: unwind like Ctrl-C, so worker pools and clusters are stopped on the way out."""
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``thermalize`` console script; returns the exit status.

    Bad usage and unusable input/output paths (any `OSError`) are one line on stderr with
    exit status 2. SIGINT (Ctrl-C) and SIGTERM stop every worker process and print one line
    saying how to resume (exit status 130).
    """
    import signal

    parser = build_parser()
    previous = None
    try:
        previous = signal.signal(signal.SIGTERM, _terminated)
    except ValueError:  # not the main thread (e.g. an embedding application): leave it
        pass
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            raise UsageError(
                "thermalize: a command is required (list, reproduce, sweep, report); see --help"
            )
        return COMMANDS[args.command](args)
    except UsageError as exc:
        print(str(exc).splitlines()[0], file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        name = getattr(exc, "filename2", None) or getattr(exc, "filename", None)
        where = f" {name}" if name else ""
        print(f"thermalize: cannot use{where}: {exc.strerror or exc}".splitlines()[0],
              file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("thermalize: interrupted; finished results are on disk; rerun the same command "
              "to resume (finished work is not redone)", file=sys.stderr)
        return 130
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
