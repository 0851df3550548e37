//! `#[prompt]` on a function: its parameters are the prompt's arguments (required unless
//! `Option`), parsed from text into their types.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::spanned::Spanned;
use syn::{FnArg, ItemFn};

use crate::common::{AttrArgs, ContextArg, Param, docs, generic_arg, params};

const KEYS: &[&str] = &["name", "title", "description"];

pub fn expand(args: AttrArgs, item: ItemFn) -> syn::Result<TokenStream> {
    args.check("mcp::prompt", KEYS)?;
    if let Some(literal) = &args.literal {
        return Err(syn::Error::new(
            literal.span(),
            "#[mcp::prompt] takes `name = \"...\"`, not a bare string",
        ));
    }
    if let Some(FnArg::Receiver(receiver)) = item.sig.inputs.first() {
        return Err(syn::Error::new(
            receiver.span(),
            "#[mcp::prompt] is for free functions",
        ));
    }
    let sig = &item.sig;
    let params = params(sig, "prompt")?;
    let docs = docs(&item.attrs);
    let fn_name = &sig.ident;
    let vis = &item.vis;
    let name = args.string("name")?.unwrap_or_else(|| fn_name.to_string());
    let cx = format_ident!("__cx");

    let mut arguments = Vec::new();
    let mut reads = Vec::new();
    let mut call_args = Vec::new();
    for param in &params {
        match param {
            Param::Context(ContextArg::ByValue) => {
                call_args.push(quote!(::std::clone::Clone::clone(&#cx)))
            }
            Param::Context(ContextArg::ByRef) => call_args.push(quote!(&#cx)),
            Param::Data(ident, ty) => {
                let key = ident.to_string();
                let (inner, required) = match generic_arg(ty, "Option") {
                    Some(inner) => (inner, false),
                    None => (ty.clone(), true),
                };
                let mut argument = quote!(::mcp::types::PromptArgument::new(#key));
                if let Some(description) = docs.arguments.get(&key) {
                    argument.extend(quote!(.with_description(#description)));
                }
                if required {
                    argument.extend(quote!(.required()));
                    reads.push(quote! {
                        let #ident: #inner = match ::mcp::fastmcp::__private::prompt_argument::<#inner>(&__arguments, #key, #name)? {
                            ::std::option::Option::Some(__v) => __v,
                            ::std::option::Option::None => {
                                return ::std::result::Result::Err(::mcp::fastmcp::__private::missing_prompt_argument(#key, #name));
                            }
                        };
                    });
                } else {
                    reads.push(quote! {
                        let #ident: ::std::option::Option<#inner> =
                            ::mcp::fastmcp::__private::prompt_argument::<#inner>(&__arguments, #key, #name)?;
                    });
                }
                arguments.push(argument);
                call_args.push(quote!(#ident));
            }
        }
    }
    let call = if sig.asyncness.is_some() {
        quote!(super::#fn_name(#(#call_args),*).await)
    } else {
        quote!(super::#fn_name(#(#call_args),*))
    };
    let mut metadata = TokenStream::new();
    if let Some(description) = args.string("description")?.or(docs.description) {
        metadata.extend(quote!(.with_description(#description)));
    }
    if let Some(title) = args.string("title")? {
        metadata.extend(quote!(.with_title(#title)));
    }
    let module_doc = format!(
        "The MCP prompt made from [`{fn_name}()`]: register it with `mcp.add_prompt({fn_name}::prompt())`."
    );
    Ok(quote! {
        #item

        #[doc = #module_doc]
        #[allow(clippy::all, missing_docs, non_camel_case_types, unused_imports)]
        #vis mod #fn_name {
            use super::*;

            /// The prompt's definition, for `FastMcp::add_prompt`.
            pub fn prompt() -> ::mcp::fastmcp::PromptDef {
                ::mcp::fastmcp::PromptDef::with_context(
                    #name,
                    ::std::vec![#(#arguments),*],
                    |#cx: ::mcp::fastmcp::Context, __arguments: ::std::collections::BTreeMap<::std::string::String, ::std::string::String>| async move {
                        #(#reads)*
                        let __value = #call;
                        ::mcp::fastmcp::IntoPromptResult::into_prompt_result(__value)
                    },
                )
                #metadata
            }
        }
    })
}
