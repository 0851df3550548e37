//! Child processes and what `/proc` says about them and the machine: shared by
//! the benchmark drivers.

use std::collections::VecDeque;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, ExitStatus};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// Kills and reaps the child when dropped, unless it has exited already.
///
/// Every run holds its server in one of these, so that an error, a timeout or
/// a panic in the driver never leaves a server behind. (If the driver process
/// itself is killed, the servers see EOF on stdin and exit by themselves.)
#[derive(Debug)]
pub struct ChildGuard {
    child: Child,
    status: Option<ExitStatus>,
}

impl ChildGuard {
    /// Guards `child`.
    pub fn new(child: Child) -> Self {
        Self {
            child,
            status: None,
        }
    }

    /// The child's pid.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// The exit status, if the child has exited (reaping it).
    pub fn try_wait(&mut self) -> Option<ExitStatus> {
        if self.status.is_none() {
            self.status = self.child.try_wait().ok().flatten();
        }
        self.status
    }

    /// Waits up to `timeout` for the child to exit by itself.
    pub fn wait_for(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.try_wait() {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            thread::sleep(Duration::from_millis(1));
        }
    }

    /// Waits up to `timeout` for the child to exit, then kills it; says how it
    /// ended.
    pub fn wait_or_kill(&mut self, timeout: Duration) -> String {
        if let Some(status) = self.wait_for(timeout) {
            return describe_status(status);
        }
        self.kill();
        format!("did not exit within {timeout:?} of EOF on stdin; killed")
    }

    /// Kills and reaps the child, unless it has exited already.
    pub fn kill(&mut self) {
        if self.try_wait().is_none() {
            let _ = self.child.kill();
            self.status = self.child.wait().ok();
        }
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        self.kill();
    }
}

/// `exited cleanly`, or the status as `std` prints it (`exit status: 1`,
/// `signal: 9 (SIGKILL)`).
pub fn describe_status(status: ExitStatus) -> String {
    if status.success() {
        "exited cleanly".to_owned()
    } else {
        status.to_string()
    }
}

/// Finds the executable of a binary target of this crate.
///
/// In order: the `CARGO_BIN_EXE_<name>` environment variable at run time (an
/// override), `compile_time` (pass `option_env!("CARGO_BIN_EXE_<name>")`,
/// which cargo sets when it builds benches and tests), the directory of the
/// running executable and its parent (benches live in `target/<profile>/deps`,
/// binaries in `target/<profile>`), and finally the bare name, for `PATH`.
pub fn locate_binary(name: &str, compile_time: Option<&str>) -> PathBuf {
    if let Some(path) = std::env::var_os(format!("CARGO_BIN_EXE_{name}")) {
        return path.into();
    }
    if let Some(path) = compile_time
        && Path::new(path).is_file()
    {
        return path.into();
    }
    if let Ok(exe) = std::env::current_exe() {
        for dir in exe.ancestors().skip(1).take(2) {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return candidate;
            }
        }
    }
    PathBuf::from(name)
}

/// CPU time (user + system, all threads) of a process so far, from
/// `/proc/<pid>/stat`; `pid` may be `self`.
pub fn cpu_time(pid: &str) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The fields after the command name (in parentheses, may hold spaces):
    // state is field 3, utime 14 and stime 15.
    let rest = &stat[stat.rfind(')')? + 2..];
    let mut fields = rest.split_ascii_whitespace();
    let utime: u64 = fields.nth(11)?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(Duration::from_millis((utime + stime) * 1000 / USER_HZ))
}

/// Clock ticks per second of `/proc`'s CPU times; Linux fixes it at 100.
const USER_HZ: u64 = 100;

/// Peak resident set size (`VmHWM`) of a process, in KiB.
pub fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_ascii_whitespace().nth(1)?.parse().ok()
}

/// The machine's CPU time counters (the `cpu` line of `/proc/stat`).
#[derive(Clone, Copy, Debug)]
pub struct MachineCpu {
    busy: u64,
    steal: u64,
}

impl MachineCpu {
    /// Reads the counters now.
    pub fn read() -> Option<Self> {
        let stat = std::fs::read_to_string("/proc/stat").ok()?;
        let line = stat.lines().find(|l| l.starts_with("cpu "))?;
        let values: Vec<u64> = line
            .split_ascii_whitespace()
            .skip(1)
            .map(|v| v.parse().unwrap_or(0))
            .collect();
        let at = |i: usize| values.get(i).copied().unwrap_or(0);
        // user nice system idle iowait irq softirq steal (guest time is
        // already in user).
        let total: u64 = (0..8).map(at).sum();
        let steal = at(7);
        let busy = total - at(3) - at(4) - steal;
        Some(Self { busy, steal })
    }

    /// CPU busy between `self` and `later`, in percent of one core, and the
    /// time stolen by the hypervisor, also in percent of one core.
    pub fn busy_and_steal_since(&self, later: &Self, elapsed: Duration) -> (f64, f64) {
        let secs = elapsed.as_secs_f64().max(1e-9);
        let percent = |ticks: u64| ticks as f64 / USER_HZ as f64 / secs * 100.0;
        (
            percent(later.busy.saturating_sub(self.busy)),
            percent(later.steal.saturating_sub(self.steal)),
        )
    }
}

/// Waits up to `max_wait` for the machine to be quiet: less than
/// `busy_percent` of one core busy over a 250 ms window. Returns the busy
/// percentage of the last window (so the caller can warn when it gave up).
pub fn wait_for_quiet(max_wait: Duration, busy_percent: f64) -> Option<f64> {
    const WINDOW: Duration = Duration::from_millis(250);
    let deadline = Instant::now() + max_wait;
    loop {
        let before = MachineCpu::read()?;
        let start = Instant::now();
        thread::sleep(WINDOW);
        let after = MachineCpu::read()?;
        let (busy, _) = before.busy_and_steal_since(&after, start.elapsed());
        if busy < busy_percent || Instant::now() >= deadline {
            return Some(busy);
        }
    }
}

/// How much of a server's stderr a failed run reports: the last 8 KiB.
pub const STDERR_TAIL_BYTES: usize = 8 * 1024;

/// Reads a server's stderr to its end, keeping the last [`STDERR_TAIL_BYTES`] in `tail` (run
/// on a thread of its own, so that a chatty server never blocks on a full pipe).
pub fn keep_stderr_tail(mut stderr: impl Read, tail: Arc<Mutex<VecDeque<u8>>>) {
    let mut buf = [0u8; 4096];
    while let Ok(read) = stderr.read(&mut buf) {
        if read == 0 {
            break;
        }
        let mut tail = tail.lock().unwrap_or_else(|e| e.into_inner());
        tail.extend(&buf[..read]);
        let excess = tail.len().saturating_sub(STDERR_TAIL_BYTES);
        tail.drain(..excess);
    }
}

/// What [`keep_stderr_tail`] kept, as text.
pub fn tail_text(tail: &Mutex<VecDeque<u8>>) -> String {
    let tail = tail.lock().unwrap_or_else(|e| e.into_inner());
    let (a, b) = tail.as_slices();
    let mut bytes = a.to_vec();
    bytes.extend_from_slice(b);
    String::from_utf8_lossy(&bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_own_stats() {
        assert!(cpu_time("self").is_some());
        assert!(peak_rss_kib(std::process::id()).is_some_and(|k| k > 0));
        let before = MachineCpu::read().unwrap();
        let after = MachineCpu::read().unwrap();
        let (busy, steal) = before.busy_and_steal_since(&after, Duration::from_millis(10));
        assert!(busy >= 0.0 && steal >= 0.0);
    }
}
