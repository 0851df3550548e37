//! `#[server_handler]`: capabilities derived from the methods an impl block defines.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{ItemImpl, parse_quote};

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
    let has = |names: &[&str]| methods.iter().any(|m| names.contains(&m.as_str()));
    let list_changed = |what: &str| args.list_changed.iter().any(|i| i == what);
    let krate = crate_path(&args);

    let flag = |on: bool| -> TokenStream {
        if on {
            quote!(::core::option::Option::Some(true))
        } else {
            quote!(::core::option::Option::None)
        }
    };
    let tools = if has(&["list_tools", "call_tool"]) {
        let lc = flag(list_changed("tools"));
        quote!(::core::option::Option::Some(#krate::types::ToolsCapability { list_changed: #lc }))
    } else {
        quote!(::core::option::Option::None)
    };
    let prompts = if has(&["list_prompts", "get_prompt"]) {
        let lc = flag(list_changed("prompts"));
        quote!(::core::option::Option::Some(#krate::types::PromptsCapability { list_changed: #lc }))
    } else {
        quote!(::core::option::Option::None)
    };
    let resources = if has(&[
        "list_resources",
        "read_resource",
        "list_resource_templates",
        "subscribe",
    ]) {
        let lc = flag(list_changed("resources"));
        let sub = flag(has(&["subscribe"]));
        quote!(::core::option::Option::Some(#krate::types::ResourcesCapability { list_changed: #lc, subscribe: #sub }))
    } else {
        quote!(::core::option::Option::None)
    };
    let completions = if has(&["complete"]) {
        quote!(::core::option::Option::Some(
            ::core::default::Default::default()
        ))
    } else {
        quote!(::core::option::Option::None)
    };
    for (name, on) in [
        ("tools", has(&["list_tools", "call_tool"])),
        ("prompts", has(&["list_prompts", "get_prompt"])),
        (
            "resources",
            has(&["list_resources", "read_resource", "list_resource_templates"]),
        ),
    ] {
        if list_changed(name) && !on {
            let ident = args
                .list_changed
                .iter()
                .find(|i| *i == name)
                .expect("present");
            return Err(syn::Error::new(
                ident.span(),
                format!("`list_changed({name})` needs the impl to define the {name} methods"),
            ));
        }
    }

    item.items.push(parse_quote! {
        fn capabilities(&self) -> #krate::types::ServerCapabilities {
            #krate::types::ServerCapabilities {
                tools: #tools,
                prompts: #prompts,
                resources: #resources,
                completions: #completions,
                logging: ::core::option::Option::Some(::core::default::Default::default()),
                ..::core::default::Default::default()
            }
        }
    });
    Ok(quote!(#item))
}
