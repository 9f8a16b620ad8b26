"""The ``tracker`` command: parse (``tracker.cli.parser``), dispatch to the handler, error -> exit code.

Commands live in ``tracker.cli.forecast`` (forecast, chart), ``tracker.cli.data``
(list, validate, sql, add, import) and ``tracker.cli.evaluate`` (backtest,
ledger); each handler calls ``tracker.api``, renders and returns an exit code.
The handler's module is imported only when its command runs (the one lazy
step of the CLI). Errors the user can act on (``tracker.errors``) become one
line on stderr and an exit code:

    0  success
    1  problems found (tracker validate), a conflicting change refused, or an
       internal error (a bug: one line, "please report"; TRACKER_DEBUG=1 shows the traceback)
    2  bad input: unknown benchmark, impossible target, malformed data,
       too little data for a fit, bad option values
  130  interrupted (Ctrl-C): nothing half-written is left behind

With ``--json`` an error is one JSON line on stderr: {"error": ..., "exit_code": ...}.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from importlib import import_module

# Every matrix a command multiplies is small (a few thousand rows at most): BLAS threads only wake,
# spin and compete with DuckDB's and polars' own. One BLAS thread for the command, set before numpy
# loads; a user's own setting wins. (The library keeps BLAS on one thread around its batched
# solves either way: tracker.fit.batched.small_blas.)
for _var in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

from tracker.errors import TrackerError  # noqa: E402

# -- which module runs each command (imported when the command runs) ------------------------
HANDLERS = {
    "forecast": ("tracker.cli.forecast", "cmd_forecast"),
    "chart": ("tracker.cli.forecast", "cmd_chart"),
    "list": ("tracker.cli.data", "cmd_list"),
    "validate": ("tracker.cli.data", "cmd_validate"),
    "sql": ("tracker.cli.data", "cmd_sql"),
    "add": ("tracker.cli.data", "cmd_add"),
    "import": ("tracker.cli.data", "cmd_import"),
    "backtest": ("tracker.cli.evaluate", "cmd_backtest"),
    "ledger": ("tracker.cli.evaluate", "cmd_ledger"),
    "data": ("tracker.cli.data", "cmd_data"),
}


def _error(message: str, code: int, as_json: bool) -> int:
    """Print one line on stderr (a JSON object with ``--json``) and return the exit code."""
    line = " ".join(str(message).split())
    if as_json:
        sys.stderr.write(json.dumps({"error": line, "exit_code": code}) + "\n")
    else:
        sys.stderr.write(f"Error: {line}\n")
    return code


# -- dispatch --------------------------------------------------------------------------------
def _prog(args: argparse.Namespace | None) -> str:
    """``tracker add score`` for the deepest command the arguments reached (where its help lives)."""
    parts = ["tracker"]
    for key in ("command", "what", "kind", "action"):
        v = getattr(args, key, None) if args is not None else None
        if (
            isinstance(v, str)
            and not (key == "what" and parts[-1] == "list")
            and not (key == "kind" and parts[-1] == "chart")
        ):
            parts.append(v)
    return " ".join(parts)


def _end_now(code: int) -> None:
    """Flush the output and end the process without Python's teardown (the ``tracker`` command only).

    Measured: tearing down an interpreter that has loaded polars, DuckDB and numpy (their thread
    pools, thousands of module objects) takes 70-130 ms, as long as a forecast's own work on a
    second run. Everything a command writes is whole on disk before its handler returns (atomic
    renames, stores and locks closed by their context managers), so nothing is lost by skipping
    it. TRACKER_DEBUG=1, or a coverage or profiling run, keeps the ordinary exit.
    """
    if os.environ.get("TRACKER_DEBUG") or any(m in sys.modules for m in ("coverage", "cProfile", "profile")):
        return
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (e.g. | head): nothing more can be said
            pass
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    console = argv is None  # run as the tracker command (not called from Python)
    try:
        code = _main(argv)
    except KeyboardInterrupt:  # Ctrl-C while the parser and its imports load: nothing has been written yet
        words = list(sys.argv[1:] if argv is None else argv)
        code = _error("interrupted; nothing was done", 130, "--json" in words)
    if console:
        _end_now(code)
    return code


def _main(argv: list[str] | None) -> int:
    console = argv is None
    argv = list(sys.argv[1:] if argv is None else argv)
    as_json = "--json" in argv or ("--format" in argv and "json" in argv)
    try:  # Ctrl-C must end any command, even one started with SIGINT ignored (e.g. in the background)
        signal.signal(signal.SIGINT, signal.default_int_handler)
    except ValueError:  # not the main thread (embedded use): leave signals alone
        pass
    # Only the parser of the command asked for (the whole one for --help, --version or a typo); imported here,
    # inside main's Ctrl-C guard, since it loads the library
    from tracker.cli.options import join_signed
    from tracker.cli.parser import UsageLine, build_parser

    parser = build_parser(argv[0] if argv and argv[0] in HANDLERS else None)
    try:
        args, extra = parser.parse_known_args(join_signed(argv))
        if extra:
            raise UsageLine(f"unrecognized arguments: {' '.join(extra)}", _prog(args))
    except UsageLine as exc:
        return _error(f"{exc.message}; see '{exc.prog} --help'", 2, as_json)
    except SystemExit as exc:  # --help or --version printed
        return int(exc.code or 0) if isinstance(exc.code, int) else 2
    if not args.command:
        parser.print_help()
        return 2
    module, name = HANDLERS[args.command]
    try:
        return getattr(import_module(module), name)(args)
    except TrackerError as exc:
        return _error(str(exc), exc.exit_code, as_json)
    except KeyboardInterrupt:
        code = _error("interrupted; nothing half-written was left behind", 130, as_json)
        if console:  # end now: an interrupted DuckDB or vl-convert worker thread must not hold up the exit
            for stream in (sys.stdout, sys.stderr):
                try:
                    stream.flush()
                except (OSError, ValueError):
                    pass
            os._exit(code)
        return code
    except BrokenPipeError:  # e.g. piped into head
        try:
            sys.stdout = open(os.devnull, "w")  # no second error when Python flushes stdout at exit
        except OSError:
            pass
        return 0
    except MemoryError:
        return _error("out of memory; use fewer resamples (--boot) or a smaller query", 1, as_json)
    except OSError as exc:  # a file system problem no handler foresaw: still one line
        if os.environ.get("TRACKER_DEBUG"):
            raise
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        return _error(f"{exc.strerror or exc}{where}; nothing was changed", 1, as_json)
    except Exception as exc:  # noqa: BLE001 - a bug: one line and a way to see it, never a raw traceback
        if os.environ.get("TRACKER_DEBUG"):
            raise
        return _error(
            f"internal error ({type(exc).__name__}: {exc}); please report it with the command line "
            "(TRACKER_DEBUG=1 shows the traceback)",
            1,
            as_json,
        )


if __name__ == "__main__":
    raise SystemExit(main())
