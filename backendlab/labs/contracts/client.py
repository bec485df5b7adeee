"""A typed Python client generated from the contract."""

from __future__ import annotations

import importlib.util
import keyword
import re
import sys
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

from backendlab.labs.contracts.spec import _json_schema_of, _pointer_get, operations

# ---------------------------------------------------------------------------------------------------------------
# A typed client generated from the contract
# ---------------------------------------------------------------------------------------------------------------


def snake_case(name: str) -> str:
    """listOrders -> list_orders; Idempotency-Key -> idempotency_key."""
    text = re.sub(r"[^0-9a-zA-Z]+", "_", name)
    text = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", text).lower().strip("_")
    return text + "_" if keyword.iskeyword(text) else text


def _type_of(schema: dict[str, Any]) -> str:
    """The Python type hint for a JSON schema; a $ref becomes the referenced schema's name."""
    if not schema:
        return "Any"
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "enum" in schema:
        return "Literal[" + ", ".join(repr(v) for v in schema["enum"]) + "]"
    kind = schema.get("type")
    if isinstance(kind, list):
        return " | ".join(_type_of({**schema, "type": k}) for k in kind)
    return {
        "string": "str",
        "integer": "int",
        "number": "float",
        "boolean": "bool",
        "null": "None",
        "array": f"list[{_type_of(schema.get('items', {}))}]",
    }.get(str(kind), "dict[str, Any]")


def generate_client(spec: dict[str, Any], class_name: str = "OrdersClient") -> str:
    """Python source of a small typed client: TypedDicts and Literals for the schemas, one method per operation."""
    schemas = (spec.get("components") or {}).get("schemas") or {}
    title = spec["info"]["title"]
    out = [
        f'"""{title} {spec["info"]["version"]} client, generated from its OpenAPI contract by backendlab.labs.contracts. Do not edit."""',
        "",
        "from __future__ import annotations",
        "",
        "from typing import Any, Literal, NotRequired, TypedDict",
        "",
        "import httpx",
        "",
    ]
    for name, schema in schemas.items():
        if schema.get("type") == "object" and "properties" in schema:
            required = set(schema.get("required", []))
            out += ["", f"class {name}(TypedDict):"]
            if schema.get("description"):
                out.append(f'    """{schema["description"].strip().splitlines()[0]}"""')
            for prop, sub in schema["properties"].items():
                hint = _type_of(sub)
                out.append(f"    {prop}: {hint if prop in required else f'NotRequired[{hint}]'}")
        else:
            out += ["", f"{name} = {_type_of(schema)}"]
    out += [
        "",
        "",
        "class ApiProblem(Exception):",
        '    """An error answer (RFC 9457 problem details): .status, .problem."""',
        "",
        "    def __init__(self, status: int, problem: dict[str, Any]) -> None:",
        "        self.status = status",
        "        self.problem = problem",
        "        super().__init__(f\"{status} {problem.get('title', '')}: {problem.get('detail', '')}\")",
        "",
        "",
        f"class {class_name}:",
        f'    """Calls the {title}. Pass base_url, or an httpx.Client with a base_url."""',
        "",
        "    def __init__(self, base_url: str = '', *, client: httpx.Client | None = None, timeout: float = 5.0) -> None:",
        "        self.http = client or httpx.Client(base_url=base_url, timeout=timeout)",
        "",
        "    def close(self) -> None:",
        "        self.http.close()",
        "",
        "    def _call(self, method: str, path: str, *, params: dict[str, Any], headers: dict[str, Any], json: Any = None) -> Any:",
        "        sent = {k: v for k, v in headers.items() if v is not None}",
        "        response = self.http.request(method, path, params={k: v for k, v in params.items() if v is not None},",
        "                                     headers=sent, json=json)",
        "        if response.status_code == 304:",
        "            return None",
        "        if response.status_code >= 400:",
        "            try:",
        "                body = response.json()",
        "            except ValueError:",
        "                body = {'title': response.reason_phrase}",
        "            raise ApiProblem(response.status_code, body)",
        "        return response.json() if response.content else None",
    ]
    for op in operations(spec):
        raw = spec["paths"][op.path][op.method.lower()]
        ok = [s for s in op.responses if s.startswith("2")]
        returns = []
        for status in ok:
            raw_resp = raw.get("responses", {}).get(status) or raw.get("responses", {}).get(int(status), {})
            if "$ref" in raw_resp:
                raw_resp = _pointer_get(spec, raw_resp["$ref"][1:])
            schema = _json_schema_of(raw_resp)
            returns.append(_type_of(schema) if schema is not None else "None")
        if "304" in op.responses:
            returns.append("None")
        result_type = " | ".join(dict.fromkeys(returns)) or "None"
        args = ["self"]
        path_expr = op.path
        for p in op.params("path"):
            args.append(f"{snake_case(p['name'])}: str")
            path_expr = path_expr.replace("{" + p["name"] + "}", "{" + snake_case(p["name"]) + "}")
        body_schema = (raw.get("requestBody") or {}).get("content", {}).get("application/json", {}).get("schema")
        if body_schema is not None:
            args.append(f"body: {_type_of(body_schema)}")
        optional = [p for p in op.parameters if p["in"] in ("query", "header")]
        if optional:
            args.append("*")
        for p in optional:
            hint = _type_of(p.get("schema", {}))
            args.append(f"{snake_case(p['name'])}: {hint} | None = None")
        params = ", ".join(f"{p['name']!r}: {snake_case(p['name'])}" for p in op.params("query"))
        headers = ", ".join(f"{p['name']!r}: {snake_case(p['name'])}" for p in op.params("header"))
        summary = op.spec.get("summary", "")
        prefix = "f" if op.params("path") else ""  # an f-string only where the path has variables
        out += [
            "",
            f"    def {snake_case(op.operation_id)}({', '.join(args)}) -> {result_type}:",
            f'        """{op.key}: {summary}"""',
            f"        return self._call({op.method!r}, {prefix}{path_expr!r}, params={{{params}}}, headers={{{headers}}}"
            + (", json=body)" if body_schema is not None else ")"),
        ]
    return "\n".join(out) + "\n"


def load_client(source: str, module_name: str = "orders_client") -> ModuleType:
    """Import generated client source as a module (written to a temporary folder, as a file you could commit)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{module_name}.py"
        path.write_text(source, encoding="utf-8")
        spec = importlib.util.spec_from_file_location(module_name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
    return module
