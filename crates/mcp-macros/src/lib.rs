//! Procedural macros for the `mcp` crate. Use them through `mcp` (`#[mcp::server_handler]`,
//! `#[mcp::tool]`, `#[mcp::tools]`, `#[mcp::resource]`, `#[mcp::prompt]`), not directly.

use proc_macro::TokenStream;
use proc_macro2::{Span, TokenStream as TokenStream2};
use quote::quote;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Ident, ImplItem, ItemImpl, Token, parse_macro_input};

mod common;
mod prompt;
mod resource;
mod server_handler;
mod tool;

/// Makes an MCP tool of a function (sync or async): keeps the function and adds a module of the
/// same name whose `tool()` returns its `mcp::fastmcp::ToolDef`, and whose `Args` is the
/// struct the arguments are parsed into.
///
/// The description is the doc comment; the parameters are the tool's arguments (their JSON
/// Schema derived from their types, `Option` meaning not required), described by the doc
/// comment's `# Arguments` list; a parameter of type `Context` receives the request context.
/// The return value becomes the result (text, content, images, or structured content for a
/// `Serialize + JsonSchema` type); an `Err` becomes a result with `isError: true`.
///
/// Arguments: `name = "math.add"`, `title = "..."`, `description = "..."`, the hints
/// `read_only`, `destructive`, `idempotent`, `open_world` (alone for `true`, or `= false`), and
/// for the tasks extension `task` (the tool runs as a task for clients that can follow one),
/// `task = "required"` (clients that cannot are refused) and `defer_task` (the function calls
/// `ctx.run_as_task()` itself, say after asking for input).
///
/// ```ignore
/// /// Add two numbers
/// ///
/// /// # Arguments
/// /// * `a` - the first number
/// /// * `b` - the second number
/// #[mcp::tool(read_only)]
/// fn add(a: i64, b: i64) -> i64 {
///     a + b
/// }
/// // mcp.add_tool(add::tool());
/// ```
#[proc_macro_attribute]
pub fn tool(args: TokenStream, input: TokenStream) -> TokenStream {
    let args = parse_macro_input!(args as common::AttrArgs);
    let item = parse_macro_input!(input as syn::ItemFn);
    tool::expand_fn(args, item)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Makes a group of MCP tools of the methods marked `#[tool]` in an `impl` block: the type
/// implements `mcp::fastmcp::ToolGroup`, and `mcp.add_group("math", group)` registers them as
/// `math.add`, `math.slow_add`, ..., sharing the group's state.
///
/// Each `#[tool]` takes the same arguments as `#[mcp::tool]`; methods take `&self` (or
/// `self: Arc<Self>`).
#[proc_macro_attribute]
pub fn tools(args: TokenStream, input: TokenStream) -> TokenStream {
    let args = parse_macro_input!(args as common::AttrArgs);
    let item = parse_macro_input!(input as syn::ItemImpl);
    tool::expand_impl(args, item)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Makes an MCP resource of a function: `#[mcp::resource("config://app")]` for a fixed URI,
/// `#[mcp::resource("users://{user_id}/profile")]` for a template, whose variables are the
/// function's parameters (parsed from the URI into their types; a URI that does not parse is
/// refused). Adds a module of the same name whose `resource()` returns the definition.
///
/// Strings are served as text, `Vec<u8>` as a blob, `Serialize` types as JSON. Arguments:
/// `name`, `title`, `description` (else the doc comment), `mime_type`.
#[proc_macro_attribute]
pub fn resource(args: TokenStream, input: TokenStream) -> TokenStream {
    let args = parse_macro_input!(args as common::AttrArgs);
    let item = parse_macro_input!(input as syn::ItemFn);
    resource::expand(args, item)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Makes an MCP prompt of a function: its parameters are the prompt's arguments (required
/// unless `Option`, parsed from text into their types), described by the doc comment's
/// `# Arguments` list. It returns a string (one user message), messages, or a
/// `GetPromptResult`. Adds a module of the same name whose `prompt()` returns the definition.
///
/// Arguments: `name`, `title`, `description` (else the doc comment).
#[proc_macro_attribute]
pub fn prompt(args: TokenStream, input: TokenStream) -> TokenStream {
    let args = parse_macro_input!(args as common::AttrArgs);
    let item = parse_macro_input!(input as syn::ItemFn);
    prompt::expand(args, item)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Derives `ServerHandler::capabilities` from the request methods an `impl ServerHandler` block
/// defines.
///
/// `list_tools`/`call_tool` declare `tools`; `list_resources`/`read_resource`/
/// `list_resource_templates` declare `resources` (with `subscribe` when `subscribe` is defined);
/// `list_prompts`/`get_prompt` declare `prompts`; `complete` declares `completions`. `logging` is
/// always declared: the server core answers `logging/setLevel` itself.
///
/// Arguments: `list_changed(tools, prompts, resources)` declares that the server sends the
/// matching list-changed notifications; `experimental(...)` is not accepted here (write
/// `capabilities` by hand for anything unusual).
///
/// ```ignore
/// #[mcp::server_handler(list_changed(tools))]
/// impl ServerHandler for MyServer {
///     async fn list_tools(&self, ...) -> ... { ... }
///     async fn call_tool(&self, ...) -> ... { ... }
/// }
/// ```
#[proc_macro_attribute]
pub fn server_handler(args: TokenStream, input: TokenStream) -> TokenStream {
    let args = parse_macro_input!(args as HandlerArgs);
    let item = parse_macro_input!(input as ItemImpl);
    server_handler::expand(args, item)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// The arguments of `#[server_handler(...)]`.
struct HandlerArgs {
    list_changed: Vec<Ident>,
    krate: Option<syn::Path>,
}

impl Parse for HandlerArgs {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut args = HandlerArgs {
            list_changed: Vec::new(),
            krate: None,
        };
        while !input.is_empty() {
            let key: Ident = input.parse()?;
            match key.to_string().as_str() {
                "list_changed" => {
                    let content;
                    syn::parenthesized!(content in input);
                    let names: Punctuated<Ident, Token![,]> =
                        content.parse_terminated(Ident::parse, Token![,])?;
                    for name in names {
                        if !matches!(name.to_string().as_str(), "tools" | "prompts" | "resources") {
                            return Err(syn::Error::new(
                                name.span(),
                                "expected `tools`, `prompts` or `resources` in `list_changed(...)`",
                            ));
                        }
                        args.list_changed.push(name);
                    }
                }
                "crate" => {
                    input.parse::<Token![=]>()?;
                    args.krate = Some(input.parse()?);
                }
                _ => {
                    return Err(syn::Error::new(
                        key.span(),
                        "unknown argument: expected `list_changed(tools, prompts, resources)` or `crate = path`",
                    ));
                }
            }
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        Ok(args)
    }
}

fn defined_methods(item: &ItemImpl) -> Vec<String> {
    item.items
        .iter()
        .filter_map(|i| match i {
            ImplItem::Fn(f) => Some(f.sig.ident.to_string()),
            _ => None,
        })
        .collect()
}

fn crate_path(args: &HandlerArgs) -> TokenStream2 {
    match &args.krate {
        Some(path) => quote!(#path),
        None => {
            let ident = Ident::new("mcp", Span::call_site());
            quote!(::#ident)
        }
    }
}
