"""Breaking changes between two versions of a contract (exercise 6)."""

from __future__ import annotations

from typing import Any, NamedTuple

from backendlab.labs.contracts.spec import _json_schema_of, operations

# ---------------------------------------------------------------------------------------------------------------
# Breaking changes between two versions of a contract
# ---------------------------------------------------------------------------------------------------------------

REMOVED_OPERATION = "removed-operation"
REMOVED_RESPONSE_STATUS = "removed-response-status"
NEW_REQUIRED_FIELD = "new-required-field"
REMOVED_RESPONSE_FIELD = "removed-response-field"
NARROWED_ENUM = "narrowed-enum"
WIDENED_ENUM = "widened-enum"
CHANGED_TYPE = "changed-type"
TIGHTENED_CONSTRAINT = "tightened-constraint"
LOWER_BOUNDS = ("minimum", "exclusiveMinimum", "minLength", "minItems")
UPPER_BOUNDS = ("maximum", "exclusiveMaximum", "maxLength", "maxItems")


class Change(NamedTuple):
    """A breaking change: kind, operation ("GET /v1/orders"), location ("request.items[].sku", "query.limit", "response.200.note")."""

    kind: str
    operation: str
    location: str


def _types(schema: dict[str, Any]) -> list[str] | None:
    kind = schema.get("type")
    return None if kind is None else [kind] if isinstance(kind, str) else list(kind)


def _allows_all(wide: list[str] | None, narrow: list[str] | None) -> bool:
    """Does a schema of types `wide` accept every value of types `narrow`? None: no `type`, anything goes."""
    if wide is None:
        return True
    if narrow is None:
        return False
    return all(t in wide or (t == "integer" and "number" in wide) for t in narrow)


def _enum_allows_all(wide: dict[str, Any], narrow: dict[str, Any]) -> bool:
    """Does `wide`'s enum accept every value `narrow`'s enum accepts? No enum: anything goes."""
    if "enum" not in wide:
        return True
    return "enum" in narrow and all(v in wide["enum"] for v in narrow["enum"])


def _tightened(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """A bound raised, lowered or added, or a pattern added or changed: some value valid before is invalid now."""
    lower = any(k in new and (k not in old or new[k] > old[k]) for k in LOWER_BOUNDS)
    upper = any(k in new and (k not in old or new[k] < old[k]) for k in UPPER_BOUNDS)
    return lower or upper or ("pattern" in new and new["pattern"] != old.get("pattern"))


def _request_changes(old: dict[str, Any], new: dict[str, Any], where: str, op: str) -> list[Change]:
    """What a client sends (valid against `old`) that `new` may refuse."""
    found: list[Change] = []
    if not _enum_allows_all(new, old):
        found.append(Change(NARROWED_ENUM, op, where))
    if not _allows_all(_types(new), _types(old)):
        found.append(Change(CHANGED_TYPE, op, where))
    if _tightened(old, new):
        found.append(Change(TIGHTENED_CONSTRAINT, op, where))
    old_props, new_props = old.get("properties", {}), new.get("properties", {})
    for name in sorted(set(new.get("required", [])) - set(old.get("required", []))):
        found.append(Change(NEW_REQUIRED_FIELD, op, f"{where}.{name}"))
    for name in sorted(set(old_props) & set(new_props)):
        found += _request_changes(old_props[name], new_props[name], f"{where}.{name}", op)
    if isinstance(old.get("items"), dict) and isinstance(new.get("items"), dict):
        found += _request_changes(old["items"], new["items"], f"{where}[]", op)
    return found


def _response_changes(old: dict[str, Any], new: dict[str, Any], where: str, op: str) -> list[Change]:
    """What a client reads (written against `old`) that `new` takes away or may send unexpectedly."""
    found: list[Change] = []
    if not _enum_allows_all(old, new):
        found.append(Change(WIDENED_ENUM, op, where))
    if not _allows_all(_types(old), _types(new)):
        found.append(Change(CHANGED_TYPE, op, where))
    old_props, new_props = old.get("properties", {}), new.get("properties", {})
    for name in sorted(set(old_props) - set(new_props)):
        found.append(Change(REMOVED_RESPONSE_FIELD, op, f"{where}.{name}"))
    for name in sorted(set(old_props) & set(new_props)):
        found += _response_changes(old_props[name], new_props[name], f"{where}.{name}", op)
    if isinstance(old.get("items"), dict) and isinstance(new.get("items"), dict):
        found += _response_changes(old["items"], new["items"], f"{where}[]", op)
    return found


def breaking_changes(old_spec: dict[str, Any], new_spec: dict[str, Any]) -> list[Change]:
    """Reference answer of exercise 6: what in `new_spec` breaks a client written against `old_spec`, sorted.

    Requests (what a client sends, valid before, may be refused now): a newly required body property or parameter
    or a body that becomes required ("new-required-field"); an enum that lost a value ("narrowed-enum"); a type
    that no longer accepts the old values ("changed-type"); a bound raised or lowered, or a pattern added or
    changed ("tightened-constraint"). Responses (what a client reads): a documented status gone
    ("removed-response-status"), a property gone ("removed-response-field"), an enum that gained a value
    ("widened-enum": a strict client, such as the generated one with its Literal types, rejects it), a type that
    allows new values ("changed-type"). Operations gone: "removed-operation". An absent keyword allows anything.
    Not analysed: allOf/oneOf/anyOf, additionalProperties, formats, headers of responses, media types other than
    application/json, and response properties that stop being required.
    """
    old_ops = {op.key: op for op in operations(old_spec)}
    new_ops = {op.key: op for op in operations(new_spec)}
    found: list[Change] = []
    for key, old in old_ops.items():
        new = new_ops.get(key)
        if new is None:
            found.append(Change(REMOVED_OPERATION, key, ""))
            continue
        old_params = {(p["in"], p["name"].lower()): p for p in old.parameters}
        for p in new.parameters:
            before = old_params.get((p["in"], p["name"].lower()))
            where = f"{p['in']}.{p['name']}"
            if p.get("required") and not (before or {}).get("required"):
                found.append(Change(NEW_REQUIRED_FIELD, key, where))
            if before is not None:
                found += _request_changes(before.get("schema", {}), p.get("schema", {}), where, key)
        old_body, new_body = old.request_schema, new.request_schema
        if new.spec.get("requestBody", {}).get("required") and not old.spec.get("requestBody", {}).get("required"):
            found.append(Change(NEW_REQUIRED_FIELD, key, "request"))
        if old_body is not None and new_body is not None:
            found += _request_changes(old_body, new_body, "request", key)
        for status, response in old.responses.items():
            if status not in new.responses:
                found.append(Change(REMOVED_RESPONSE_STATUS, key, f"response.{status}"))
                continue
            old_schema = _json_schema_of(response)
            new_schema = _json_schema_of(new.responses[status])
            if old_schema is not None and new_schema is not None:
                found += _response_changes(old_schema, new_schema, f"response.{status}", key)
    return sorted(set(found))
