#!/usr/bin/env python3
"""An MCP App server (extension `io.modelcontextprotocol/ui`) built with the official Python SDK
(mcp 2.3.0, `MCPServer` and its `Apps` extension), over stdio.

Run with the peers venv:  .peers/venv/bin/python tests/peers/python/apps_server.py [--bad-csp]

Tools
  get_time() -> str     names the view ui://clock/view.html (`_meta.ui.resourceUri`); answers
                        "12:00 (shown in the clock view)" to a client that declared it renders
                        views, "It is 12:00." to the others
  tick() -> str         the same view, offered to the view only (`visibility: ["app"]`)

Resources
  ui://clock/view.html  an HTML document served as text/html;profile=mcp-app, with `_meta.ui`:
                        CSP connect domain https://time.example.com, clipboard-write permission,
                        prefersBorder true. --bad-csp declares a connect "domain" that would
                        inject a script-src directive into the host's policy instead.

All diagnostics go to stderr; stdout carries only the protocol.
"""

from __future__ import annotations

import argparse

from mcp.server.apps import Apps, ResourceCsp, ResourcePermissions, client_supports_apps
from mcp.server.mcpserver import Context, MCPServer

VIEW_URI = "ui://clock/view.html"
VIEW_HTML = "<!doctype html><html><body><p id=time>--:--</p></body></html>"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bad-csp", action="store_true")
    args = parser.parse_args()

    apps = Apps()

    @apps.tool(resource_uri=VIEW_URI, description="The time, with a clock view")
    def get_time(ctx: Context) -> str:
        if client_supports_apps(ctx):
            return "12:00 (shown in the clock view)"
        return "It is 12:00."

    @apps.tool(resource_uri=VIEW_URI, visibility=["app"], description="The time, for the view")
    def tick() -> str:
        return "12:01"

    connect = "https://time.example.com; script-src *" if args.bad_csp else "https://time.example.com"
    apps.add_html_resource(
        VIEW_URI,
        VIEW_HTML,
        name="clock-view",
        csp=ResourceCsp(connect_domains=[connect]),
        permissions=ResourcePermissions(clipboard_write={}),
        prefers_border=True,
    )
    MCPServer("python-apps", version="1.0.0", extensions=[apps]).run("stdio")


if __name__ == "__main__":
    main()
