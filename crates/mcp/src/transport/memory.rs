//! An in-process transport: two connected ends, for tests and for embedding a server in a client.

use std::io;

use tokio::io::{DuplexStream, ReadHalf};

use super::{
    DEFAULT_MAX_MESSAGE_SIZE, Incoming, LineReader, LineWriter, Transport, TransportReader,
};

/// One end of an in-memory connection. Messages are framed exactly as on stdio.
#[derive(Debug)]
pub struct MemoryTransport {
    stream: DuplexStream,
}

/// Two connected in-memory transports.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let (client_end, server_end) = mcp::transport::memory::pair();
/// # drop((client_end, server_end)); }
/// ```
pub fn pair() -> (MemoryTransport, MemoryTransport) {
    let (a, b) = tokio::io::duplex(256 * 1024);
    (MemoryTransport { stream: a }, MemoryTransport { stream: b })
}

/// The reading half of a [`MemoryTransport`].
#[derive(Debug)]
pub struct MemoryReader(LineReader<ReadHalf<DuplexStream>>);

impl TransportReader for MemoryReader {
    async fn recv(&mut self) -> Option<io::Result<Incoming<'_>>> {
        self.0.next_line().await
    }
}

impl Transport for MemoryTransport {
    type Reader = MemoryReader;
    type Writer = LineWriter;
    fn split(self) -> (MemoryReader, LineWriter) {
        let (read, write) = tokio::io::split(self.stream);
        (
            MemoryReader(LineReader::with_max_size(read, DEFAULT_MAX_MESSAGE_SIZE)),
            LineWriter::spawn(write),
        )
    }
}
