"""Values from JSON schemas: valid instances and instances broken in one place (used by conformance and fuzzing)."""

from __future__ import annotations

import copy
import random
from typing import Any

# ---------------------------------------------------------------------------------------------------------------
# Contract-driven fuzzing (a small, seeded, bounded stand-in for schemathesis)
# ---------------------------------------------------------------------------------------------------------------

ODD_STRINGS = ("", " ", "0", "-1", "null", "é", "漢字", "🙂", "' OR 1=1 --", "<script>", "../../etc", "a" * 300, "%00", "\\", '"')


def value_from_schema(
    schema: dict[str, Any], rng: random.Random, *, prefer_examples: bool = False, optional: bool = True, depth: int = 0
) -> Any:
    """A random instance of a JSON schema (enum, type, bounds, lengths, required members); examples are used for patterns."""
    examples = schema.get("examples") or ([schema["example"]] if "example" in schema else [])
    if examples and (prefer_examples or "pattern" in schema or rng.random() < 0.5):
        return copy.deepcopy(examples[0] if prefer_examples else rng.choice(examples))
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0] if prefer_examples else rng.choice(schema["enum"])
    kind = schema.get("type", "object" if "properties" in schema else "string")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"] or ["null"]
        kind = kinds[0] if prefer_examples else rng.choice(kinds if rng.random() < 0.9 else kind)
    if kind == "null":
        return None
    if kind == "boolean":
        return rng.random() < 0.5
    if kind in ("integer", "number"):
        lo = schema.get("minimum", -1000 if "maximum" not in schema else schema["maximum"] - 1000)
        hi = schema.get("maximum", lo + 1000)
        if prefer_examples:
            return lo if kind == "integer" else float(lo)
        value = rng.choice([lo, hi, rng.randint(int(lo), int(hi))])
        return value if kind == "integer" else value + rng.random() * (value < hi)
    if kind == "string":
        low = schema.get("minLength", 0)
        high = min(schema.get("maxLength", low + 12), low + 12)
        alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_.éß漢🙂"
        length = low if prefer_examples else rng.randint(low, max(low, high))
        return "".join(rng.choice(alphabet) for _ in range(length)) or ("x" * low)
    if kind == "array":
        item_schema = schema.get("items", {})
        low = schema.get("minItems", 0)
        high = min(schema.get("maxItems", low + 3), low + 3)
        count = max(low, 1) if prefer_examples else rng.randint(low, high)
        return [
            value_from_schema(item_schema, rng, prefer_examples=prefer_examples, optional=optional, depth=depth + 1) for _ in range(count)
        ]
    if kind == "object":
        props = schema.get("properties", {})
        required = set(schema.get("required", []))
        result = {}
        for name, sub in props.items():
            if name in required or (optional and depth < 4 and rng.random() < 0.5):
                result[name] = value_from_schema(sub, rng, prefer_examples=prefer_examples, optional=optional, depth=depth + 1)
        return result
    return None


def _invalid_for(schema: dict[str, Any], rng: random.Random) -> tuple[Any, str]:
    """A value that breaks `schema` (or a plausible edge case), and how."""
    options: list[tuple[Any, str]] = [(None, "null"), (rng.choice([[], {}, True]), "wrong type")]
    if "enum" in schema:
        options.append(("not-" + str(schema["enum"][0]), "value outside the enum"))
    kind = schema.get("type")
    if kind in ("integer", "number"):
        if "minimum" in schema:
            options.append((schema["minimum"] - 1, "below minimum"))
        if "maximum" in schema:
            options.append((schema["maximum"] + 1, "above maximum"))
        options += [(10**30, "huge number"), ("12", "number as a string"), (1.5, "fraction")]
    elif kind == "string":
        if "maxLength" in schema:
            options.append(("x" * (schema["maxLength"] + 1), "too long"))
        if schema.get("minLength", 0) > 0:
            options.append(("", "too short"))
        if "pattern" in schema:
            options.append((rng.choice(ODD_STRINGS[5:]), "does not match the pattern"))
        options.append((rng.randint(-5, 5), "number instead of string"))
    elif kind == "array":
        options.append(([], "empty list"))
        if "maxItems" in schema:
            options.append(([value_from_schema(schema.get("items", {}), rng)] * (schema["maxItems"] + 1), "too many items"))
    return rng.choice(options)


def _mutate(value: Any, schema: dict[str, Any], rng: random.Random) -> tuple[Any, str]:
    """Break `value` at one random place: a bad member, a missing required member, or an unknown member."""
    if isinstance(value, dict) and schema.get("properties"):
        choice = rng.random()
        required = [k for k in schema.get("required", []) if k in value]
        if choice < 0.2 and required:
            name = rng.choice(required)
            return {k: v for k, v in value.items() if k != name}, f"missing {name}"
        if choice < 0.3:
            return {**value, "unexpected": 1}, "unknown member"
        name = rng.choice(list(schema["properties"]))
        sub = schema["properties"][name]
        if name in value and isinstance(value[name], dict | list) and rng.random() < 0.6:
            inner, how = _mutate(value[name], sub, rng)
        else:
            inner, how = _invalid_for(sub, rng)
        return {**value, name: inner}, f"{name}: {how}"
    if isinstance(value, list) and value and isinstance(schema.get("items"), dict):
        index = rng.randrange(len(value))
        inner, how = _mutate(value[index], schema["items"], rng)
        return [*value[:index], inner, *value[index + 1 :]], f"[{index}].{how}"
    return _invalid_for(schema, rng)


def sample_bodies(schema: dict[str, Any], n: int, seed: int = 0) -> list[tuple[Any, str]]:
    """`n` seeded instances of `schema` with a note: even positions valid, odd ones broken in one place."""
    rng = random.Random(seed)
    samples = []
    for i in range(n):
        value = value_from_schema(schema, rng)
        samples.append((value, "valid") if i % 2 == 0 else _mutate(value, schema, rng))
    return samples
