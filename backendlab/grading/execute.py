"""nbgrader's Execute with limits and a guard: time limits that kill, a clean state before each test cell, honest statuses."""

from __future__ import annotations

import shutil
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from jupyter_core.utils import run_sync
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import Bool, Integer, Unicode

from backendlab.grading import guard
from backendlab.grading.limits import Limits, detect
from backendlab.grading.sandbox import SandboxKernelManager

STATUS_KEY = "backendlab_grading"  # notebook metadata written by GuardedExecute: status, reason, flags, limits
GUARD_TIMEOUT_S = 15


def is_test_cell(cell: dict) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution")


def error_output(ename: str, evalue: str) -> NotebookNode:
    """An error output without a traceback: nbgrader scores the cell 0 and the learner reads one sentence."""
    return NotebookNode(output_type="error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


class GuardedExecute(Execute):
    """Run a submission cell by cell under a per-cell and a per-notebook time limit, in a sandboxed kernel.

    - A cell over its limit (or past the notebook's) gets the kernel killed — SIGINT is not asked for, so a
      loop that ignores it stops too — and an error saying "time limit"; later test cells score 0 ("not run").
    - A kernel that dies is reported as "memory limit" (its cgroup hit the cap) or "crashed".
    - Before each graded test cell the guard restores the kernel's baseline (see guard.py); what it had to
      restore flags the student; a guard that does not answer means a tampered kernel: flagged, rest not run.
    Results go to nb.metadata["backendlab_grading"].
    """

    cell_limit = Integer(60, help="seconds a cell may run").tag(config=True)
    notebook_limit = Integer(300, help="seconds the whole notebook may run").tag(config=True)
    use_guard = Bool(True, help="reset the kernel's state before each graded test cell").tag(config=True)
    interrupt_on_timeout = Bool(False, help="never: a loop may ignore SIGINT, so the kernel is killed instead").tag(config=True)
    scratch_root = Unicode("", help="where the kernel's working folders go (default: temporary)").tag(config=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["kernel_manager_class"] = SandboxKernelManager
        super().__init__(*args, **kwargs)

    # ---- the notebook ----------------------------------------------------------------------------------------
    def preprocess(self, nb: NotebookNode, resources: Any = None, km: Any = None) -> tuple[NotebookNode, Any]:
        self._status = {"status": "graded", "reason": "", "flags": [], "limits": {}}
        self._stopped = ""
        self._next = 0
        self._sandbox: SandboxKernelManager | None = None
        self._deadline = time.monotonic() + self.notebook_limit
        resources = dict(resources or {})
        build = Path(resources.get("metadata", {}).get("path") or ".")
        scratch = Path(tempfile.mkdtemp(prefix="cwd-", dir=self.scratch_root or None))
        for item in build.iterdir() if build.is_dir() else []:  # supporting files, never nbgrader's own folder
            if item.is_file() and item.suffix != ".ipynb":
                shutil.copy(item, scratch / item.name)
        resources["metadata"] = {**resources.get("metadata", {}), "path": str(scratch)}
        try:
            nb, resources = super().preprocess(nb, resources, km)
        except Exception as exc:  # the kernel did not start, or died where nbclient does not expect it
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[-1][:200]
            self._stop("crashed", f"the kernel could not run the notebook: {first}")
            for cell in nb.cells[self._next:]:
                if is_test_cell(cell):
                    cell.outputs = [error_output("NotRun", f"this cell was not run ({self._stopped})")]
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        limits = Limits(**dict(self.config.get("SandboxKernelManager", {}).get("limits", {})))
        self._status["limits"] = detect().in_force(limits)
        events = self._sandbox.last_events if self._sandbox is not None else {}
        if self._status["status"] in ("graded", "flagged") and events.get("oom"):
            self._status.update(status="memory limit", reason=f"memory limit: a process of the notebook went over {limits.memory_mb} MB "
                                                             "and was killed")
        elif events.get("pids_max_hit"):
            self._flag(f"the notebook hit the sandbox's process limit ({limits.processes} tasks): a fork bomb?")
        nb.metadata[STATUS_KEY] = self._status
        return nb, resources

    def _stop(self, status: str, reason: str) -> None:
        """Stop running cells: record why and kill the kernel; preprocess_cell marks every later test cell."""
        if not self._stopped:
            self._stopped = reason
            if self._status["status"] in ("graded", "flagged"):
                self._status.update(status=status, reason=reason)
        if self.km is not None:
            try:
                run_sync(self.km.shutdown_kernel)(now=True)
            except Exception:  # noqa: BLE001 - already gone
                pass

    def _flag(self, reason: str) -> None:
        if reason not in self._status["flags"]:
            self._status["flags"].append(reason)
        if self._status["status"] == "graded":
            self._status.update(status="flagged", reason=reason)

    # ---- one cell --------------------------------------------------------------------------------------------
    def preprocess_cell(self, cell: NotebookNode, resources: Any, index: int) -> tuple[NotebookNode, Any]:
        self._next = index + 1
        self._sandbox = self.km if hasattr(self.km, "events") else self._sandbox
        if cell.cell_type != "code":
            return cell, self.resources
        if self._stopped:
            if is_test_cell(cell):
                cell.outputs = [error_output("NotRun", f"this cell was not run ({self._stopped})")]
            return cell, self.resources
        remaining = self._deadline - time.monotonic()
        if remaining <= 1:
            self._stop("timed out", f"time limit: the notebook ran longer than {self.notebook_limit} s")
            return self.preprocess_cell(cell, resources, index)
        per_cell = min(self.cell_limit, remaining)
        self.timeout = max(1, int(per_cell))
        test = is_test_cell(cell)
        if test and self.use_guard and not self._guard("reset", cell, index):
            return self.preprocess_cell(cell, resources, index)
        try:
            cell, _ = super().preprocess_cell(cell, resources, index)
        except CellTimeoutError:
            which = f"this cell ran longer than {self.cell_limit} s" if per_cell >= self.cell_limit else \
                f"the notebook ran longer than {self.notebook_limit} s"
            reason = f"time limit: {which} and was stopped"
            cell.outputs.append(error_output("TimeLimit", reason))
            self._stop("timed out", reason)
            return cell, self.resources
        except DeadKernelError:
            self._dead(cell, index)
            return cell, self.resources
        if test and self.use_guard:
            self._guard("verify", cell, index)
        return cell, self.resources

    def _dead(self, cell: NotebookNode, index: int) -> None:
        events = self.km.events() if hasattr(self.km, "events") else {}
        limits = getattr(self.km, "sandbox_limits", None)
        if events.get("oom"):
            cap = limits.memory_mb if limits else "?"
            status, reason = "memory limit", f"memory limit: the kernel used more than {cap} MB and was stopped"
        else:
            code = events.get("exit_code")
            shown = f" (exit code {code})" if code is not None else ""
            status, reason = "crashed", f"the kernel died while running cell {index}{shown}: os._exit, a fatal error or a kill"
        if events.get("pids_max_hit"):
            reason += f"; it also hit the process limit ({limits.processes if limits else '?'})"
        cell.outputs.append(error_output("KernelDied", reason))
        self._stop(status, reason)

    # ---- the guard -------------------------------------------------------------------------------------------
    def _guard(self, action: str, cell: NotebookNode, index: int) -> bool:
        """Ask the kernel's guard to reset (or verify) its state. False when the kernel was stopped for it."""
        nonce = uuid.uuid4().hex
        try:
            reply = run_sync(self._ask_guard)(action, nonce)
        except Exception:  # noqa: BLE001 - no answer in time: the guard is gone or blocked
            reply = None
        content = (reply or {}).get("content", {})
        if not reply or content.get("status") != "ok" or content.get("nonce") != nonce:
            alive = run_sync(self.km.is_alive)() if self.km is not None else False
            if not alive:
                self._dead(cell, index)
                return action == "verify"
            self._flag("the grader's reset did not answer: the kernel was tampered with (later test cells not run)")
            self._stop("flagged", self._status["reason"])
            if action == "verify":
                cell.outputs.append(error_output("GraderFlag", self._stopped))
            return action == "verify"
        changed = content.get("changed") or []
        if action == "reset" and changed:
            self._flag("an answer cell changed " + ", ".join(changed) + " (restored before the tests)")
        if content.get("left") and action == "reset":
            self._flag("the grader could not restore " + ", ".join(content["left"]))
        if action == "verify" and changed:
            reason = "changed during a test cell: " + ", ".join(changed) + " (that cell scores 0)"
            self._flag(reason)
            cell.outputs.append(error_output("GraderFlag", reason))
        return True

    async def _async_cleanup_kernel(self) -> None:
        """As nbclient's, without waiting a second per socket for messages to a kernel that is gone."""
        import zmq

        if self.kc is not None:
            for name in ("shell_channel", "iopub_channel", "stdin_channel", "control_channel"):
                socket = getattr(getattr(self.kc, f"_{name}", None), "socket", None)
                if socket is not None and not socket.closed:
                    socket.setsockopt(zmq.LINGER, 0)
        await super()._async_cleanup_kernel()

    _cleanup_kernel = run_sync(_async_cleanup_kernel)

    async def _ask_guard(self, action: str, nonce: str) -> dict:
        msg = self.kc.session.msg(guard.REQUEST, {"action": action, "nonce": nonce})
        self.kc.shell_channel.send(msg)
        return await self.kc._async_recv_reply(msg["header"]["msg_id"], timeout=GUARD_TIMEOUT_S)
