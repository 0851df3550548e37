//! Crate-internal macros that stamp out the repetitive parts of the protocol types: message kinds,
//! message unions, open string enums and the common result fields.

/// Defines one request kind: a struct holding the params that (de)serializes as
/// `{"method": ..., "params": {...}}` and implements [`crate::Request`].
///
/// `optional` means some protocol version lets the params be left out: they are accepted when
/// absent (as their `Default`) and left out of the wire form when empty. `required` means every
/// version that knows the method requires them.
macro_rules! request_kind {
    (
        $(#[$attr:meta])*
        $name:ident = $method:literal,
        params: $params:ty,
        result: $result:ty,
        $presence:ident $(,)?
    ) => {
        $(#[$attr])*
        #[derive(Debug, Clone, PartialEq)]
        pub struct $name {
            /// The request's parameters.
            pub params: $params,
        }

        impl $crate::request::Request for $name {
            const METHOD: &'static str = $method;
            type Params = $params;
            type Result = $result;

            fn from_params(params: $params) -> Self {
                Self { params }
            }
            fn params(&self) -> &$params {
                &self.params
            }
            fn params_mut(&mut self) -> &mut $params {
                &mut self.params
            }
            fn into_params(self) -> $params {
                self.params
            }
        }

        impl From<$params> for $name {
            fn from(params: $params) -> Self {
                Self { params }
            }
        }

        message_kind_serde!($name, $method, $presence);
    };
}

/// Defines one notification kind, like [`request_kind!`] but implementing
/// [`crate::Notification`].
macro_rules! notification_kind {
    (
        $(#[$attr:meta])*
        $name:ident = $method:literal,
        params: $params:ty,
        $presence:ident $(,)?
    ) => {
        $(#[$attr])*
        #[derive(Debug, Clone, PartialEq)]
        pub struct $name {
            /// The notification's parameters.
            pub params: $params,
        }

        impl $crate::request::Notification for $name {
            const METHOD: &'static str = $method;
            type Params = $params;

            fn from_params(params: $params) -> Self {
                Self { params }
            }
            fn params(&self) -> &$params {
                &self.params
            }
            fn params_mut(&mut self) -> &mut $params {
                &mut self.params
            }
            fn into_params(self) -> $params {
                self.params
            }
        }

        impl From<$params> for $name {
            fn from(params: $params) -> Self {
                Self { params }
            }
        }

        message_kind_serde!($name, $method, $presence);
    };
}

/// Serialize/Deserialize for one message kind keyed on its method.
macro_rules! message_kind_serde {
    ($name:ident, $method:literal, $presence:ident) => {
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                $crate::request::serialize_message(
                    serializer,
                    $method,
                    message_kind_serde!(@params $presence, &self.params),
                )
            }
        }

        impl $crate::request::MethodDispatch for $name {
            const EXPECTING: &'static str = concat!("a `", $method, "` message");

            fn dispatch<D: $crate::request::ParamsDecoder>(
                method: &str,
                params: D,
            ) -> Result<Self, D::Error> {
                if method != $method {
                    return Err(<D::Error as ::serde::de::Error>::invalid_value(
                        ::serde::de::Unexpected::Str(method),
                        &$method,
                    ));
                }
                Ok(Self {
                    params: message_kind_serde!(@decode $presence, params),
                })
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $crate::request::deserialize_by_method(deserializer)
            }
        }
    };
    (@params required, $params:expr) => {
        Some($params)
    };
    (@params optional, $params:expr) => {{
        let params = $params;
        if params.is_empty() { None } else { Some(params) }
    }};
    (@decode required, $decoder:ident) => {
        $decoder.required()?
    };
    (@decode optional, $decoder:ident) => {
        $decoder.optional()?
    };
}

/// Defines a union of message kinds keyed on `method` (`ClientRequest`, `ServerNotification`, ...).
///
/// `$trait` is `Request` or `Notification`: the trait every kind implements.
macro_rules! message_union {
    (
        $(#[$attr:meta])*
        pub enum $name:ident: $trait:ident {
            $( $variant:ident($kind:ty), )*
        }
    ) => {
        $(#[$attr])*
        // Variants differ in size, but boxing would cost an allocation per message read.
        #[allow(clippy::large_enum_variant)]
        #[derive(Debug, Clone, PartialEq)]
        pub enum $name {
            $(
                #[doc = concat!("A [`", stringify!($kind), "`].")]
                $variant($kind),
            )*
        }

        impl $name {
            /// Every method this union accepts.
            pub const METHODS: &'static [&'static str] =
                &[$(<$kind as $crate::request::$trait>::METHOD),*];

            /// The method of the message held.
            pub fn method(&self) -> &'static str {
                match self {
                    $( Self::$variant(_) => <$kind as $crate::request::$trait>::METHOD, )*
                }
            }

            /// Reads the message with this method and params, as taken apart from a JSON-RPC
            /// message; the error tells an unknown method (`-32601`) from bad params (`-32602`).
            pub fn from_parts(
                method: &str,
                params: Option<::serde_json::Value>,
            ) -> Result<Self, $crate::request::ParseMessageError> {
                $crate::request::from_parts(Self::METHODS, method, params)
            }
        }

        $(
            impl From<$kind> for $name {
                fn from(message: $kind) -> Self {
                    Self::$variant(message)
                }
            }
        )*

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    $( Self::$variant(message) => message.serialize(serializer), )*
                }
            }
        }

        impl $crate::request::MethodDispatch for $name {
            const EXPECTING: &'static str = concat!("a message of ", stringify!($name));

            fn dispatch<D: $crate::request::ParamsDecoder>(
                method: &str,
                params: D,
            ) -> Result<Self, D::Error> {
                $(
                    if method == <$kind as $crate::request::$trait>::METHOD {
                        return <$kind as $crate::request::MethodDispatch>::dispatch(method, params)
                            .map(Self::$variant);
                    }
                )*
                Err(<D::Error as ::serde::de::Error>::unknown_variant(method, Self::METHODS))
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $crate::request::deserialize_by_method(deserializer)
            }
        }
    };
}

/// Adds `meta()`/`meta_mut()` to a union of request kinds.
macro_rules! request_union_meta {
    ($name:ident { $($variant:ident),* $(,)? }) => {
        impl $name {
            /// The `_meta` of the request's params.
            pub fn meta(&self) -> Option<&$crate::meta::RequestMeta> {
                match self {
                    $( Self::$variant(r) => $crate::request::RequestParams::meta(&r.params), )*
                }
            }

            /// The `_meta` of the request's params, for editing.
            pub fn meta_mut(&mut self) -> &mut Option<$crate::meta::RequestMeta> {
                match self {
                    $( Self::$variant(r) => $crate::request::RequestParams::meta_mut(&mut r.params), )*
                }
            }
        }
    };
}

/// Implements [`crate::RequestParams`] for params structs with a `meta: Option<RequestMeta>` field;
/// `input:` before the list for the params of requests a server may answer with
/// `input_required`, which also have `input_responses` and `request_state` fields.
macro_rules! request_params {
    (@impl $ty:ty, { $($extra:tt)* }) => {
        impl $crate::request::RequestParams for $ty {
            fn meta(&self) -> Option<&$crate::meta::RequestMeta> {
                self.meta.as_ref()
            }
            fn meta_mut(&mut self) -> &mut Option<$crate::meta::RequestMeta> {
                &mut self.meta
            }
            $($extra)*
        }
    };
    (input: $($ty:ty),* $(,)?) => {
        $(
            request_params!(@impl $ty, {
                fn input_mut(&mut self) -> Option<$crate::request::InputFields<'_>> {
                    Some($crate::request::InputFields {
                        responses: &mut self.input_responses,
                        request_state: &mut self.request_state,
                    })
                }
            });
        )*
    };
    ($($ty:ty),* $(,)?) => {
        $( request_params!(@impl $ty, {}); )*
    };
}

/// Implements [`crate::ResultFields`] for result structs with `meta` and `result_type` fields;
/// `cacheable:` before the list for results clients may cache, which also have `ttl_ms` and
/// `cache_scope` fields and implement [`crate::Cacheable`].
macro_rules! result_fields {
    (@impl $ty:ty, { $($extra:tt)* }) => {
        impl $crate::result::ResultFields for $ty {
            fn meta(&self) -> Option<&$crate::meta::Meta> {
                self.meta.as_ref()
            }
            fn meta_mut(&mut self) -> &mut Option<$crate::meta::Meta> {
                &mut self.meta
            }
            fn result_type(&self) -> Option<&$crate::result::ResultType> {
                self.result_type.as_ref()
            }
            fn result_type_mut(&mut self) -> &mut Option<$crate::result::ResultType> {
                &mut self.result_type
            }
            $($extra)*
        }
    };
    (cacheable: $($ty:ty),* $(,)?) => {
        $(
            result_fields!(@impl $ty, {
                fn as_cacheable_mut(&mut self) -> Option<&mut dyn $crate::result::Cacheable> {
                    Some(self)
                }
            });
            cacheable!($ty);
        )*
    };
    ($($ty:ty),* $(,)?) => {
        $( result_fields!(@impl $ty, {}); )*
    };
}

/// Implements [`crate::Cacheable`] for results with `ttl_ms` and `cache_scope` fields (through
/// `result_fields!(cacheable: ...)`).
macro_rules! cacheable {
    ($($ty:ty),* $(,)?) => {
        $(
            impl $crate::result::Cacheable for $ty {
                fn ttl_ms(&self) -> Option<u64> {
                    self.ttl_ms
                }
                fn cache_scope(&self) -> Option<&$crate::result::CacheScope> {
                    self.cache_scope.as_ref()
                }
                fn set_cache(&mut self, ttl_ms: u64, scope: $crate::result::CacheScope) {
                    self.ttl_ms = Some(ttl_ms);
                    self.cache_scope = Some(scope);
                }
            }
        )*
    };
}

/// An enum over wire strings that keeps values it does not know in `Other(String)`, for the
/// schema's `"a" | "b" | string` types.
macro_rules! open_string_enum {
    (
        $(#[$attr:meta])*
        pub enum $name:ident {
            $( $(#[$vattr:meta])* $variant:ident = $wire:literal, )*
        }
    ) => {
        $(#[$attr])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vattr])* $variant, )*
            /// A value this library does not know, kept as sent.
            Other(String),
        }

        impl $name {
            /// The wire form.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )*
                    Self::Other(s) => s,
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $( $wire => Self::$variant, )*
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                match s.as_str() {
                    $( $wire => Self::$variant, )*
                    _ => Self::Other(s),
                }
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let s = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(deserializer)?;
                Ok(Self::from(s.as_ref()))
            }
        }
    };
}

/// `Serialize` for an enum whose variants each wrap a struct that writes its own tag: every
/// variant serializes as its content.
macro_rules! serialize_as_variant {
    ($name:ident { $($variant:ident),* $(,)? }) => {
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    $( Self::$variant(v) => ::serde::Serialize::serialize(v, serializer), )*
                }
            }
        }
    };
}
