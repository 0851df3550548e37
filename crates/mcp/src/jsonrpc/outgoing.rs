//! Writing JSON-RPC messages straight into bytes.

use serde::Serialize;

use crate::types::{ErrorData, RequestId};

const PREFIX: &[u8] = br#"{"jsonrpc":"2.0","#;

fn write_id(buf: &mut Vec<u8>, id: Option<&RequestId>) {
    match id {
        Some(RequestId::Number(n)) => {
            buf.extend_from_slice(itoa::Buffer::new().format(*n).as_bytes())
        }
        Some(id @ RequestId::String(_)) => {
            serde_json::to_writer(&mut *buf, id).expect("a string serializes");
        }
        None => buf.extend_from_slice(b"null"),
    }
}

/// A request: `{"jsonrpc":"2.0","id":…,"method":…,"params":…}`.
pub fn request<P: Serialize + ?Sized>(
    id: &RequestId,
    method: &str,
    params: Option<&P>,
) -> serde_json::Result<Vec<u8>> {
    call(Some(id), method, params)
}

/// A notification: `{"jsonrpc":"2.0","method":…,"params":…}`.
pub fn notification<P: Serialize + ?Sized>(
    method: &str,
    params: Option<&P>,
) -> serde_json::Result<Vec<u8>> {
    call(None, method, params)
}

/// A request (with an id) or a notification (without).
fn call<P: Serialize + ?Sized>(
    id: Option<&RequestId>,
    method: &str,
    params: Option<&P>,
) -> serde_json::Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(128);
    buf.extend_from_slice(PREFIX);
    if id.is_some() {
        buf.extend_from_slice(br#""id":"#);
        write_id(&mut buf, id);
        buf.push(b',');
    }
    buf.extend_from_slice(br#""method":"#);
    serde_json::to_writer(&mut buf, method)?;
    if let Some(params) = params {
        buf.extend_from_slice(br#","params":"#);
        serde_json::to_writer(&mut buf, params)?;
    }
    buf.push(b'}');
    Ok(buf)
}

/// A successful response: `{"jsonrpc":"2.0","id":…,"result":…}`.
pub fn result_response<T: Serialize + ?Sized>(
    id: &RequestId,
    result: &T,
) -> serde_json::Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(128);
    buf.extend_from_slice(PREFIX);
    buf.extend_from_slice(br#""id":"#);
    write_id(&mut buf, Some(id));
    buf.extend_from_slice(br#","result":"#);
    serde_json::to_writer(&mut buf, result)?;
    buf.push(b'}');
    Ok(buf)
}

/// An error response: `{"jsonrpc":"2.0","id":…,"error":…}`, with a `null` id when unknown.
pub fn error_response(id: Option<&RequestId>, error: &ErrorData) -> Vec<u8> {
    let mut buf = Vec::with_capacity(128);
    buf.extend_from_slice(PREFIX);
    buf.extend_from_slice(br#""id":"#);
    write_id(&mut buf, id);
    buf.extend_from_slice(br#","error":"#);
    serde_json::to_writer(&mut buf, error).expect("an error object serializes");
    buf.push(b'}');
    buf
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::JsonRpcMessage;

    #[test]
    fn every_shape_parses_back() {
        let id = RequestId::from("a\"b");
        for bytes in [
            request(&id, "tools/list", Some(&serde_json::json!({"cursor": "x"}))).unwrap(),
            request::<()>(&RequestId::Number(-4), "ping", None).unwrap(),
            notification::<()>("notifications/initialized", None).unwrap(),
            result_response(&id, &serde_json::json!({})).unwrap(),
            error_response(None, &ErrorData::parse_error("bad")),
        ] {
            serde_json::from_slice::<JsonRpcMessage>(&bytes)
                .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&bytes)));
        }
    }
}
