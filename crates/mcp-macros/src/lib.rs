//! Procedural macros for the `mcp` crate. Use them through `mcp` (`#[mcp::server_handler]`),
//! not directly.

use proc_macro::TokenStream;
use proc_macro2::{Span, TokenStream as TokenStream2};
use quote::quote;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Ident, ImplItem, ItemImpl, Token, parse_macro_input};

mod server_handler;

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
