"""``vectors.json`` holds to ``vectors.schema.json``, checked by a checker small enough to read here.

The checker knows the keywords the schema uses (``type``, ``required``, ``properties``,
``additionalProperties``, ``items``, ``const``, ``enum``, ``oneOf`` and local ``$ref``), so the schema that
emulators in other languages validate the vectors with is the one this suite holds them to, without a
JSON Schema library.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

KIT = Path(__file__).resolve().parent.parent / "listjobs_core" / "conformance"
TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}
KNOWN_KEYWORDS = {
    "$schema", "$id", "$defs", "$ref", "title", "description", "type", "required", "properties",
    "additionalProperties", "items", "const", "enum", "oneOf",
}  # fmt: skip


def problems(value: Any, schema: dict[str, Any], root: dict[str, Any], where: str = "$") -> list[str]:
    """Where ``value`` breaks ``schema`` (empty when it holds)."""
    unknown = set(schema) - KNOWN_KEYWORDS
    assert not unknown, f"the checker does not know {sorted(unknown)}"
    if "$ref" in schema:
        pointer = schema["$ref"].removeprefix("#/").split("/")
        target: Any = root
        for part in pointer:
            target = target[part]
        return problems(value, target, root, where)
    found: list[str] = []
    if "type" in schema:
        kinds = TYPES[schema["type"]]
        is_bool = isinstance(value, bool)
        if not isinstance(value, kinds) or (is_bool and schema["type"] in ("integer", "number")):
            return [f"{where}: not of type {schema['type']}"]
    if "const" in schema and value != schema["const"]:
        found.append(f"{where}: not {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{where}: not one of {schema['enum']}")
    if isinstance(value, dict):
        found += [f"{where}: no {name!r}" for name in schema.get("required", ()) if name not in value]
        properties = schema.get("properties", {})
        for name, member in value.items():
            if name in properties:
                found += problems(member, properties[name], root, f"{where}.{name}")
            elif schema.get("additionalProperties") is False:
                found.append(f"{where}: unexpected member {name!r}")
    if isinstance(value, list) and "items" in schema:
        for number, item in enumerate(value):
            found += problems(item, schema["items"], root, f"{where}[{number}]")
    if "oneOf" in schema:
        holding = [option for option in schema["oneOf"] if not problems(value, option, root, where)]
        if len(holding) != 1:
            found.append(f"{where}: holds {len(holding)} of the oneOf alternatives, not exactly one")
    return found


def load(name: str) -> Any:
    return json.loads((KIT / name).read_text(encoding="utf-8"))


def test_the_vectors_hold_to_their_schema() -> None:
    schema = load("vectors.schema.json")
    assert problems(load("vectors.json"), schema, schema) == []


@pytest.mark.parametrize(
    ("path", "breaking"),
    [
        (("cases", 0), lambda case: case.pop("rule")),
        (("cases", 0), lambda case: case.pop("expect")),
        (("cases", 0), lambda case: case.update(extra=1)),
        (("cases", 0, "expect"), lambda expect: expect.update(jobIds="a")),
    ],
    ids=["no_rule", "no_expectation", "unknown_member", "job_ids_not_a_list"],
)
def test_the_checker_finds_a_broken_vector(path: tuple[Any, ...], breaking: Any) -> None:
    schema = load("vectors.schema.json")
    vectors = copy.deepcopy(load("vectors.json"))
    target = vectors
    for step in path:
        target = target[step]
    breaking(target)
    assert problems(vectors, schema, schema) != []
