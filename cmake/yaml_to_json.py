#!/usr/bin/env python3
"""yaml_to_json.py IN.yaml OUT.json: the API contract (docs/openapi.yaml) as the JSON bitacora
serves at /openapi.json. Run at build time (python3-yaml, from scripts/install-deps). Compact,
keys in the document's order; OUT is rewritten only when it changes."""
import json
import sys

import re

import yaml


class CoreLoader(yaml.SafeLoader):
    """YAML 1.2's core schema, as JavaScript's `yaml` package reads it: times stay strings and only
    true/false are booleans (PyYAML's YAML 1.1 would turn `on`, `no` and dates into other types)."""


CoreLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers
            if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
CoreLoader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                 list("tTfF"))


def main() -> int:
    source, target = sys.argv[1], sys.argv[2]
    with open(source, encoding="utf-8") as f:
        document = yaml.load(f, Loader=CoreLoader)
    if not isinstance(document, dict) or "openapi" not in document:
        print(f"{source}: not an OpenAPI document", file=sys.stderr)
        return 1
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"
    try:
        with open(target, encoding="utf-8") as f:
            if f.read() == text:
                return 0
    except FileNotFoundError:
        pass
    with open(target, "w", encoding="utf-8") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
