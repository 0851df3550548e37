//! Newline-delimited JSON framing: one message per line, with a size limit.

use std::io;

use tokio::io::{AsyncRead, AsyncReadExt};

/// The largest message accepted by default: 16 MiB.
///
/// Large enough for a tool result carrying a sizeable image, small enough that a peer cannot make
/// us buffer without bound.
pub const DEFAULT_MAX_MESSAGE_SIZE: usize = 16 * 1024 * 1024;

/// How much of an over-size line is kept to look for its request id.
const OVERSIZE_PREFIX: usize = 64 * 1024;

/// What a [`LineReader`] yields: a transport's [`Incoming`](super::Incoming) message, one per
/// line.
pub type Line<'a> = super::Incoming<'a>;

/// Reads newline-delimited messages from a byte stream.
///
/// Blank lines (only whitespace, and no longer than the limit) are skipped, a trailing `\r` is
/// dropped, and a final line without a newline at end of stream is still yielded, so the caller
/// can answer it (usually with a parse error). What comes out does not depend on how the bytes
/// were split into reads.
#[derive(Debug)]
pub struct LineReader<R> {
    inner: R,
    buf: Vec<u8>,
    /// Start of the unconsumed bytes in `buf`.
    start: usize,
    /// How far past `start` has already been searched for a newline.
    scanned: usize,
    max_size: usize,
    eof: bool,
    /// Set while the rest of an over-size line is being skipped.
    discarding: Option<Discard>,
    prefix: Vec<u8>,
}

#[derive(Debug)]
struct Discard {
    /// Bytes of the line so far.
    size: usize,
    /// Whether the last of them is a `\r`, which is not counted when a `\n` follows it.
    cr: bool,
}

impl<R: AsyncRead + Unpin> LineReader<R> {
    /// A reader with the default size limit.
    pub fn new(inner: R) -> Self {
        Self::with_max_size(inner, DEFAULT_MAX_MESSAGE_SIZE)
    }

    /// A reader that refuses lines longer than `max_size` bytes.
    pub fn with_max_size(inner: R, max_size: usize) -> Self {
        Self {
            inner,
            buf: Vec::with_capacity(64 * 1024),
            start: 0,
            scanned: 0,
            max_size: max_size.max(1),
            eof: false,
            discarding: None,
            prefix: Vec::new(),
        }
    }

    /// The next line, `None` at end of stream.
    pub async fn next_line(&mut self) -> Option<io::Result<Line<'_>>> {
        let found = loop {
            if let Some(found) = self.scan() {
                break found;
            }
            if let Err(e) = self.fill().await {
                return Some(Err(e));
            }
        };
        Some(Ok(match found {
            Found::Message(begin, end) => Line::Message(&self.buf[begin..end]),
            Found::TooLarge(size) => Line::TooLarge {
                prefix: &self.prefix,
                size,
                limit: self.max_size,
            },
            Found::End => return None,
        }))
    }

    /// Looks for the next line in what is buffered; `None` when more bytes are needed.
    fn scan(&mut self) -> Option<Found> {
        loop {
            if let Some(discard) = self.discarding.as_mut() {
                // Skip to the end of the over-size line without keeping it.
                let pending = &self.buf[self.start..];
                if let Some(pos) = memchr::memchr(b'\n', pending) {
                    let cr = match pos {
                        0 => discard.cr,
                        _ => pending[pos - 1] == b'\r',
                    };
                    let size = discard.size + pos - usize::from(cr);
                    // The kept start may end in the `\r` of the line ending.
                    self.prefix.truncate(size);
                    self.start += pos + 1;
                    self.scanned = 0;
                    self.discarding = None;
                    return Some(Found::TooLarge(size));
                }
                if let Some(&last) = pending.last() {
                    discard.cr = last == b'\r';
                }
                discard.size += pending.len();
                let size = discard.size - usize::from(discard.cr);
                self.buf.clear();
                self.start = 0;
                self.scanned = 0;
                if self.eof {
                    self.discarding = None;
                    self.prefix.truncate(size);
                    return Some(Found::TooLarge(size));
                }
                return None;
            }
            let pending = &self.buf[self.start + self.scanned..];
            if let Some(pos) = memchr::memchr(b'\n', pending) {
                let begin = self.start;
                let mut end = self.start + self.scanned + pos;
                self.start = end + 1;
                self.scanned = 0;
                if end > begin && self.buf[end - 1] == b'\r' {
                    end -= 1;
                }
                // The size first: a line too long to be buffered whole is refused before its
                // contents are seen, so a blank one must be refused here too.
                if end - begin > self.max_size {
                    self.keep_prefix(begin, end);
                    return Some(Found::TooLarge(end - begin));
                }
                if self.buf[begin..end].iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                return Some(Found::Message(begin, end));
            }
            self.scanned = self.buf.len() - self.start;
            // Too long already (a last `\r` may still turn out to be part of the line ending):
            // keep the start, drop the rest up to the newline.
            let cr = self.buf.last() == Some(&b'\r');
            if self.scanned > self.max_size + usize::from(cr) {
                let (begin, end) = (self.start, self.buf.len());
                self.keep_prefix(begin, end);
                self.discarding = Some(Discard {
                    size: end - begin,
                    cr,
                });
                self.buf.clear();
                self.start = 0;
                self.scanned = 0;
                continue;
            }
            if !self.eof {
                return None;
            }
            if self.buf[self.start..].iter().all(u8::is_ascii_whitespace) {
                self.start = self.buf.len();
                return Some(Found::End);
            }
            // The stream ended in the middle of a line: hand the fragment over.
            let begin = self.start;
            let mut end = self.buf.len();
            self.start = end;
            self.scanned = 0;
            if self.buf[end - 1] == b'\r' {
                end -= 1;
            }
            return Some(Found::Message(begin, end));
        }
    }

    fn keep_prefix(&mut self, begin: usize, end: usize) {
        self.prefix.clear();
        let end = end.min(begin + OVERSIZE_PREFIX);
        self.prefix.extend_from_slice(&self.buf[begin..end]);
    }

    /// Reads more bytes, compacting the buffer first.
    async fn fill(&mut self) -> io::Result<()> {
        if self.start > 0 {
            if self.start == self.buf.len() {
                self.buf.clear();
            } else if self.start > self.buf.capacity() / 2 || self.buf.len() == self.buf.capacity()
            {
                self.buf.drain(..self.start);
            } else {
                // Keep the bytes where they are; there is still room behind them.
                return self.read_more().await;
            }
            self.start = 0;
        }
        self.read_more().await
    }

    async fn read_more(&mut self) -> io::Result<()> {
        if self.buf.capacity() - self.buf.len() < 16 * 1024 {
            self.buf.reserve(self.buf.capacity().max(64 * 1024));
        }
        let n = self.inner.read_buf(&mut self.buf).await?;
        if n == 0 {
            self.eof = true;
        }
        Ok(())
    }
}

/// What [`LineReader::scan`] found, as positions in the buffer.
enum Found {
    Message(usize, usize),
    TooLarge(usize),
    End,
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn lines(input: &[u8], max: usize) -> Vec<String> {
        let mut reader = LineReader::with_max_size(input, max);
        let mut out = Vec::new();
        while let Some(line) = reader.next_line().await {
            match line.unwrap() {
                Line::Message(m) => out.push(String::from_utf8_lossy(m).into_owned()),
                Line::TooLarge { prefix, size, .. } => out.push(format!(
                    "TOO LARGE {size} {}",
                    String::from_utf8_lossy(&prefix[..prefix.len().min(8)])
                )),
            }
        }
        out
    }

    #[tokio::test]
    async fn splits_lines_and_skips_blank_ones() {
        assert_eq!(
            lines(b"a\r\n\n  \nbc\nd", 100).await,
            vec!["a".to_owned(), "bc".to_owned(), "d".to_owned()]
        );
    }

    #[tokio::test]
    async fn an_over_size_line_is_reported_and_the_next_one_still_read() {
        let mut input = vec![b'x'; 50];
        input.push(b'\n');
        input.extend_from_slice(b"ok\n");
        assert_eq!(
            lines(&input, 10).await,
            vec!["TOO LARGE 50 xxxxxxxx".to_owned(), "ok".to_owned()]
        );
    }

    #[tokio::test]
    async fn an_over_size_line_spanning_many_reads_is_discarded() {
        let mut input = b"{\"id\":7,".to_vec();
        input.extend(std::iter::repeat_n(b'y', 300_000));
        input.extend_from_slice(b"\nnext\n");
        let got = lines(&input, 1000).await;
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(
            got[0].starts_with("TOO LARGE 300008 {\"id\":7,"),
            "{}",
            got[0]
        );
        assert_eq!(got[1], "next");
    }
}
