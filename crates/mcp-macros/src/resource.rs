//! `#[resource("uri")]` on a function: a static resource, or a template when the URI has
//! `{variables}` (one function parameter per variable, parsed into its type).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::spanned::Spanned;
use syn::{FnArg, ItemFn, LitStr};

use crate::common::{AttrArgs, ContextArg, Param, docs, output, params};

const KEYS: &[&str] = &["name", "title", "description", "mime_type"];

/// The variables of a URI template (`{name}` and `{+name}`), checked the way the runtime parses
/// them.
fn template_variables(uri: &LitStr) -> syn::Result<Vec<String>> {
    let source = uri.value();
    let mut vars = Vec::new();
    let mut rest = source.as_str();
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let close = after
            .find('}')
            .ok_or_else(|| syn::Error::new(uri.span(), "unclosed `{` in the URI template"))?;
        let name = after[..close].trim_start_matches('+');
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(syn::Error::new(
                uri.span(),
                format!(
                    "`{{{}}}`: a template variable is letters, digits and `_`, optionally after `+`",
                    &after[..close]
                ),
            ));
        }
        if vars.iter().any(|v| v == name) {
            return Err(syn::Error::new(
                uri.span(),
                format!("the URI template names `{name}` twice"),
            ));
        }
        vars.push(name.to_owned());
        rest = &after[close + 1..];
    }
    Ok(vars)
}

pub fn expand(args: AttrArgs, item: ItemFn) -> syn::Result<TokenStream> {
    args.check("mcp::resource", KEYS)?;
    let uri = args.literal.clone().ok_or_else(|| {
        syn::Error::new(
            item.sig.ident.span(),
            "#[mcp::resource] needs the resource's URI first: #[mcp::resource(\"config://app\")] or a template such as #[mcp::resource(\"users://{user_id}/profile\")]",
        )
    })?;
    if let Some(FnArg::Receiver(receiver)) = item.sig.inputs.first() {
        return Err(syn::Error::new(
            receiver.span(),
            "#[mcp::resource] is for free functions",
        ));
    }
    let sig = &item.sig;
    let params = params(sig, "resource")?;
    let output = output(sig, "resource")?;
    let docs = docs(&item.attrs);
    let vars = template_variables(&uri)?;

    // Every data parameter is a template variable, and every variable has a parameter.
    let data: Vec<(&syn::Ident, &syn::Type)> = params
        .iter()
        .filter_map(|p| match p {
            Param::Data(name, ty) => Some((name, ty)),
            Param::Context(_) => None,
        })
        .collect();
    for (name, _) in &data {
        if !vars.iter().any(|v| *name == v) {
            return Err(syn::Error::new(
                name.span(),
                format!(
                    "parameter `{name}` is not a variable of the URI template {:?}: a resource function's parameters are filled from the URI",
                    uri.value()
                ),
            ));
        }
    }
    for var in &vars {
        if !data.iter().any(|(name, _)| *name == var) {
            return Err(syn::Error::new(
                sig.ident.span(),
                format!(
                    "the URI template variable `{var}` has no parameter: add `{var}: String` (or another type that parses from text)"
                ),
            ));
        }
    }

    let fn_name = &sig.ident;
    let vis = &item.vis;
    let name = args.string("name")?.unwrap_or_else(|| fn_name.to_string());
    let cx = format_ident!("__cx");
    let call_args: Vec<TokenStream> = params
        .iter()
        .map(|p| match p {
            Param::Context(ContextArg::ByValue) => quote!(::std::clone::Clone::clone(&#cx)),
            Param::Context(ContextArg::ByRef) => quote!(&#cx),
            Param::Data(name, _) => quote!(#name),
        })
        .collect();
    let parse_vars = data.iter().map(|(name, ty)| {
        let key = name.to_string();
        quote!(let #name: #ty = ::mcp::fastmcp::parse_variable(&__vars, #key, &__uri)?;)
    });
    let call = if sig.asyncness.is_some() {
        quote!(super::#fn_name(#(#call_args),*).await)
    } else {
        quote!(super::#fn_name(#(#call_args),*))
    };
    let ty = &output.value;
    let mime = match args.string("mime_type")? {
        Some(mime) => quote!(::std::option::Option::Some(#mime)),
        None => quote!(::std::option::Option::None),
    };
    let kind = quote! {{
        #[allow(unused_imports)]
        use ::mcp::fastmcp::__private::{ContentsTag as _, JsonContentsTag as _};
        #[allow(clippy::needless_borrow)]
        let __kind = (&&::mcp::fastmcp::__private::Probe::<#ty>::new()).resource_kind();
        __kind
    }};
    let contents = if output.fallible {
        quote! {
            match __value {
                ::std::result::Result::Ok(__ok) => #kind.contents::<#ty>(__ok, &__uri, #mime),
                ::std::result::Result::Err(__err) => ::std::result::Result::Err(::mcp::fastmcp::__private::resource_error(__err, &__uri)),
            }
        }
    } else {
        quote!(#kind.contents::<#ty>(__value, &__uri, #mime))
    };
    let announced_mime = match args.string("mime_type")? {
        Some(mime) => quote!(#mime),
        None => quote!(#kind.mime_type::<#ty>()),
    };
    let mut metadata = TokenStream::new();
    if let Some(description) = args.string("description")?.or(docs.description) {
        metadata.extend(quote!(.with_description(#description)));
    }
    if let Some(title) = args.string("title")? {
        metadata.extend(quote!(.with_title(#title)));
    }

    let def = if vars.is_empty() {
        quote! {
            let __uri: ::std::string::String = ::std::string::ToString::to_string(#uri);
            ::mcp::fastmcp::ResourceEntry::from(
                ::mcp::fastmcp::ResourceDef::from_parts(
                    ::mcp::types::Resource::new(#uri, #name).with_mime_type(#announced_mime),
                    ::std::sync::Arc::new(move |#cx: ::mcp::fastmcp::Context| {
                        let __uri = ::std::clone::Clone::clone(&__uri);
                        ::std::boxed::Box::pin(async move {
                            let __value = #call;
                            #contents
                        })
                    }),
                )
                #metadata
            )
        }
    } else {
        quote! {
            ::mcp::fastmcp::ResourceEntry::from(
                ::mcp::fastmcp::ResourceTemplateDef::from_parts(
                    ::mcp::types::ResourceTemplate::new(#uri, #name).with_mime_type(#announced_mime),
                    ::std::sync::Arc::new(
                        move |#cx: ::mcp::fastmcp::Context, __uri: ::std::string::String, __vars: ::std::collections::BTreeMap<::std::string::String, ::std::string::String>| {
                            ::std::boxed::Box::pin(async move {
                                #(#parse_vars)*
                                let __value = #call;
                                #contents
                            })
                        },
                    ),
                )
                .expect("the URI template was checked by #[mcp::resource]")
                #metadata
            )
        }
    };
    let module_doc = format!(
        "The MCP resource made from [`{fn_name}()`]: register it with `mcp.add_resource({fn_name}::resource())`."
    );
    Ok(quote! {
        #item

        #[doc = #module_doc]
        #[allow(clippy::all, missing_docs, non_camel_case_types, unused_imports)]
        #vis mod #fn_name {
            use super::*;

            /// The resource's definition, for `FastMcp::add_resource`.
            pub fn resource() -> ::mcp::fastmcp::ResourceEntry {
                #def
            }
        }
    })
}
