"""Worker for bench_rebuild: runs the coursekit CLI inside this one process, on request.

Reads one JSON list of CLI arguments per line on stdin. For each, it calls
``coursekit.cli.main(args, standalone_mode=False)`` and writes one JSON line
``{"wall": s, "cpu": s, "code": n}`` to the stdout it was started with. The
CLI's own output goes to the log file given as the only argument.

    python tools/bench/inprocess_worker.py LOG
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
import traceback


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    reply = os.fdopen(os.dup(1), "w", buffering=1)
    with open(sys.argv[1], "ab") as log:  # fds 1 and 2 now go to the log
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
    import click

    from coursekit.cli import main as cli

    for line in sys.stdin:
        args = json.loads(line)
        wall, cpu = time.perf_counter(), _cpu()
        try:
            result = cli(args, prog_name="coursekit", standalone_mode=False)
            code = result if isinstance(result, int) else 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except click.ClickException as exc:
            exc.show()
            code = exc.exit_code
        except Exception:  # report it as a failed run; the bench shows the log
            traceback.print_exc()
            code = 1
        wall, cpu = time.perf_counter() - wall, _cpu() - cpu
        sys.stdout.flush()
        sys.stderr.flush()
        reply.write(json.dumps({"wall": wall, "cpu": cpu, "code": code}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
