"""The sandboxed kernel's entry point: ipykernel with the grader's guard installed before any cell runs."""

from __future__ import annotations

import sys


def main() -> None:
    from ipykernel.kernelapp import IPKernelApp

    from backendlab.grading import guard

    app = IPKernelApp.instance()
    app.initialize([*sys.argv[1:], "--IPKernelApp.log_level=CRITICAL"])  # no connection banner on the terminal
    guard.install(app.kernel)
    app.start()


if __name__ == "__main__":
    main()
