//! `#[server_handler]`: capabilities derived from the methods an impl block defines.
//!
//! Which method declares which capability is the `mcp` crate's knowledge (its table of the
//! requests a handler answers): the impl's method names go to `derive_capabilities` there, and
//! a `const` checks `list_changed(...)` against them at compile time.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::{ItemImpl, LitStr, parse_quote};

use crate::{HandlerArgs, crate_path, defined_methods};

pub fn expand(args: HandlerArgs, mut item: ItemImpl) -> syn::Result<TokenStream> {
    let trait_name = item
        .trait_
        .as_ref()
        .and_then(|(_, path, _)| path.segments.last())
        .map(|s| s.ident.to_string());
    if trait_name.as_deref() != Some("ServerHandler") {
        return Err(syn::Error::new_spanned(
            &item.self_ty,
            "#[server_handler] goes on an `impl ServerHandler for YourType` block",
        ));
    }
    let methods = defined_methods(&item);
    if methods.iter().any(|m| m == "capabilities") {
        return Err(syn::Error::new_spanned(
            &item.self_ty,
            "this impl already defines `capabilities`: remove it to have #[server_handler] derive it, or remove #[server_handler]",
        ));
    }
    let krate = crate_path(&args);
    let methods = methods.iter().map(|m| LitStr::new(m, Span::call_site()));
    let list_changed = args
        .list_changed
        .iter()
        .map(|kind| LitStr::new(&kind.to_string(), kind.span()));
    item.items.push(parse_quote! {
        fn capabilities(&self) -> #krate::types::ServerCapabilities {
            const DEFINED: &[&str] = &[#(#methods),*];
            const LIST_CHANGED: &[&str] = &[#(#list_changed),*];
            const _: () = #krate::server::check_list_changed(DEFINED, LIST_CHANGED);
            #krate::server::derive_capabilities(DEFINED, LIST_CHANGED)
        }
    });
    Ok(quote!(#item))
}
