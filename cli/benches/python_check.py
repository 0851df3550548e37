"""What `mcp check` does, done with the official Python SDK (mcp 2.3.0): the Python side of the
CLI benchmark. The Python SDK's own `mcp` command has no `check`, so this is the closest
equivalent a Python user has: a script on the SDK's client.

    .peers/venv/bin/python cli/benches/python_check.py SCHEMA_DIR -- SERVER_COMMAND [ARGS...]

Starts the server over stdio, connects (`Client(mode="auto")`: server/discover, falling back to
initialize), lists tools, resources, resource templates and prompts (every page), pings it (server/discover
in the stateless era, as `mcp check` does),
closes it, and validates each result against the official schema of the negotiated version
(SCHEMA_DIR/<version>/schema.json, with the jsonschema package), as `mcp check` does. Prints
one line; exits 1 when a step or a validation fails.
"""

from __future__ import annotations

import json
import sys
import warnings

import anyio
import jsonschema
from mcp import Client, StdioServerParameters
from mcp.shared.exceptions import MCPDeprecationWarning

warnings.simplefilter("ignore", MCPDeprecationWarning)


def validator(schema: dict, definition: str):
    defs = "$defs" if "$defs" in schema else "definitions"
    root = dict(schema)
    root["allOf"] = [{"$ref": f"#/{defs}/{definition}"}]
    cls = jsonschema.validators.validator_for(root)
    return cls(root), defs in schema and definition in schema[defs]


async def pages(fetch, attr: str, results: list) -> int:
    count, cursor = 0, None
    while True:
        page = await fetch(cursor=cursor)
        results.append(page)
        count += len(getattr(page, attr))
        cursor = page.next_cursor
        if cursor is None:
            return count


async def check(schema_dir: str, command: list[str]) -> int:
    client = Client(StdioServerParameters(command=command[0], args=command[1:]), mode="auto", cache=None)
    results: list[tuple[str, object]] = []
    async with client:
        caps = client.server_capabilities
        found = {}
        for kind, fetch, attr, definition in [
            ("tools", client.list_tools, "tools", "ListToolsResult"),
            ("resources", client.list_resources, "resources", "ListResourcesResult"),
            ("resources", client.list_resource_templates, "resource_templates", "ListResourceTemplatesResult"),
            ("prompts", client.list_prompts, "prompts", "ListPromptsResult"),
        ]:
            if getattr(caps, kind) is None:
                continue
            pages_of: list = []
            found[attr] = await pages(fetch, attr, pages_of)
            results.extend((definition, page) for page in pages_of)
        version = client.protocol_version
        if version >= "2026-07-28":
            # `ping` is gone from the stateless era: `mcp check` pings with server/discover.
            await client.session.send_discover(version)
        else:
            await client.send_ping()
    with open(f"{schema_dir}/{version}/schema.json") as f:
        schema = json.load(f)
    failures = 0
    for definition, result in results:
        v, known = validator(schema, definition)
        if known:
            for error in v.iter_errors(result.model_dump(by_alias=True, mode="json", exclude_none=True)):
                failures += 1
                print(f"{definition}: {error.message}", file=sys.stderr)
    print(f"protocol {version}: {found}, {len(results)} results validated, {failures} problems")
    return 1 if failures else 0


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[1] != "--":
        print(__doc__, file=sys.stderr)
        return 2
    return anyio.run(check, argv[0], argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
