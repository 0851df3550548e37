//! Images and audio as tool results: bytes in, MCP content out, the format detected or given.

use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::error::{Error, Result};
use crate::types::{AudioContent, ContentBlock, ErrorData, ImageContent};

/// An image a tool returns, the Rust form of the Python SDK's `Image`.
///
/// ```
/// use mcp::fastmcp::Image;
/// // A 1x1 PNG: the format is recognised from its bytes.
/// let png = [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, b'I', b'H', b'D', b'R'];
/// let image = Image::from_bytes(png.to_vec());
/// assert_eq!(image.mime_type(), "image/png");
/// assert_eq!(Image::new(vec![1, 2, 3], "jpeg").mime_type(), "image/jpeg");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    data: Vec<u8>,
    mime_type: String,
}

/// A sound a tool returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Audio {
    data: Vec<u8>,
    mime_type: String,
}

/// `png`, `jpeg`, `image/png`, ... as a MIME type of `kind` (`image` or `audio`).
fn mime_for(format: &str, kind: &str) -> String {
    let format = format.trim().to_ascii_lowercase();
    if format.contains('/') {
        return format;
    }
    let subtype = match format.as_str() {
        "jpg" => "jpeg",
        "svg" => "svg+xml",
        "mp3" => "mpeg",
        "wave" => "wav",
        other => other,
    };
    format!("{kind}/{subtype}")
}

fn sniff(data: &[u8], kind: &str, fallback: &str) -> String {
    infer::get(data)
        .map(|t| t.mime_type().to_owned())
        .filter(|m| m.starts_with(kind))
        .unwrap_or_else(|| fallback.to_owned())
}

fn read(path: &Path, what: &str) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| {
        Error::Protocol(ErrorData::internal_error(format!(
            "could not read {what} {}: {e}",
            path.display()
        )))
    })
}

impl Image {
    /// An image in a known format: `"png"`, `"jpeg"`, or a MIME type.
    pub fn new(data: Vec<u8>, format: &str) -> Self {
        Self {
            mime_type: mime_for(format, "image"),
            data,
        }
    }

    /// An image whose format is recognised from its bytes (PNG unless recognised).
    pub fn from_bytes(data: Vec<u8>) -> Self {
        Self {
            mime_type: sniff(&data, "image", "image/png"),
            data,
        }
    }

    /// An image read from a file, its format from its bytes, else from its extension.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let data = read(path, "image")?;
        let by_extension = mime_guess::from_path(path)
            .first()
            .map(|m| m.essence_str().to_owned())
            .filter(|m| m.starts_with("image/"))
            .unwrap_or_else(|| "image/png".to_owned());
        Ok(Self {
            mime_type: sniff(&data, "image", &by_extension),
            data,
        })
    }

    /// The MIME type.
    pub fn mime_type(&self) -> &str {
        &self.mime_type
    }

    /// The raw bytes.
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// As MCP content.
    pub fn to_content(&self) -> ImageContent {
        ImageContent::new(STANDARD.encode(&self.data), self.mime_type.clone())
    }
}

impl Audio {
    /// Audio in a known format: `"wav"`, `"mp3"`, or a MIME type.
    pub fn new(data: Vec<u8>, format: &str) -> Self {
        Self {
            mime_type: mime_for(format, "audio"),
            data,
        }
    }

    /// Audio whose format is recognised from its bytes (WAV unless recognised).
    pub fn from_bytes(data: Vec<u8>) -> Self {
        Self {
            mime_type: sniff(&data, "audio", "audio/wav"),
            data,
        }
    }

    /// Audio read from a file, its format from its bytes, else from its extension.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let data = read(path, "audio file")?;
        let by_extension = mime_guess::from_path(path)
            .first()
            .map(|m| m.essence_str().to_owned())
            .filter(|m| m.starts_with("audio/"))
            .unwrap_or_else(|| "audio/wav".to_owned());
        Ok(Self {
            mime_type: sniff(&data, "audio", &by_extension),
            data,
        })
    }

    /// The MIME type.
    pub fn mime_type(&self) -> &str {
        &self.mime_type
    }

    /// The raw bytes.
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// As MCP content.
    pub fn to_content(&self) -> AudioContent {
        AudioContent::new(STANDARD.encode(&self.data), self.mime_type.clone())
    }
}

impl From<Image> for ContentBlock {
    fn from(image: Image) -> Self {
        ContentBlock::Image(image.to_content())
    }
}

impl From<Audio> for ContentBlock {
    fn from(audio: Audio) -> Self {
        ContentBlock::Audio(audio.to_content())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_normalised_and_sniffed() {
        assert_eq!(Image::new(vec![], "JPG").mime_type(), "image/jpeg");
        assert_eq!(Image::new(vec![], "image/webp").mime_type(), "image/webp");
        let gif = b"GIF89a\x01\x00\x01\x00".to_vec();
        assert_eq!(Image::from_bytes(gif).mime_type(), "image/gif");
        assert_eq!(Image::from_bytes(vec![0, 1, 2]).mime_type(), "image/png");
        let wav = b"RIFF\x24\x00\x00\x00WAVEfmt ".to_vec();
        assert_eq!(Audio::from_bytes(wav).mime_type(), "audio/x-wav");
        assert_eq!(Audio::new(vec![], "mp3").mime_type(), "audio/mpeg");
    }

    #[test]
    fn content_is_base64() {
        let content = Image::new(b"abc".to_vec(), "png").to_content();
        assert_eq!(content.data, "YWJj");
        assert_eq!(content.mime_type, "image/png");
    }

    #[test]
    fn a_missing_file_is_a_clear_error() {
        let e = Image::from_file("/no/such/image.png").unwrap_err();
        assert!(e.to_string().contains("/no/such/image.png"), "{e}");
    }
}
