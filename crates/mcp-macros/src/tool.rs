//! `#[tool]` on a function, and `#[tools]` on an `impl` block.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::spanned::Spanned;
use syn::{FnArg, ImplItem, ImplItemFn, ItemFn, ItemImpl, Type};

use crate::common::{
    AttrArgs, Output, Param, TOOL_KEYS, args_struct, args_type_name, call_args, docs, output,
    params, tool_metadata, tool_output, tool_output_schema,
};

/// `#[tool]` on a free function: keeps the function, and adds a module of the same name with
/// `Args` and `tool()`.
pub fn expand_fn(args: AttrArgs, item: ItemFn) -> syn::Result<TokenStream> {
    args.check("mcp::tool", TOOL_KEYS)?;
    if let Some(literal) = &args.literal {
        return Err(syn::Error::new(
            literal.span(),
            "#[mcp::tool] takes `name = \"...\"`, not a bare string",
        ));
    }
    if let Some(FnArg::Receiver(receiver)) = item.sig.inputs.first() {
        return Err(syn::Error::new(
            receiver.span(),
            "#[mcp::tool] is for free functions; for methods put #[mcp::tools] on the impl block and #[tool] on each method",
        ));
    }
    let sig = &item.sig;
    let params = params(sig, "tool")?;
    let output = output(sig, "tool")?;
    let docs = docs(&item.attrs);
    let fn_name = &sig.ident;
    let vis = &item.vis;
    let name = args.string("name")?.unwrap_or_else(|| fn_name.to_string());
    let metadata = tool_metadata(&args, &docs)?;
    let args_ident = format_ident!("Args");
    let args_struct = args_struct(&args_ident, &params, &docs);
    let cx = format_ident!("__cx");
    let arg_values = format_ident!("__args");
    let call_args = call_args(&params, &cx, &arg_values);
    let call = if sig.asyncness.is_some() {
        quote!(super::#fn_name(#(#call_args),*).await)
    } else {
        quote!(super::#fn_name(#(#call_args),*))
    };
    let convert = tool_output(&output, &quote!(__value));
    let schema = tool_output_schema(&output);
    let module_doc = format!(
        "The MCP tool made from [`{fn_name}()`]: register it with `mcp.add_tool({fn_name}::tool())`."
    );
    Ok(quote! {
        #item

        #[doc = #module_doc]
        #[allow(clippy::all, missing_docs, non_camel_case_types, unused_imports)]
        #vis mod #fn_name {
            use super::*;

            #args_struct

            /// The tool's definition, for `FastMcp::add_tool`.
            pub fn tool() -> ::mcp::fastmcp::ToolDef {
                ::mcp::fastmcp::ToolDef::with_context(#name, |#cx: ::mcp::fastmcp::Context, #arg_values: #args_ident| async move {
                    let __value = #call;
                    #convert
                })
                .with_output_schema(#schema)
                #metadata
            }
        }
    })
}

/// `#[tools]` on an `impl` block: every method marked `#[tool]` becomes a tool of the type's
/// `ToolGroup` implementation.
pub fn expand_impl(args: AttrArgs, mut item: ItemImpl) -> syn::Result<TokenStream> {
    args.check("mcp::tools", &[])?;
    if let Some(literal) = &args.literal {
        return Err(syn::Error::new(
            literal.span(),
            "#[mcp::tools] takes no arguments: the prefix is given when the group is added (mcp.add_group(\"math\", group))",
        ));
    }
    if item.trait_.is_some() {
        return Err(syn::Error::new(
            item.impl_token.span(),
            "#[mcp::tools] goes on an inherent impl block (`impl MyGroup { ... }`), not a trait impl",
        ));
    }
    if !item.generics.params.is_empty() {
        return Err(syn::Error::new(
            item.generics.span(),
            "#[mcp::tools] cannot be used on a generic impl block",
        ));
    }
    let self_ty = item.self_ty.clone();
    let type_name = match &*self_ty {
        Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
    .ok_or_else(|| syn::Error::new(self_ty.span(), "#[mcp::tools] needs a named type"))?;
    let module = format_ident!("__mcp_tools_of_{}", type_name);

    let mut structs = Vec::new();
    let mut defs = Vec::new();
    for impl_item in &mut item.items {
        let ImplItem::Fn(method) = impl_item else {
            continue;
        };
        let Some(position) = method.attrs.iter().position(is_tool_attr) else {
            continue;
        };
        let attr = method.attrs.remove(position);
        let tool_args: AttrArgs = match &attr.meta {
            syn::Meta::Path(_) => AttrArgs {
                literal: None,
                items: Vec::new(),
            },
            _ => attr.parse_args()?,
        };
        tool_args.check("tool", TOOL_KEYS)?;
        let (args_struct, def) = method_tool(&module, &tool_args, method)?;
        structs.push(args_struct);
        defs.push(def);
    }
    if defs.is_empty() {
        return Err(syn::Error::new(
            item.impl_token.span(),
            "#[mcp::tools] found no method marked #[tool] in this impl block",
        ));
    }
    Ok(quote! {
        #item

        #[doc(hidden)]
        #[allow(clippy::all, missing_docs, non_snake_case, unused_imports)]
        mod #module {
            use super::*;
            #(#structs)*
        }

        impl ::mcp::fastmcp::ToolGroup for #self_ty {
            fn tools(self: ::std::sync::Arc<Self>, prefix: &str) -> ::std::vec::Vec<::mcp::fastmcp::ToolDef> {
                ::std::vec![#(#defs),*]
            }
        }
    })
}

fn is_tool_attr(attr: &syn::Attribute) -> bool {
    let path = attr.path();
    path.is_ident("tool")
        || (path.segments.len() == 2
            && path.segments[0].ident == "mcp"
            && path.segments[1].ident == "tool")
}

/// The arguments struct and the `ToolDef` expression of one `#[tool]` method.
fn method_tool(
    module: &syn::Ident,
    args: &AttrArgs,
    method: &ImplItemFn,
) -> syn::Result<(TokenStream, TokenStream)> {
    let sig = &method.sig;
    // `&self`, or `self: Arc<Self>` (which gets its own clone of the group).
    let by_ref = match sig.inputs.first() {
        Some(FnArg::Receiver(r)) if r.reference.is_some() && r.mutability.is_none() => true,
        Some(FnArg::Receiver(r)) if r.colon_token.is_some() && r.reference.is_none() => false,
        _ => {
            return Err(syn::Error::new(
                sig.span(),
                "a #[tool] method takes `&self` (or `self: Arc<Self>`): the group is shared by all its tools",
            ));
        }
    };
    let params: Vec<Param> = params(sig, "tool")?;
    let output: Output = output(sig, "tool")?;
    let docs = docs(&method.attrs);
    let method_name = &sig.ident;
    let name = args
        .string("name")?
        .unwrap_or_else(|| method_name.to_string());
    let metadata = tool_metadata(args, &docs)?;
    let args_ident = args_type_name(method_name);
    let args_struct = crate::common::args_struct(&args_ident, &params, &docs);
    let cx = format_ident!("__cx");
    let arg_values = format_ident!("__args");
    let call_args = call_args(&params, &cx, &arg_values);
    let call = match (sig.asyncness.is_some(), by_ref) {
        (true, true) => quote!(__this.#method_name(#(#call_args),*).await),
        (true, false) => {
            quote!(::std::clone::Clone::clone(&__this).#method_name(#(#call_args),*).await)
        }
        (false, true) => quote!(__this.#method_name(#(#call_args),*)),
        (false, false) => quote!(::std::clone::Clone::clone(&__this).#method_name(#(#call_args),*)),
    };
    let convert = tool_output(&output, &quote!(__value));
    let schema = tool_output_schema(&output);
    let def = quote! {{
        let __group = ::std::clone::Clone::clone(&self);
        ::mcp::fastmcp::ToolDef::with_context(
            ::mcp::fastmcp::__private::prefixed(prefix, #name),
            move |#cx: ::mcp::fastmcp::Context, #arg_values: #module::#args_ident| {
                let __this = ::std::clone::Clone::clone(&__group);
                async move {
                    let __value = #call;
                    #convert
                }
            },
        )
        .with_output_schema(#schema)
        #metadata
    }};
    Ok((args_struct, def))
}
