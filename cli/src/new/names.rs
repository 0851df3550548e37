//! Project names, checked against each ecosystem's rules before anything is written: a Cargo
//! package (crates.io), a PyPI project (PEP 508, with an importable module), an npm package
//! (what the registry accepts for a new package).

/// A project's names in its ecosystem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Names {
    /// The name as given: the server's name in `serverInfo` and in hosts.
    pub display: String,
    /// The package name (`Cargo.toml`, `pyproject.toml`, `package.json`).
    pub package: String,
    /// The name code imports it by: the Rust crate (`my_server`), the Python module
    /// (`my_server`); the package name for npm.
    pub ident: String,
    /// The command it installs: the Cargo binary, the Python script, the npm `bin`.
    pub command: String,
}

/// Rust keywords, reserved ones included: a crate cannot be named after one.
const RUST_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Names cargo refuses: the sysroot crates, its own build directories, Windows device names.
const CARGO_RESERVED: &[&str] = &[
    "alloc",
    "core",
    "proc_macro",
    "std",
    "test",
    "build",
    "deps",
    "examples",
    "incremental",
    "con",
    "prn",
    "aux",
    "nul",
    "com1",
    "com2",
    "com3",
    "com4",
    "com5",
    "com6",
    "com7",
    "com8",
    "com9",
    "lpt1",
    "lpt2",
    "lpt3",
    "lpt4",
    "lpt5",
    "lpt6",
    "lpt7",
    "lpt8",
    "lpt9",
];

/// Python keywords: a module cannot be named after one.
const PYTHON_KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// The top-level modules of Python's standard library (`sys.stdlib_module_names`): a project
/// module of the same name would never be imported, the standard one coming first.
const PYTHON_STDLIB: &[&str] = &[
    "abc",
    "aifc",
    "antigravity",
    "argparse",
    "array",
    "ast",
    "asynchat",
    "asyncio",
    "asyncore",
    "atexit",
    "audioop",
    "base64",
    "bdb",
    "binascii",
    "bisect",
    "builtins",
    "bz2",
    "cProfile",
    "calendar",
    "cgi",
    "cgitb",
    "chunk",
    "cmath",
    "cmd",
    "code",
    "codecs",
    "codeop",
    "collections",
    "colorsys",
    "compileall",
    "concurrent",
    "configparser",
    "contextlib",
    "contextvars",
    "copy",
    "copyreg",
    "crypt",
    "csv",
    "ctypes",
    "curses",
    "dataclasses",
    "datetime",
    "dbm",
    "decimal",
    "difflib",
    "dis",
    "distutils",
    "doctest",
    "email",
    "encodings",
    "ensurepip",
    "enum",
    "errno",
    "faulthandler",
    "fcntl",
    "filecmp",
    "fileinput",
    "fnmatch",
    "fractions",
    "ftplib",
    "functools",
    "gc",
    "genericpath",
    "getopt",
    "getpass",
    "gettext",
    "glob",
    "graphlib",
    "grp",
    "gzip",
    "hashlib",
    "heapq",
    "hmac",
    "html",
    "http",
    "idlelib",
    "imaplib",
    "imghdr",
    "imp",
    "importlib",
    "inspect",
    "io",
    "ipaddress",
    "itertools",
    "json",
    "keyword",
    "lib2to3",
    "linecache",
    "locale",
    "logging",
    "lzma",
    "mailbox",
    "mailcap",
    "marshal",
    "math",
    "mimetypes",
    "mmap",
    "modulefinder",
    "msilib",
    "msvcrt",
    "multiprocessing",
    "netrc",
    "nis",
    "nntplib",
    "nt",
    "ntpath",
    "nturl2path",
    "numbers",
    "opcode",
    "operator",
    "optparse",
    "os",
    "ossaudiodev",
    "pathlib",
    "pdb",
    "pickle",
    "pickletools",
    "pipes",
    "pkgutil",
    "platform",
    "plistlib",
    "poplib",
    "posix",
    "posixpath",
    "pprint",
    "profile",
    "pstats",
    "pty",
    "pwd",
    "py_compile",
    "pyclbr",
    "pydoc",
    "pydoc_data",
    "pyexpat",
    "queue",
    "quopri",
    "random",
    "re",
    "readline",
    "reprlib",
    "resource",
    "rlcompleter",
    "runpy",
    "sched",
    "secrets",
    "select",
    "selectors",
    "shelve",
    "shlex",
    "shutil",
    "signal",
    "site",
    "smtpd",
    "smtplib",
    "sndhdr",
    "socket",
    "socketserver",
    "spwd",
    "sqlite3",
    "sre_compile",
    "sre_constants",
    "sre_parse",
    "ssl",
    "stat",
    "statistics",
    "string",
    "stringprep",
    "struct",
    "subprocess",
    "sunau",
    "symtable",
    "sys",
    "sysconfig",
    "syslog",
    "tabnanny",
    "tarfile",
    "telnetlib",
    "tempfile",
    "termios",
    "textwrap",
    "this",
    "threading",
    "time",
    "timeit",
    "tkinter",
    "token",
    "tokenize",
    "tomllib",
    "trace",
    "traceback",
    "tracemalloc",
    "tty",
    "turtle",
    "turtledemo",
    "types",
    "typing",
    "unicodedata",
    "unittest",
    "urllib",
    "uu",
    "uuid",
    "venv",
    "warnings",
    "wave",
    "weakref",
    "webbrowser",
    "winreg",
    "winsound",
    "wsgiref",
    "xdrlib",
    "xml",
    "xmlrpc",
    "zipapp",
    "zipfile",
    "zipimport",
    "zlib",
    "zoneinfo",
];

/// Node's built-in modules: npm refuses them as names of new packages.
const NODE_BUILTINS: &[&str] = &[
    "assert",
    "async_hooks",
    "buffer",
    "child_process",
    "cluster",
    "console",
    "constants",
    "crypto",
    "dgram",
    "diagnostics_channel",
    "dns",
    "domain",
    "events",
    "fs",
    "http",
    "http2",
    "https",
    "inspector",
    "module",
    "net",
    "os",
    "path",
    "perf_hooks",
    "process",
    "punycode",
    "querystring",
    "readline",
    "repl",
    "stream",
    "string_decoder",
    "sys",
    "timers",
    "tls",
    "trace_events",
    "tty",
    "url",
    "util",
    "v8",
    "vm",
    "wasi",
    "worker_threads",
    "zlib",
];

/// Checks `name` as a Cargo package name.
pub fn rust(name: &str) -> Result<Names, String> {
    if name.is_empty() {
        return Err("a crate name cannot be empty".into());
    }
    if name.len() > 64 {
        return Err("a crate name has at most 64 characters (crates.io's limit)".into());
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        return Err(format!(
            "a crate name has only ASCII letters, digits, `-` and `_`, not {c:?}"
        ));
    }
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Err("a crate name starts with a letter".into());
    }
    let ident = name.replace('-', "_");
    if RUST_KEYWORDS.contains(&ident.as_str()) {
        return Err(format!("`{name}` is a Rust keyword"));
    }
    let lower = ident.to_ascii_lowercase();
    if CARGO_RESERVED.contains(&lower.as_str()) {
        return Err(format!("cargo reserves the name `{name}`"));
    }
    if ["mcp", "mcp_types", "mcp_macros"].contains(&lower.as_str()) {
        return Err(format!(
            "a crate named `{name}` would shadow the SDK crate it depends on"
        ));
    }
    Ok(Names {
        display: name.to_owned(),
        package: name.to_owned(),
        ident,
        command: name.to_owned(),
    })
}

/// Checks `name` as a PyPI project name whose module can be imported.
pub fn python(name: &str) -> Result<Names, String> {
    let valid_end = |c: char| c.is_ascii_alphanumeric();
    if name.is_empty()
        || !name.starts_with(valid_end)
        || !name.ends_with(valid_end)
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err(
            "a Python project name has ASCII letters, digits, `-`, `_` and `.`, and starts and \
             ends with a letter or digit (PEP 508)"
                .into(),
        );
    }
    // PEP 503 normalization: lowercase, every run of `-`, `_` and `.` becomes one `-`.
    let mut package = String::with_capacity(name.len());
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !package.ends_with('-') {
                package.push('-');
            }
        } else {
            package.push(c.to_ascii_lowercase());
        }
    }
    let module = package.replace('-', "_");
    if module.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(format!(
            "the module `{module}` could not be imported: a Python name starts with a letter"
        ));
    }
    if PYTHON_KEYWORDS.contains(&module.as_str()) {
        return Err(format!("`{module}` is a Python keyword"));
    }
    if PYTHON_STDLIB.contains(&module.as_str()) || module == "tests" {
        return Err(format!(
            "a module named `{module}` would be shadowed by Python's own `{module}`"
        ));
    }
    if ["mcp", "mcp_types"].contains(&module.as_str()) {
        return Err(format!(
            "a module named `{module}` would shadow the MCP SDK it imports"
        ));
    }
    Ok(Names {
        display: name.to_owned(),
        command: package.clone(),
        package,
        ident: module,
    })
}

/// Checks `name` as the name of a new npm package (`name` or `@scope/name`).
pub fn npm(name: &str) -> Result<Names, String> {
    if name.is_empty() {
        return Err("an npm package name cannot be empty".into());
    }
    if name.len() > 214 {
        return Err("an npm package name has at most 214 characters".into());
    }
    let (scope, bare) = match name.strip_prefix('@') {
        Some(scoped) => {
            let (scope, bare) = scoped
                .split_once('/')
                .ok_or("a scoped npm package name looks like @scope/name")?;
            (Some(scope), bare)
        }
        None => (None, name),
    };
    for part in scope.into_iter().chain([bare]) {
        if part.is_empty() {
            return Err("a scoped npm package name looks like @scope/name".into());
        }
        if part.starts_with(['.', '_']) {
            return Err("an npm package name cannot start with `.` or `_`".into());
        }
        if let Some(c) = part.chars().find(|c| {
            !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '.' | '_'))
        }) {
            return Err(format!(
                "an npm package name has only lowercase letters, digits, `-`, `.` and `_`, \
                 not {c:?}"
            ));
        }
    }
    if scope.is_none() && (NODE_BUILTINS.contains(&bare) || bare == "node_modules") {
        return Err(format!(
            "`{bare}` is a Node.js built-in module: npm refuses it for a new package"
        ));
    }
    Ok(Names {
        display: name.to_owned(),
        package: name.to_owned(),
        ident: name.to_owned(),
        command: bare.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_names() {
        let names = rust("weather-server").unwrap();
        assert_eq!(names.ident, "weather_server");
        assert_eq!(names.command, "weather-server");
        for bad in [
            "", "1abc", "a b", "héllo", "fn", "self", "test", "std", "mcp", "con", "-x",
        ] {
            assert!(rust(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(rust(&"a".repeat(65)).is_err());
        assert!(rust("My_Server2").is_ok());
    }

    #[test]
    fn python_names() {
        let names = python("Weather.Server__2").unwrap();
        assert_eq!(names.package, "weather-server-2");
        assert_eq!(names.ident, "weather_server_2");
        assert_eq!(names.command, "weather-server-2");
        for bad in [
            "", "-x", "x-", "a b", "2fast", "class", "json", "http", "mcp", "tests",
        ] {
            assert!(python(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn npm_names() {
        let names = npm("@acme/weather-server").unwrap();
        assert_eq!(names.package, "@acme/weather-server");
        assert_eq!(names.command, "weather-server");
        for bad in [
            "", "Upper", ".hidden", "_x", "a b", "http", "fs", "@acme", "@/x", "a!b",
        ] {
            assert!(npm(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(
            npm("@acme/http").is_ok(),
            "a scope makes a built-in's name available"
        );
    }
}
