//! `mcp-replicas N PROGRAM [ARGS...]`: N replicas of a server on one machine, behind a
//! balancer that hands each new connection to the next replica in turn (layer 4, as a TCP load
//! balancer or DNS round robin spreads clients over replicas).
//!
//! Each replica is `PROGRAM ARGS...`, which must print `listening on 127.0.0.1:<port>` first
//! on stdout and serve until its stdin closes (as `mcp-http-echo` does). The balancer then
//! prints its own `listening on 127.0.0.1:<port>` and runs until its stdin closes, when it
//! closes the replicas' stdin and waits for them.

use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::io::AsyncReadExt;
use tokio::net::{TcpListener, TcpStream};

const USAGE: &str = "usage: mcp-replicas N PROGRAM [ARGS...]";

/// Starts one replica and reads the address it listens on.
fn start_replica(program: &str, args: &[String]) -> Result<(Child, SocketAddr), String> {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("could not start {program}: {e}"))?;
    let stdout = child.stdout.take().expect("stdout is piped");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .map_err(|e| format!("could not read {program}'s address: {e}"))?;
    let addr = line
        .trim()
        .strip_prefix("listening on ")
        .and_then(|a| a.parse().ok())
        .ok_or_else(|| format!("{program} printed {line:?}, not `listening on ADDR`"))?;
    Ok((child, addr))
}

async fn balance(listener: TcpListener, upstreams: Arc<[SocketAddr]>) {
    let next = AtomicUsize::new(0);
    loop {
        let Ok((mut client, _)) = listener.accept().await else {
            continue;
        };
        let upstream = upstreams[next.fetch_add(1, Ordering::Relaxed) % upstreams.len()];
        tokio::spawn(async move {
            let Ok(mut server) = TcpStream::connect(upstream).await else {
                return;
            };
            let _ = client.set_nodelay(true);
            let _ = server.set_nodelay(true);
            let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
        });
    }
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(count), Some(program)) = (
        args.first().and_then(|n| n.parse::<usize>().ok()),
        args.get(1),
    ) else {
        eprintln!("{USAGE}");
        std::process::exit(2);
    };
    let mut replicas = Vec::new();
    let mut upstreams = Vec::new();
    for _ in 0..count.max(1) {
        match start_replica(program, &args[2..]) {
            Ok((child, addr)) => {
                replicas.push(child);
                upstreams.push(addr);
            }
            Err(error) => {
                eprintln!("mcp-replicas: {error}");
                for mut replica in replicas {
                    let _ = replica.kill();
                }
                std::process::exit(1);
            }
        }
    }
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    println!("listening on {}", listener.local_addr()?);
    std::io::stdout().flush()?;
    let stdin_closed = async {
        let mut stdin = tokio::io::stdin();
        let mut buf = [0u8; 64];
        while matches!(stdin.read(&mut buf).await, Ok(n) if n > 0) {}
    };
    tokio::select! {
        () = balance(listener, upstreams.into()) => {}
        () = stdin_closed => {}
    }
    for mut replica in replicas {
        drop(replica.stdin.take());
        let _ = replica.wait();
    }
    Ok(())
}
