//! What the FastMcp macros share: reading doc comments, parameters and return types, and
//! parsing `key = value` attribute arguments.

use std::collections::BTreeMap;

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{
    Attribute, Expr, ExprLit, FnArg, GenericArgument, Ident, Lit, LitStr, Pat, PathArguments,
    ReturnType, Signature, Token, Type,
};

/// The documentation of an item: the description, and the `# Arguments` list.
pub struct Docs {
    pub description: Option<String>,
    pub arguments: BTreeMap<String, String>,
}

/// Reads `///` comments: the text up to a `# Arguments` (or `# Parameters`) heading is the
/// description; the bullet list under that heading (`` * `name` - what it is ``) describes the
/// parameters, since Rust has no doc comments on parameters.
pub fn docs(attrs: &[Attribute]) -> Docs {
    let lines: Vec<String> = attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                Expr::Lit(ExprLit {
                    lit: Lit::Str(s), ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .flat_map(|s| {
            s.lines()
                .map(|l| l.strip_prefix(' ').unwrap_or(l).to_owned())
                .collect::<Vec<_>>()
        })
        .collect();
    let mut description = Vec::new();
    let mut arguments = BTreeMap::new();
    let mut in_arguments = false;
    let mut current: Option<String> = None;
    for line in lines {
        let trimmed = line.trim();
        if let Some(heading) = trimmed.strip_prefix('#') {
            let heading = heading.trim_start_matches('#').trim().to_ascii_lowercase();
            in_arguments = matches!(heading.as_str(), "arguments" | "parameters" | "args");
            current = None;
            if in_arguments {
                continue;
            }
        }
        if !in_arguments {
            description.push(line);
            continue;
        }
        if let Some(item) = trimmed.strip_prefix(['*', '-']) {
            let item = item.trim();
            let (name, rest) = match item.strip_prefix('`') {
                Some(after) => match after.split_once('`') {
                    Some((name, rest)) => (name.trim(), rest),
                    None => continue,
                },
                None => match item.split_once([' ', ':']) {
                    Some((name, rest)) => (name.trim(), rest),
                    None => (item, ""),
                },
            };
            let text = rest.trim().trim_start_matches([':', '-', '—', '–']).trim();
            arguments.insert(name.to_owned(), text.to_owned());
            current = Some(name.to_owned());
        } else if let (Some(name), false) = (&current, trimmed.is_empty()) {
            // A continuation line of the item above.
            let entry = arguments.entry(name.clone()).or_default();
            entry.push(' ');
            entry.push_str(trimmed);
        }
    }
    let description = description.join("\n").trim().to_owned();
    Docs {
        description: (!description.is_empty()).then_some(description),
        arguments,
    }
}

/// How a function takes the request context, if it does.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum ContextArg {
    ByValue,
    ByRef,
}

/// One parameter of a tool, resource or prompt function.
#[allow(clippy::large_enum_variant)] // a handful per function, at compile time
pub enum Param {
    /// The request context.
    Context(ContextArg),
    /// A data parameter: its name and type.
    Data(Ident, Type),
}

fn is_context(ty: &Type) -> Option<ContextArg> {
    match ty {
        Type::Reference(r) if r.mutability.is_none() => {
            is_context(&r.elem).map(|_| ContextArg::ByRef)
        }
        Type::Path(p) => p
            .path
            .segments
            .last()
            .filter(|s| s.ident == "Context" && s.arguments.is_empty())
            .map(|_| ContextArg::ByValue),
        _ => None,
    }
}

/// Reads the parameters of `sig`: plain names with owned types, and at most one `Context`.
/// `what` names the macro in errors. Receivers are left to the caller.
pub fn params(sig: &Signature, what: &str) -> syn::Result<Vec<Param>> {
    if !sig.generics.params.is_empty() {
        return Err(syn::Error::new(
            sig.generics.span(),
            format!(
                "a {what} function cannot be generic: its arguments are read from JSON, so their types must be known"
            ),
        ));
    }
    let mut params = Vec::new();
    let mut context_seen = false;
    for input in &sig.inputs {
        let FnArg::Typed(typed) = input else { continue };
        if let Some(kind) = is_context(&typed.ty) {
            if context_seen {
                return Err(syn::Error::new(
                    typed.span(),
                    "only one parameter can be the Context",
                ));
            }
            context_seen = true;
            params.push(Param::Context(kind));
            continue;
        }
        let Pat::Ident(pat) = &*typed.pat else {
            return Err(syn::Error::new(
                typed.pat.span(),
                format!(
                    "the parameters of a {what} function must be plain names: they are its argument names"
                ),
            ));
        };
        if let Type::Reference(r) = &*typed.ty {
            let hint = match &*r.elem {
                Type::Path(p) if p.path.is_ident("str") => "String instead of &str".to_owned(),
                Type::Slice(_) => "a Vec instead of a slice".to_owned(),
                other => format!("{} instead of a reference", quote!(#other)),
            };
            return Err(syn::Error::new(
                typed.ty.span(),
                format!(
                    "a {what} function takes owned arguments (they are parsed from JSON): use {hint}"
                ),
            ));
        }
        if matches!(&*typed.ty, Type::ImplTrait(_)) {
            return Err(syn::Error::new(
                typed.ty.span(),
                format!("a {what} function cannot take `impl Trait`: name the type"),
            ));
        }
        params.push(Param::Data(pat.ident.clone(), (*typed.ty).clone()));
    }
    Ok(params)
}

/// The return type and, for `Result<T, E>`, its `T`.
pub struct Output {
    /// The type the value converts from (`T` of a `Result`, else the whole type).
    pub value: Type,
    /// Whether the function returns a `Result`.
    pub fallible: bool,
}

/// Reads the return type.
pub fn output(sig: &Signature, what: &str) -> syn::Result<Output> {
    let ty = match &sig.output {
        ReturnType::Default => syn::parse_quote!(()),
        ReturnType::Type(_, ty) => (**ty).clone(),
    };
    if matches!(ty, Type::ImplTrait(_)) {
        return Err(syn::Error::new(
            ty.span(),
            format!("a {what} function must return a named type, not `impl Trait`"),
        ));
    }
    if let Some(inner) = generic_arg(&ty, "Result") {
        return Ok(Output {
            value: inner,
            fallible: true,
        });
    }
    Ok(Output {
        value: ty,
        fallible: false,
    })
}

/// The first type argument of `ty` when its last path segment is `name` (`Option<T>`,
/// `Result<T, E>`).
pub fn generic_arg(ty: &Type, name: &str) -> Option<Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    args.args.iter().find_map(|a| match a {
        GenericArgument::Type(t) => Some(t.clone()),
        _ => None,
    })
}

/// The call expression's arguments: the context and each data parameter read from `args`.
pub fn call_args(params: &[Param], cx: &Ident, args: &Ident) -> Vec<TokenStream> {
    params
        .iter()
        .map(|p| match p {
            Param::Context(ContextArg::ByValue) => quote!(::std::clone::Clone::clone(&#cx)),
            Param::Context(ContextArg::ByRef) => quote!(&#cx),
            Param::Data(name, _) => quote!(#args.#name),
        })
        .collect()
}

/// The struct holding a function's data parameters, derived for serde and schemars through
/// the `mcp` crate's re-exports, with the parameter descriptions from the docs.
pub fn args_struct(name: &Ident, params: &[Param], docs: &Docs) -> TokenStream {
    let fields = params.iter().filter_map(|p| match p {
        Param::Data(ident, ty) => {
            let description = docs
                .arguments
                .get(&ident.to_string())
                .map(|d| quote!(#[schemars(description = #d)]));
            Some(quote! {
                #description
                pub #ident: #ty,
            })
        }
        Param::Context(_) => None,
    });
    // No doc comment: schemars would put it in the input schema, where it says nothing useful.
    quote! {
        #[allow(missing_docs)]
        #[derive(::mcp::fastmcp::__private::serde::Deserialize, ::mcp::fastmcp::__private::schemars::JsonSchema)]
        #[serde(crate = "::mcp::fastmcp::__private::serde")]
        #[schemars(crate = "::mcp::fastmcp::__private::schemars")]
        pub struct #name {
            #(#fields)*
        }
    }
}

/// Turns the function's return value `value` into `mcp::Result<CallToolResult>`.
pub fn tool_output(output: &Output, value: &TokenStream) -> TokenStream {
    let ty = &output.value;
    let convert = |v: TokenStream| {
        quote! {{
            #[allow(unused_imports)]
            use ::mcp::fastmcp::__private::{ContentTag as _, StructuredTag as _};
            #[allow(clippy::needless_borrow)]
            let __kind = (&&::mcp::fastmcp::__private::Probe::<#ty>::new()).tool_kind();
            __kind.output::<#ty>(#v)
        }}
    };
    if output.fallible {
        let ok = convert(quote!(__ok));
        quote! {
            match #value {
                ::std::result::Result::Ok(__ok) => #ok,
                ::std::result::Result::Err(__err) => ::mcp::fastmcp::tool_error(__err),
            }
        }
    } else {
        convert(value.clone())
    }
}

/// The output schema of a tool returning `output`.
pub fn tool_output_schema(output: &Output) -> TokenStream {
    let ty = &output.value;
    quote! {{
        #[allow(unused_imports)]
        use ::mcp::fastmcp::__private::{ContentTag as _, StructuredTag as _};
        #[allow(clippy::needless_borrow)]
        let __kind = (&&::mcp::fastmcp::__private::Probe::<#ty>::new()).tool_kind();
        __kind.schema::<#ty>()
    }}
}

/// `key = "value"`, `key = true`, or a bare `flag`.
pub struct MetaArg {
    pub key: Ident,
    pub value: Option<Expr>,
}

impl Parse for MetaArg {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let key: Ident = input.parse()?;
        let value = if input.peek(Token![=]) {
            input.parse::<Token![=]>()?;
            Some(input.parse()?)
        } else {
            None
        };
        Ok(Self { key, value })
    }
}

/// The arguments of an attribute: an optional leading string literal, then `key = value`s.
pub struct AttrArgs {
    pub literal: Option<LitStr>,
    pub items: Vec<MetaArg>,
}

impl Parse for AttrArgs {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let literal = if input.peek(LitStr) {
            let lit: LitStr = input.parse()?;
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
            Some(lit)
        } else {
            None
        };
        let items: Punctuated<MetaArg, Token![,]> = Punctuated::parse_terminated(input)?;
        Ok(Self {
            literal,
            items: items.into_iter().collect(),
        })
    }
}

impl AttrArgs {
    /// Fails on a key not in `known`, naming the known ones.
    pub fn check(&self, what: &str, known: &[&str]) -> syn::Result<()> {
        for item in &self.items {
            if !known.contains(&item.key.to_string().as_str()) {
                return Err(syn::Error::new(
                    item.key.span(),
                    format!(
                        "unknown argument `{}` of #[{what}]: expected one of {}",
                        item.key,
                        known.join(", ")
                    ),
                ));
            }
        }
        Ok(())
    }

    /// `task` (a task if the client can), `task = "optional"` or `task = "required"`: the
    /// variant of `TaskSupport` to declare.
    pub fn task_support(&self) -> syn::Result<Option<proc_macro2::Ident>> {
        let Some(item) = self.items.iter().find(|i| i.key == "task") else {
            return Ok(None);
        };
        let value = match &item.value {
            None => "optional".to_owned(),
            Some(Expr::Lit(ExprLit {
                lit: Lit::Str(s), ..
            })) => s.value(),
            Some(_) => String::new(),
        };
        let variant = match value.as_str() {
            "optional" => "Optional",
            "required" => "Required",
            _ => {
                return Err(syn::Error::new(
                    item.key.span(),
                    "`task` takes nothing, \"optional\" or \"required\": #[mcp::tool(task)], #[mcp::tool(task = \"required\")]",
                ));
            }
        };
        Ok(Some(proc_macro2::Ident::new(variant, item.key.span())))
    }

    /// A string argument.
    pub fn string(&self, key: &str) -> syn::Result<Option<String>> {
        match self.items.iter().find(|i| i.key == key) {
            None => Ok(None),
            Some(MetaArg {
                value:
                    Some(Expr::Lit(ExprLit {
                        lit: Lit::Str(s), ..
                    })),
                ..
            }) => Ok(Some(s.value())),
            Some(item) => Err(syn::Error::new(
                item.key.span(),
                format!("`{key}` takes a string: {key} = \"...\""),
            )),
        }
    }

    /// A boolean argument: `flag`, `flag = true` or `flag = false`.
    pub fn flag(&self, key: &str) -> syn::Result<Option<bool>> {
        match self.items.iter().find(|i| i.key == key) {
            None => Ok(None),
            Some(MetaArg { value: None, .. }) => Ok(Some(true)),
            Some(MetaArg {
                value:
                    Some(Expr::Lit(ExprLit {
                        lit: Lit::Bool(b), ..
                    })),
                ..
            }) => Ok(Some(b.value)),
            Some(item) => Err(syn::Error::new(
                item.key.span(),
                format!("`{key}` takes true or false, or stands alone"),
            )),
        }
    }
}

/// `slow_add` → `SlowAddArgs`.
pub fn args_type_name(method: &Ident) -> Ident {
    let camel: String = method
        .to_string()
        .split('_')
        .filter(|s| !s.is_empty())
        .map(|s| {
            let mut chars = s.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect();
    format_ident!("{}Args", camel, span = Span::call_site())
}

/// The `.with_*` calls that put name-independent metadata on a `ToolDef`.
pub fn tool_metadata(args: &AttrArgs, docs: &Docs) -> syn::Result<TokenStream> {
    let mut calls = TokenStream::new();
    if let Some(description) = args
        .string("description")?
        .or_else(|| docs.description.clone())
    {
        calls.extend(quote!(.with_description(#description)));
    }
    if let Some(title) = args.string("title")? {
        calls.extend(quote!(.with_title(#title)));
    }
    let hints = [
        ("read_only", quote!(read_only_hint)),
        ("destructive", quote!(destructive_hint)),
        ("idempotent", quote!(idempotent_hint)),
        ("open_world", quote!(open_world_hint)),
    ];
    let mut set = Vec::new();
    for (key, field) in hints {
        if let Some(value) = args.flag(key)? {
            set.push(quote!(__annotations.#field = ::std::option::Option::Some(#value);));
        }
    }
    if !set.is_empty() {
        calls.extend(quote!(.with_annotations({
            let mut __annotations = ::mcp::types::ToolAnnotations::default();
            #(#set)*
            __annotations
        })));
    }
    if let Some(support) = args.task_support()? {
        calls.extend(quote!(.with_task_support(::mcp::types::TaskSupport::#support)));
    }
    if args.flag("defer_task")? == Some(true) {
        if args.task_support()?.is_none() {
            let item = args.items.iter().find(|i| i.key == "defer_task");
            return Err(syn::Error::new(
                item.map_or_else(proc_macro2::Span::call_site, |i| i.key.span()),
                "`defer_task` needs `task` (or `task = \"required\"`): only a tool that runs as a task can defer the switch",
            ));
        }
        calls.extend(quote!(.with_deferred_task()));
    }
    Ok(calls)
}

/// The attribute keys `#[tool]` and the `#[tool]` of `#[tools]` take.
pub const TOOL_KEYS: &[&str] = &[
    "name",
    "title",
    "description",
    "read_only",
    "destructive",
    "idempotent",
    "open_world",
    "task",
    "defer_task",
];
