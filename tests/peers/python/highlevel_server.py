#!/usr/bin/env python3
"""A high-level MCP server built with the official Python SDK (mcp 2.3.0, `MCPServer`), over stdio
or Streamable HTTP.

Run with the peers venv:  .peers/venv/bin/python tests/peers/python/highlevel_server.py
Over HTTP:                .peers/venv/bin/python tests/peers/python/highlevel_server.py --http PORT
                              [--stateless] [--json-response]
  serves Streamable HTTP at http://127.0.0.1:PORT/mcp (PORT 0 picks a free port) and prints
  `listening on http://127.0.0.1:<port>/mcp` on stderr once it accepts connections.

Server info: name "python-highlevel", version "1.0.0". It answers both protocol eras on the
same stdio connection: the 2025-11-25 initialize handshake, and 2026-07-28 stateless requests
(`_meta` envelope, no handshake).

Tools
  add(a: int, b: int) -> int
  echo(message: str) -> str
  sample(prompt: str) -> str          asks the CLIENT for a sampling completion through the
                                      request context (`ctx.session.create_message`, a
                                      server->client `sampling/createMessage` request tied to
                                      the tools/call) and returns the completion's text.
                                      Handshake era (<= 2025-11-25) only: a 2026-07-28 request
                                      has no server->client back-channel, so it fails there.
  sample_resolved(prompt: str) -> str the same through the SDK's era-agnostic resolver
                                      (`Resolve(...)` returning `Sample(...)`): a mid-call
                                      `sampling/createMessage` request in the handshake era, an
                                      `InputRequiredResult` (client retries with
                                      `inputResponses`) on 2026-07-28.
  ask_name() -> str                   form elicitation via `Resolve(...)` returning `Elicit(...)`
                                      (both eras); returns "Hello, <name>!".
  list_client_roots() -> str          roots/list via `Resolve(...)` returning `ListRoots()`
                                      (both eras); returns the root URIs, comma-separated.
  long_task(steps: int = 3) -> str    reports progress (progress i of steps, with a message) and
                                      sends an info log message per step. On 2026-07-28 logs are
                                      only sent when the request opts in with a log level.

Resources
  config://app                        static JSON text (application/json)
  greeting://{name}                   template -> "Hello, {name}!"

Prompts
  review_code(code: str)              returns a string (one user message)
  debug_error(error: str)             returns a list of messages (user, assistant)

All diagnostics go to stderr; stdout carries only the protocol.
"""

from __future__ import annotations

import json
import warnings
from typing import Annotated

from mcp.server.mcpserver import (
    AssistantMessage,
    Context,
    Elicit,
    ListRoots,
    MCPServer,
    Message,
    Resolve,
    Sample,
    UserMessage,
)
from mcp.shared.exceptions import MCPDeprecationWarning
from mcp_types import CreateMessageResult, ListRootsResult, SamplingMessage, TextContent
from pydantic import BaseModel

# Sampling, logging and roots are deprecated in 2026-07-28 but are exactly what this peer
# exercises; keep stderr free of the warnings.
warnings.simplefilter("ignore", MCPDeprecationWarning)

SAMPLING_MAX_TOKENS = 64

server = MCPServer(
    "python-highlevel",
    version="1.0.0",
    instructions="Test peer for the Rust MCP toolchain (python-highlevel).",
    log_level="WARNING",
)


def _text_of(result: CreateMessageResult) -> str:
    content = result.content
    if isinstance(content, TextContent):
        return content.text
    raise ValueError(f"sampling returned non-text content of type {content.type!r}")


def _sampling_messages(prompt: str) -> list[SamplingMessage]:
    return [SamplingMessage(role="user", content=TextContent(type="text", text=prompt))]


# ---------------------------------------------------------------- tools ----


@server.tool()
def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


@server.tool()
def echo(message: str) -> str:
    """Echo the message back."""
    return message


@server.tool()
async def sample(prompt: str, ctx: Context) -> str:
    """Ask the client's LLM (sampling/createMessage through the request context); return its text."""
    result = await ctx.session.create_message(
        messages=_sampling_messages(prompt),
        max_tokens=SAMPLING_MAX_TOKENS,
        related_request_id=ctx.request_id,
    )
    return _text_of(result)


def _ask_llm(prompt: str) -> Sample:
    return Sample(_sampling_messages(prompt), max_tokens=SAMPLING_MAX_TOKENS)


@server.tool()
async def sample_resolved(prompt: str, completion: Annotated[CreateMessageResult, Resolve(_ask_llm)]) -> str:
    """Sampling through the SDK resolver: works in both protocol eras."""
    return _text_of(completion)


class NameForm(BaseModel):
    name: str


def _ask_name() -> Elicit[NameForm]:
    return Elicit("What is your name?", NameForm)


@server.tool()
async def ask_name(form: Annotated[NameForm, Resolve(_ask_name)]) -> str:
    """Elicit the user's name (form mode) and greet them."""
    return f"Hello, {form.name}!"


def _roots() -> ListRoots:
    return ListRoots()


@server.tool()
async def list_client_roots(roots: Annotated[ListRootsResult, Resolve(_roots)]) -> str:
    """Return the client's roots (roots/list) as comma-separated URIs."""
    return ",".join(str(root.uri) for root in roots.roots)


@server.tool()
async def long_task(ctx: Context, steps: int = 3) -> str:
    """Report progress for each step and log it."""
    for i in range(1, steps + 1):
        await ctx.report_progress(i, steps, f"step {i} of {steps}")
        await ctx.info(f"long_task step {i}/{steps}")
    return f"completed {steps} steps"


# ------------------------------------------------------------ resources ----


@server.resource("config://app", name="app-config", mime_type="application/json")
def app_config() -> str:
    """Static application configuration."""
    return json.dumps({"name": "python-highlevel", "version": "1.0.0", "features": ["tools", "resources", "prompts"]})


@server.resource("greeting://{name}", name="greeting", mime_type="text/plain")
def greeting(name: str) -> str:
    """A personalised greeting."""
    return f"Hello, {name}!"


# -------------------------------------------------------------- prompts ----


@server.prompt()
def review_code(code: str) -> str:
    """Ask for a code review."""
    return f"Please review this code:\n\n{code}"


@server.prompt()
def debug_error(error: str) -> list[Message]:
    """Start a debugging conversation about an error."""
    return [
        UserMessage(f"I'm seeing this error:\n\n{error}"),
        AssistantMessage("I'll help debug that. What have you tried so far?"),
    ]


def serve_http(port: int, stateless: bool, json_response: bool) -> None:
    """Streamable HTTP on 127.0.0.1:port through uvicorn, on a socket bound here so that port 0
    works and the real port can be announced."""
    import socket
    import sys

    import uvicorn

    app = server.streamable_http_app(stateless_http=stateless, json_response=json_response)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(128)
    print(f"listening on http://127.0.0.1:{sock.getsockname()[1]}/mcp", file=sys.stderr, flush=True)
    uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on")).run(sockets=[sock])


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="python-highlevel MCP test server")
    parser.add_argument("--http", type=int, metavar="PORT", help="serve Streamable HTTP instead of stdio")
    parser.add_argument("--stateless", action="store_true", help="with --http: stateless_http=True")
    parser.add_argument("--json-response", action="store_true", help="with --http: json_response=True")
    options = parser.parse_args()
    if options.http is None:
        server.run("stdio")
    else:
        serve_http(options.http, options.stateless, options.json_response)
