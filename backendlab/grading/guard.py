"""Kernel-side guard: records a clean baseline at kernel start and restores it before each graded test cell."""

from __future__ import annotations

import builtins
import importlib
import sys
import types
from typing import Any

REQUEST, REPLY = "backendlab_guard_request", "backendlab_guard_reply"
CHECKS = "backendlab.checks"
PRE_EVENTS = ("pre_execute", "pre_run_cell")
SHELL_PARTS = ("compile", "events", "displayhook", "display_pub", "InteractiveTB", "SyntaxTB", "builtin_trap", "history_manager")
FUNCTION_TYPES = (types.FunctionType, types.BuiltinFunctionType, type)
# Standard-library modules a test cell's checks rely on: their functions are restored (and a change flagged).
# Not all modules: libraries legitimately replace a few stdlib hooks (logging's record factory, warnings.showwarning).
GUARDED_MODULES = ("math", "cmath", "operator", "functools", "itertools", "re", "json", "json.decoder", "json.encoder",
                   "inspect", "types", "importlib", "copy", "collections", "numbers", "decimal", "fractions", "string",
                   "textwrap", "difflib", "traceback", "typing", "abc", "contextlib", "dataclasses", "enum", "urllib.parse",
                   "statistics")


def _functions(module: types.ModuleType) -> dict[str, Any]:
    try:
        return {k: v for k, v in vars(module).items() if isinstance(v, FUNCTION_TYPES)}
    except TypeError:
        return {}


def _methods(cls: type) -> dict[str, Any]:
    """The plain functions a class defines (its methods), by name."""
    return {k: v for k, v in vars(cls).items() if isinstance(v, types.FunctionType | staticmethod | classmethod)}


class Guard:
    """Baseline of the kernel's state that a test cell relies on, and the means to restore it.

    The grader talks to it with a shell message of its own (`backendlab_guard_request`), which never passes
    through IPython's input transformers, pre-run hooks or run_cell: an answer cell cannot neuter the reset by
    rewriting cells. What the reset found changed is reported back; the grader flags the student for it.
    """

    def __init__(self, kernel: Any) -> None:
        self.kernel = kernel
        shell = self.shell = kernel.shell
        manager = shell.input_transformer_manager
        self.manager = manager
        self.transforms = {name: list(getattr(manager, name)) for name in ("cleanup_transforms", "line_transforms", "token_transformers")}
        self.post = list(shell.input_transformers_post)
        self.ast = list(shell.ast_transformers)
        self.events = {name: list(shell.events.callbacks.get(name, [])) for name in PRE_EVENTS}
        self.custom = (shell.custom_exceptions, shell.CustomTB)
        self.builtins = dict(vars(builtins))
        self.hooks = (sys.displayhook, sys.excepthook)
        # the objects a cell's code goes through on its way to running: replacing one (or one of its methods)
        # can turn a test cell into a no-op without touching a transformer
        self.parts = {name: getattr(shell, name) for name in SHELL_PARTS if hasattr(shell, name)}
        watched = (shell, kernel, *self.parts.values())
        self.classes = {cls: _methods(cls) for obj in watched for cls in type(obj).__mro__
                        if cls.__module__.split(".")[0] in ("IPython", "ipykernel", "traitlets", "jupyter_client")}
        self.instance = {obj: set(vars(obj)) for obj in watched if hasattr(obj, "__dict__")}
        for name in GUARDED_MODULES:
            importlib.import_module(name)
        self.modules = {name: (sys.modules[name], _functions(sys.modules[name])) for name in GUARDED_MODULES}
        self.checks = importlib.import_module(CHECKS)
        self.checks_functions = _functions(self.checks)
        self.handler = self.handle
        kernel.shell_handlers[REQUEST] = self.handler

    # ---- what changed --------------------------------------------------------------------------------------
    def changes(self) -> list[str]:
        """Names of the things that differ from the baseline (empty when the kernel is clean)."""
        shell, found = self.shell, []
        if shell.input_transformer_manager is not self.manager or any(
                getattr(self.manager, n) != v for n, v in self.transforms.items()) or shell.input_transformers_post != self.post:
            found.append("an input transformer")
        if shell.ast_transformers != self.ast:
            found.append("an AST transformer")
        if any(shell.events.callbacks.get(n, []) != v for n, v in self.events.items()):
            found.append("a pre-run hook")
        if (shell.custom_exceptions, shell.CustomTB) != self.custom:
            found.append("a custom exception handler (set_custom_exc)")
        if sys.gettrace() is not None or sys.getprofile() is not None:
            found.append("a trace or profile function")
        if any(vars(builtins).get(k) is not v for k, v in self.builtins.items()) or (sys.displayhook, sys.excepthook) != self.hooks:
            found.append("Python builtins")
        if self._instance_overrides() or any(getattr(shell, n, None) is not v for n, v in self.parts.items()):
            found.append("the kernel's own methods")
        if any(_methods(cls) != saved for cls, saved in self.classes.items()):
            found.append("the kernel's classes")
        current = sys.modules.get(CHECKS)
        if current is not self.checks or _functions(self.checks) != self.checks_functions:
            found.append("the checks module (backendlab.checks)")
        if self._modules_changed():
            found.append("standard library functions")
        return found

    def _instance_overrides(self) -> list[tuple[Any, str]]:
        return [(obj, name) for obj, names in self.instance.items() for name in set(vars(obj)) - names
                if callable(vars(obj)[name]) and hasattr(type(obj), name)]

    def _modules_changed(self) -> list[tuple[types.ModuleType, str, Any]]:
        changed = []
        for mod, functions in self.modules.values():
            current = getattr(mod, "__dict__", {})
            for key, value in functions.items():
                if current.get(key) is not value:
                    changed.append((mod, key, value))
        return changed

    # ---- restore -------------------------------------------------------------------------------------------
    def restore(self) -> None:
        """Put the baseline back. The learner's namespace (their functions, variables) is left as it is."""
        vars(builtins).update(self.builtins)
        sys.displayhook, sys.excepthook = self.hooks
        for mod, key, value in self._modules_changed():
            setattr(mod, key, value)
        for cls, saved in self.classes.items():
            current = _methods(cls)
            for key in set(current) - set(saved):
                delattr(cls, key)
            for key, value in saved.items():
                if current.get(key) is not value:
                    setattr(cls, key, value)
        for obj, name in self._instance_overrides():
            delattr(obj, name)
        shell = self.shell
        for name, part in self.parts.items():
            if getattr(shell, name, None) is not part:
                setattr(shell, name, part)
        sys.settrace(None)
        sys.setprofile(None)
        shell.input_transformer_manager = self.manager
        for name, value in self.transforms.items():
            getattr(self.manager, name)[:] = value
        shell.input_transformers_post[:] = self.post
        shell.ast_transformers[:] = self.ast
        for name, value in self.events.items():
            shell.events.callbacks[name] = list(value)
        shell.custom_exceptions, shell.CustomTB = self.custom
        sys.modules[CHECKS] = self.checks
        self.checks = importlib.reload(self.checks)  # fresh from disk, in the same module object
        self.checks_functions = _functions(self.checks)

    # ---- the message channel -------------------------------------------------------------------------------
    async def handle(self, stream: Any, ident: Any, parent: dict) -> None:
        content = parent.get("content", {})
        try:
            changed = self.changes()
            if content.get("action") == "reset":
                self.restore()
                left = self.changes()
            else:
                left = changed
            reply = {"status": "ok", "nonce": content.get("nonce"), "changed": changed, "left": left}
        except BaseException as exc:  # noqa: BLE001 - the grader must hear back, whatever happened here
            reply = {"status": "error", "nonce": content.get("nonce"), "error": f"{type(exc).__name__}: {exc}"}
        self.kernel.session.send(stream, REPLY, reply, parent, ident)


def install(kernel: Any) -> Guard:
    """Record the baseline and register the message handler; call after the kernel app's initialize()."""
    return Guard(kernel)
