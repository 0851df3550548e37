#!/usr/bin/env python3
"""Drive an MCP server with the official Python SDK client (mcp 2.3.0) and print ONE JSON
document describing everything it saw. The server is a command run over stdio, or a URL
(`--url`) reached over Streamable HTTP or the legacy HTTP+SSE transport (`--transport`).

Run with the peers venv (scripts/setup-peers):

    .peers/venv/bin/python tests/peers/python/drive_server.py \\
        --protocol-version 2025-11-25 \\
        --call-tool add='{"a":1,"b":2}' --get-prompt review_code='{"code":"x=1"}' \\
        --read-resource config://app --list-templates \\
        -- <server command> [server args...]

    .peers/venv/bin/python tests/peers/python/drive_server.py \\
        --protocol-version 2026-07-28 --url http://127.0.0.1:8000/mcp [--transport sse] ...

Protocol version pinning (how mcp 2.3.0's `Client` does it):
  * 2025-11-25 (or any older handshake version): `Client(mode="legacy")` — the initialize
    handshake. The SDK always offers LATEST_HANDSHAKE_VERSION (2025-11-25); for an older
    version this script overrides that module constant so the offer is the requested one. The
    run fails if the server answers with a different version (unless --allow-version-mismatch).
  * 2026-07-28: `Client(mode="2026-07-28")` — adopts the version directly: no initialize, no
    server/discover probe; every request carries the per-request `_meta` envelope (protocol
    version, client info, client capabilities). Server info and capabilities are then unknown
    (null in the output) unless --discover is given, which sends one `server/discover` after
    adopting and reports its result.
  * auto: `Client(mode="auto")` — probes server/discover, falls back to initialize.

Extensions: --advertise ID=JSON declares the extension ID with those settings in the client
capabilities (the SDK's `advertise`), e.g. --advertise 'io.modelcontextprotocol/ui={"mimeTypes":
["text/html;profile=mcp-app"]}' for a host that renders MCP App views.

Server-to-client requests get deterministic canned answers, in both eras (handshake era: a
JSON-RPC request from the server; 2026-07-28: `InputRequiredResult` input requests, answered by
the SDK's retry driver through the same callbacks):
  * sampling/createMessage -> role "assistant", text "canned sampling answer", model
    "test-model", stopReason "endTurn" (override with --sampling-text / --sampling-model)
  * elicitation/create     -> action "accept" (--elicitation-action), form content built from the
    requested schema: the property's default, else the first enum/const, else string
    "canned", integer/number 42 (or the minimum), boolean true
  * roots/list             -> [{"uri": "file:///tmp/mcp-test-root", "name": "test-root"}]
                              (override with --root URI, repeatable)
Every such request is recorded under "server_requests" in the output.

Output (stdout, one JSON object; every SDK result is `model_dump(by_alias=True, mode="json",
exclude_none=True)`): requested/negotiated protocol version, mode, server_info, capabilities,
instructions, discover, prompts (all pages), prompt_results, tools, tool_results (with progress
notifications), resources, resource_reads, resource_templates, server_requests, log_messages,
notifications. Listing a kind (prompts/tools/resources) is skipped (null) when the server's
capabilities are known and do not advertise it. Logs go to stderr only.

Exit status: 0 on success; 1 on any failure (connection, protocol error, JSON-RPC error from
the server, timeout) with a readable message on stderr and nothing on stdout; 2 on bad usage.
With --keep-going, JSON-RPC errors of individual get/call/read operations are recorded as
{"error": {...}} in the output instead, and the run continues (exit 0).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import warnings
from dataclasses import dataclass, field
from typing import Any

import anyio
import mcp.client.session as client_session_module
import mcp_types as types
from mcp import Client, StdioServerParameters
from mcp.client.extension import advertise
from mcp.client.sse import sse_client
from mcp.client.session import ClientRequestContext
from mcp.shared.exceptions import MCPDeprecationWarning, MCPError
from mcp_types.version import HANDSHAKE_PROTOCOL_VERSIONS, MODERN_PROTOCOL_VERSIONS
from pydantic import BaseModel, ValidationError

warnings.simplefilter("ignore", MCPDeprecationWarning)

log = logging.getLogger("drive_server")

MAX_PAGES = 1000
CLIENT_INFO = types.Implementation(name="mcp-peer-driver", version="1.0.0")


class UsageError(Exception):
    pass


class DriveError(Exception):
    pass


def dump(model: Any) -> Any:
    if model is None:
        return None
    if isinstance(model, BaseModel):
        return model.model_dump(by_alias=True, mode="json", exclude_unset=True)
    return model


def error_json(err: MCPError) -> dict[str, Any]:
    return dump(err.error)


# ------------------------------------------------------------------ args ----


def parse_named_json(spec: str, option: str) -> tuple[str, dict[str, Any]]:
    name, sep, raw = spec.partition("=")
    if not name:
        raise UsageError(f"{option} {spec!r}: expected NAME=JSONARGS")
    if not sep or raw.strip() == "":
        return name, {}
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as e:
        raise UsageError(f"{option} {spec!r}: arguments are not valid JSON: {e}") from None
    if not isinstance(value, dict):
        raise UsageError(f"{option} {spec!r}: arguments must be a JSON object")
    return name, value


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="drive_server.py",
        description="Drive an MCP stdio server with the Python SDK and print one JSON document.",
        usage="%(prog)s --protocol-version VERSION [options] (--url URL | -- COMMAND [ARGS...])",
    )
    p.add_argument("--url", default=None, help="drive the server at this URL instead of a command")
    p.add_argument(
        "--transport",
        choices=["streamable-http", "sse"],
        default="streamable-http",
        help="how to reach --url: Streamable HTTP (default) or the legacy HTTP+SSE transport",
    )
    p.add_argument(
        "--protocol-version",
        required=True,
        help=f"handshake version ({', '.join(HANDSHAKE_PROTOCOL_VERSIONS)}), modern version "
        f"({', '.join(MODERN_PROTOCOL_VERSIONS)}), or 'auto'",
    )
    p.add_argument("--get-prompt", action="append", default=[], metavar="NAME=JSONARGS")
    p.add_argument("--call-tool", action="append", default=[], metavar="NAME=JSONARGS")
    p.add_argument("--read-resource", action="append", default=[], metavar="URI")
    p.add_argument("--read-all", action="store_true", help="read every listed resource")
    p.add_argument("--list-templates", action="store_true", help="also list resource templates")
    p.add_argument("--discover", action="store_true", help="2026-07-28: send server/discover after adopting")
    p.add_argument("--allow-version-mismatch", action="store_true", help="accept a different negotiated version")
    p.add_argument("--keep-going", action="store_true", help="record per-operation JSON-RPC errors and continue")
    p.add_argument("--sampling-text", default="canned sampling answer")
    p.add_argument("--sampling-model", default="test-model")
    p.add_argument("--elicitation-action", choices=["accept", "decline", "cancel"], default="accept")
    p.add_argument("--root", action="append", default=[], metavar="URI", help="roots/list answer (repeatable)")
    p.add_argument("--log-level", default="debug", help="2026-07-28 per-request log opt-in level (default debug)")
    p.add_argument("--env", action="append", default=[], metavar="KEY=VALUE", help="extra server environment")
    p.add_argument(
        "--advertise",
        action="append",
        default=[],
        metavar="ID=JSONSETTINGS",
        help="declare the extension ID with these settings in the client capabilities (repeatable)",
    )
    p.add_argument("--cwd", default=None, help="server working directory")
    p.add_argument("--timeout", type=float, default=30.0, help="per-request read timeout, seconds (default 30)")
    p.add_argument("--total-timeout", type=float, default=120.0, help="whole run, seconds (default 120)")
    p.add_argument("-v", "--verbose", action="store_true", help="debug logging on stderr")
    return p


def parse_args(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    if "--" in argv:
        i = argv.index("--")
        own, server_cmd = argv[:i], argv[i + 1 :]
    else:
        own, server_cmd = argv, []
    parser = build_parser()
    args = parser.parse_args(own)
    if not server_cmd and not args.url:
        parser.error("no server: give --url URL or a command after '--'")
    if server_cmd and args.url:
        parser.error("give either --url or a command after '--', not both")
    version = args.protocol_version
    if version != "auto" and version not in HANDSHAKE_PROTOCOL_VERSIONS and version not in MODERN_PROTOCOL_VERSIONS:
        parser.error(
            f"unsupported --protocol-version {version!r}; mcp 2.3.0 knows "
            f"{list(HANDSHAKE_PROTOCOL_VERSIONS) + list(MODERN_PROTOCOL_VERSIONS)} or 'auto'"
        )
    try:
        args.prompt_specs = [parse_named_json(s, "--get-prompt") for s in args.get_prompt]
        args.tool_specs = [parse_named_json(s, "--call-tool") for s in args.call_tool]
        args.extension_specs = [parse_named_json(s, "--advertise") for s in args.advertise]
        for name, prompt_args in args.prompt_specs:
            bad = [k for k, v in prompt_args.items() if not isinstance(v, str)]
            if bad:
                raise UsageError(f"--get-prompt {name}: prompt arguments must be strings (not: {', '.join(bad)})")
        extra_env = {}
        for item in args.env:
            key, sep, value = item.partition("=")
            if not key or not sep:
                raise UsageError(f"--env {item!r}: expected KEY=VALUE")
            extra_env[key] = value
        args.extra_env = extra_env
    except UsageError as e:
        parser.error(str(e))
    return args, server_cmd


# ------------------------------------------------------- canned answers ----


def canned_value(name: str, prop: dict[str, Any]) -> Any:
    if "default" in prop:
        return prop["default"]
    if "const" in prop:
        return prop["const"]
    if prop.get("enum"):
        return prop["enum"][0]
    for key in ("oneOf", "anyOf"):
        options = prop.get(key)
        if options and isinstance(options[0], dict) and "const" in options[0]:
            return options[0]["const"]
    kind = prop.get("type")
    if kind == "boolean":
        return True
    if kind in ("integer", "number"):
        return prop.get("minimum", 42)
    if kind == "array":
        items = prop.get("items") or {}
        first = canned_value(name, items) if items else "canned"
        return [first]
    fmt = prop.get("format")
    return {
        "email": "test@example.com",
        "uri": "https://example.com/",
        "date": "2025-01-01",
        "date-time": "2025-01-01T00:00:00Z",
    }.get(fmt, "canned")


@dataclass
class Recorder:
    args: argparse.Namespace
    server_requests: list[dict[str, Any]] = field(default_factory=list)
    log_messages: list[dict[str, Any]] = field(default_factory=list)
    notifications: list[dict[str, Any]] = field(default_factory=list)

    async def sampling(
        self, context: ClientRequestContext, params: types.CreateMessageRequestParams
    ) -> types.CreateMessageResult:
        self.server_requests.append({"method": "sampling/createMessage", "params": dump(params)})
        log.info("answering sampling/createMessage with canned text")
        return types.CreateMessageResult(
            role="assistant",
            content=types.TextContent(type="text", text=self.args.sampling_text),
            model=self.args.sampling_model,
            stop_reason="endTurn",
        )

    async def elicitation(self, context: ClientRequestContext, params: types.ElicitRequestParams) -> types.ElicitResult:
        self.server_requests.append({"method": "elicitation/create", "params": dump(params)})
        action = self.args.elicitation_action
        log.info("answering elicitation/create with action %s", action)
        if action != "accept" or isinstance(params, types.ElicitRequestURLParams):
            return types.ElicitResult(action=action)
        schema = dump(params.requested_schema) or {}
        props: dict[str, Any] = schema.get("properties") or {}
        return types.ElicitResult(action="accept", content={k: canned_value(k, v) for k, v in props.items()})

    async def list_roots(self, context: ClientRequestContext) -> types.ListRootsResult:
        self.server_requests.append({"method": "roots/list", "params": None})
        uris = self.args.root or ["file:///tmp/mcp-test-root"]
        roots = [
            types.Root(uri=uri, name="test-root" if not self.args.root else None)  # type: ignore[arg-type]
            for uri in uris
        ]
        return types.ListRootsResult(roots=roots)

    async def logging(self, params: types.LoggingMessageNotificationParams) -> None:
        self.log_messages.append(dump(params))

    async def message(self, message: Any) -> None:
        if isinstance(message, Exception):
            log.warning("transport error from the server stream: %r", message)
            self.notifications.append({"transport_error": repr(message)})
            return
        self.notifications.append(
            {"method": getattr(message, "method", type(message).__name__), "params": dump(getattr(message, "params", None))}
        )


# ------------------------------------------------------------------ run ----


async def paginate(fetch: Any, attr: str) -> tuple[list[Any], int]:
    items: list[Any] = []
    cursor: str | None = None
    for page_no in range(1, MAX_PAGES + 1):
        page = await fetch(cursor=cursor)
        items.extend(dump(x) for x in getattr(page, attr))
        cursor = page.next_cursor
        if cursor is None:
            return items, page_no
    raise DriveError(f"{attr}: more than {MAX_PAGES} pages; the server's pagination never ends")


async def guarded(keep_going: bool, what: str, op: Any) -> Any:
    try:
        return dump(await op())
    except MCPError as e:
        if not keep_going:
            raise DriveError(f"{what} failed: JSON-RPC error {e.code}: {e.message}") from e
        log.warning("%s failed: JSON-RPC error %s: %s", what, e.code, e.message)
        return {"error": error_json(e)}


async def drive(args: argparse.Namespace, server_cmd: list[str]) -> dict[str, Any]:
    requested = args.protocol_version
    if requested == "auto":
        mode = "auto"
    elif requested in MODERN_PROTOCOL_VERSIONS:
        mode = requested
    else:
        mode = "legacy"
        # ClientSession.initialize() offers this module-level constant; pin the offer.
        client_session_module.LATEST_HANDSHAKE_VERSION = requested

    rec = Recorder(args)
    if args.url and args.transport == "sse":
        target: Any = sse_client(args.url, timeout=args.timeout, sse_read_timeout=args.total_timeout)
    elif args.url:
        target = args.url
    else:
        env = dict(os.environ) | args.extra_env
        target = StdioServerParameters(command=server_cmd[0], args=server_cmd[1:], env=env, cwd=args.cwd)
    client = Client(
        target,
        mode=mode,
        client_info=CLIENT_INFO,
        read_timeout_seconds=args.timeout,
        sampling_callback=rec.sampling,
        elicitation_callback=rec.elicitation,
        list_roots_callback=rec.list_roots,
        logging_callback=rec.logging,
        message_handler=rec.message,
        log_level=args.log_level if mode != "legacy" else None,
        cache=None,  # every list/read must reach the server
        extensions=[advertise(identifier, settings) for identifier, settings in args.extension_specs] or None,
    )
    out: dict[str, Any] = {"requested_protocol_version": requested, "mode": mode}
    if args.url:
        out["url"] = args.url
        out["transport"] = args.transport
    log.info("driving %s (mode=%s)", args.url or " ".join(server_cmd), mode)
    async with client:
        session = client.session
        negotiated = client.protocol_version
        out["protocol_version"] = negotiated
        if requested != "auto" and negotiated != requested and not args.allow_version_mismatch:
            raise DriveError(f"requested protocol version {requested} but the server negotiated {negotiated}")

        discover = None
        if args.discover and session.initialize_result is None:
            raw = await session.send_discover(negotiated)
            discover_result = types.DiscoverResult.model_validate(raw)
            session.adopt(discover_result)
            discover = dump(discover_result)
            if client.protocol_version != negotiated:
                raise DriveError(f"server/discover moved the version from {negotiated} to {client.protocol_version}")
        out["discover"] = discover if discover is not None else dump(session.discover_result) if mode == "auto" else None

        caps_known = session.initialize_result is not None or discover is not None or mode == "auto"
        caps = client.server_capabilities if caps_known else None
        out["server_info"] = dump(client.server_info)
        out["capabilities"] = dump(caps)
        out["instructions"] = client.instructions
        if session.initialize_result is not None:
            out["initialize_result"] = dump(session.initialize_result)

        def advertised(kind: str) -> bool:
            return caps is None or getattr(caps, kind) is not None

        kg = args.keep_going

        # prompts
        if advertised("prompts"):
            out["prompts"], out["prompt_pages"] = await paginate(client.list_prompts, "prompts")
        else:
            out["prompts"], out["prompt_pages"] = None, 0
        out["prompt_results"] = []
        for name, prompt_args in args.prompt_specs:
            result = await guarded(kg, f"prompts/get {name}", lambda: client.get_prompt(name, prompt_args))
            out["prompt_results"].append({"name": name, "arguments": prompt_args, "result": result})

        # tools
        if advertised("tools"):
            out["tools"], out["tool_pages"] = await paginate(client.list_tools, "tools")
        else:
            out["tools"], out["tool_pages"] = None, 0
        out["tool_results"] = []
        for name, tool_args in args.tool_specs:
            progress: list[dict[str, Any]] = []

            async def on_progress(value: float, total: float | None, message: str | None, sink=progress) -> None:
                sink.append({"progress": value, "total": total, "message": message})

            first_request = len(rec.server_requests)
            first_log = len(rec.log_messages)
            result = await guarded(
                kg,
                f"tools/call {name}",
                lambda: client.call_tool(name, tool_args, progress_callback=on_progress),
            )
            out["tool_results"].append(
                {
                    "name": name,
                    "arguments": tool_args,
                    "result": result,
                    "progress": progress,
                    "server_requests": [r["method"] for r in rec.server_requests[first_request:]],
                    "log_messages": rec.log_messages[first_log:],
                }
            )

        # resources
        if advertised("resources"):
            out["resources"], out["resource_pages"] = await paginate(client.list_resources, "resources")
        else:
            out["resources"], out["resource_pages"] = None, 0
        uris = list(args.read_resource)
        if args.read_all:
            uris += [r["uri"] for r in out["resources"] or [] if r["uri"] not in uris]
        out["resource_reads"] = []
        for uri in uris:
            result = await guarded(kg, f"resources/read {uri}", lambda: client.read_resource(uri))
            out["resource_reads"].append({"uri": uri, "result": result})

        if args.list_templates:
            out["resource_templates"], out["resource_template_pages"] = await paginate(
                client.list_resource_templates, "resource_templates"
            )
        else:
            out["resource_templates"] = None

    out["server_requests"] = rec.server_requests
    out["log_messages"] = rec.log_messages
    out["notifications"] = rec.notifications
    return out


def describe(exc: BaseException) -> str:
    """A readable one-line (or few-line) description, unwrapping exception groups."""
    if isinstance(exc, BaseExceptionGroup):
        return "; ".join(describe(e) for e in exc.exceptions)
    if isinstance(exc, MCPError):
        return f"JSON-RPC error {exc.code}: {exc.message}"
    if isinstance(exc, TimeoutError):
        return "timed out"
    if isinstance(exc, DriveError):
        return str(exc)
    if isinstance(exc, ValidationError):
        return (
            "a server message does not match the negotiated protocol version's schema "
            f"(is the server speaking another protocol era?): {exc}"
        )
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def main(argv: list[str]) -> int:
    args, server_cmd = parse_args(argv)
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="drive_server: %(levelname)s %(name)s: %(message)s",
    )

    async def run() -> dict[str, Any]:
        with anyio.fail_after(args.total_timeout):
            return await drive(args, server_cmd)

    try:
        out = anyio.run(run)
    except KeyboardInterrupt:
        print("drive_server: interrupted", file=sys.stderr)
        return 130
    except BaseException as e:  # noqa: BLE001 - report everything readably, then fail
        if isinstance(e, SystemExit):
            raise
        if args.verbose:
            logging.exception("failure")
        print(f"drive_server: error: {describe(e)}", file=sys.stderr)
        return 1
    json.dump(out, sys.stdout, indent=2, sort_keys=False)
    sys.stdout.write("\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
