# The launcher `mcp` runs a Python server file with (python -c THIS MODE FILE [OBJECT] [ARGS...]).
# MODE "main": run FILE as __main__, exactly as `python FILE` would (the file has a
#   `if __name__ == "__main__":` block that starts its server).
# MODE "object": import FILE and call run() on OBJECT, or on the first of `mcp`, `server`, `app`
#   that is an MCP server (mcp 1.x FastMCP, mcp 2.x MCPServer, or the standalone fastmcp's).
# Diagnostics go to stderr only: stdout belongs to the protocol.
import importlib.util
import os
import runpy
import sys


def fail(message):
    sys.stderr.write("mcp: " + message + "\n")
    sys.exit(1)


def sdk_version():
    try:
        from importlib.metadata import version

        return version("mcp")
    except Exception:
        return None


def explain_missing(error, path):
    name = error.name or ""
    have = sdk_version()
    if name.startswith("mcp.server.fastmcp"):
        fail(
            "%s is written for mcp 1.x (it imports mcp.server.fastmcp), but this Python (%s) has mcp %s. "
            "Install uv (mcp then runs the file with the SDK major version it needs), "
            "or pass --python with an interpreter that has mcp<2." % (path, sys.executable, have)
        )
    if name == "mcp" or name.startswith("mcp."):
        fail(
            "%s needs the MCP Python SDK, which this Python (%s) lacks (%s). "
            "Install uv, or `pip install mcp` into the interpreter given with --python."
            % (path, sys.executable, error)
        )
    raise error


def main():
    mode, path = sys.argv[1], os.path.abspath(sys.argv[2])
    rest = sys.argv[3:]
    object_name = None
    if mode == "object":
        object_name, rest = (rest[0] or None), rest[1:]
    sys.argv = [path] + rest
    sys.path.insert(0, os.path.dirname(path))
    if mode == "main":
        try:
            runpy.run_path(path, run_name="__main__")
        except ModuleNotFoundError as error:
            explain_missing(error, path)
        return
    spec = importlib.util.spec_from_file_location("__mcp_server__", path)
    if spec is None or spec.loader is None:
        fail("cannot load %s as a Python module" % path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["__mcp_server__"] = module
    try:
        spec.loader.exec_module(module)
    except ModuleNotFoundError as error:
        explain_missing(error, path)
    servers = ("FastMCP", "MCPServer")
    for name in [object_name] if object_name else ["mcp", "server", "app"]:
        target = module
        for part in name.split("."):
            target = getattr(target, part, None)
        if target is None:
            if object_name:
                fail("%s has no object named %r" % (path, object_name))
            continue
        classes = {cls.__name__ for cls in type(target).__mro__}
        if not classes.intersection(servers):
            if "Server" in classes:
                fail(
                    "%s:%s is a low-level Server, which has no run() of its own: give the file an "
                    "`if __name__ == \"__main__\":` block that runs it, and name the file without :object"
                    % (path, name)
                )
            if object_name:
                fail("%s:%s is a %s, not an MCP server (FastMCP or MCPServer)" % (path, name, type(target).__name__))
            continue
        target.run()
        return
    fail(
        "no server object found in %s: name it mcp, server or app, name it on the command line "
        "as %s:OBJECT, or add an `if __name__ == \"__main__\":` block that runs it" % (path, path)
    )


main()
