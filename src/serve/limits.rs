//! What one client may hold of the dev server, so that slow or greedy
//! clients cannot starve the others.
//!
//! Three bounds, as in nginx's `client_header_timeout`,
//! `keepalive_timeout` and `limit_conn`:
//!
//! - a **deadline for the whole request head**, not for each read: a
//!   client sending a byte every few seconds (slowloris) is cut when the
//!   deadline passes, however often it sends; on a kept-alive connection
//!   each later request's head has the same deadline, counted from its
//!   first byte;
//! - an **idle timeout** for a kept-alive connection: one that sends no
//!   next request in time is closed without an answer, so idle
//!   connections give their slots back;
//! - a **cap on open connections per client address** (IPv6 clients by
//!   their /64, which one machine usually owns whole), below the cap on all
//!   connections: one address cannot take every slot, so other clients are
//!   still answered. A connection over a cap is answered 503 at once,
//!   without waiting for its request.
//!
//! A browser opens at most six connections to one origin, plus one
//! live-reload stream per open tab; the default cap leaves room for several
//! browsers on one machine.

use std::collections::HashMap;
use std::io::{self, Read};
use std::net::{IpAddr, Ipv6Addr, TcpStream};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// The bounds the server enforces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// How long a client may take to send its whole request head.
    pub head_deadline: Duration,
    /// How long a kept-alive connection may wait for its next request.
    pub idle: Duration,
    /// Connections open at once from one client address.
    pub per_client: usize,
    /// Connections open at once in all.
    pub total: usize,
}

impl Default for Limits {
    /// 10 s for the head (a browser sends it at once; the old per-read
    /// timeout was as long, so no honest client fares worse), 5 s of
    /// keep-alive idleness (Apache's and Node's default; a browser opens a
    /// new connection, or retries, when the server closed one), 64
    /// connections per address (ten times what a browser opens to one
    /// origin) and 512 in all.
    fn default() -> Self {
        Self {
            head_deadline: Duration::from_secs(10),
            idle: Duration::from_secs(5),
            per_client: 64,
            total: 512,
        }
    }
}

/// Why a connection was not admitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Its address already holds [`Limits::per_client`] connections.
    ClientBusy,
    /// The server holds [`Limits::total`] connections.
    ServerBusy,
}

/// The open connections, counted by client address.
#[derive(Debug, Clone, Default)]
pub struct Connections {
    counts: Arc<Mutex<Counts>>,
}

#[derive(Debug, Default)]
struct Counts {
    total: usize,
    by_client: HashMap<IpAddr, usize>,
}

impl Connections {
    /// Counts a new connection from `peer` if the limits allow it; the slot
    /// is given back when the returned [`Slot`] is dropped.
    pub fn admit(&self, peer: IpAddr, limits: &Limits) -> Result<Slot, Refused> {
        let client = client_key(peer);
        let mut counts = self.lock();
        let from_client = counts.by_client.get(&client).copied().unwrap_or(0);
        if from_client >= limits.per_client {
            return Err(Refused::ClientBusy);
        }
        if counts.total >= limits.total {
            return Err(Refused::ServerBusy);
        }
        counts.total += 1;
        counts.by_client.insert(client, from_client + 1);
        Ok(Slot {
            connections: self.clone(),
            client,
        })
    }

    /// How many connections are open.
    pub fn open(&self) -> usize {
        self.lock().total
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Counts> {
        self.counts.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// One admitted connection; gives its slot back when dropped.
#[derive(Debug)]
pub struct Slot {
    connections: Connections,
    client: IpAddr,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut counts = self.connections.lock();
        counts.total = counts.total.saturating_sub(1);
        if let Some(count) = counts.by_client.get_mut(&self.client) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                counts.by_client.remove(&self.client);
            }
        }
    }
}

/// The address connections are counted by: IPv4 addresses (also when
/// written as IPv4-mapped IPv6) whole, other IPv6 addresses by their /64.
pub fn client_key(peer: IpAddr) -> IpAddr {
    match peer.to_canonical() {
        IpAddr::V6(address) if !address.is_loopback() => {
            let bits = u128::from(address) & !u128::from(u64::MAX);
            IpAddr::V6(Ipv6Addr::from(bits))
        }
        other => other,
    }
}

/// Reads from a connection until a fixed instant: each read waits only
/// for the time that is left, and once it is past, reading fails with
/// [`io::ErrorKind::TimedOut`].
pub struct UntilDeadline<'a> {
    stream: &'a TcpStream,
    deadline: Instant,
    received: usize,
}

impl<'a> UntilDeadline<'a> {
    /// Reads `stream` for at most `within` from now.
    pub fn new(stream: &'a TcpStream, within: Duration) -> Self {
        Self {
            stream,
            deadline: Instant::now() + within,
            received: 0,
        }
    }

    /// How many bytes were read.
    pub fn received(&self) -> usize {
        self.received
    }
}

impl Read for UntilDeadline<'_> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        self.stream.set_read_timeout(Some(left))?;
        let mut stream = self.stream;
        let read = stream.read(buffer)?;
        self.received += read;
        Ok(read)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::net::TcpListener;

    fn limits(per_client: usize, total: usize) -> Limits {
        Limits {
            head_deadline: Duration::from_secs(1),
            idle: Duration::from_secs(1),
            per_client,
            total,
        }
    }

    #[test]
    fn one_address_cannot_take_every_slot() {
        let connections = Connections::default();
        let limits = limits(2, 3);
        let a = IpAddr::from([192, 168, 1, 2]);
        let b = IpAddr::from([192, 168, 1, 3]);
        let first = connections.admit(a, &limits).expect("first");
        let _second = connections.admit(a, &limits).expect("second");
        assert_eq!(
            connections.admit(a, &limits).err(),
            Some(Refused::ClientBusy)
        );
        let _other = connections.admit(b, &limits).expect("another address");
        assert_eq!(
            connections.admit(b, &limits).err(),
            Some(Refused::ServerBusy)
        );
        drop(first);
        assert_eq!(connections.open(), 2);
        let _again = connections
            .admit(a, &limits)
            .expect("a slot was given back");
    }

    #[test]
    fn ipv6_clients_are_counted_by_their_network() {
        let one: IpAddr = "2001:db8:1:2::1".parse().expect("address");
        let same_network: IpAddr = "2001:db8:1:2:ffff::9".parse().expect("address");
        let other_network: IpAddr = "2001:db8:1:3::1".parse().expect("address");
        assert_eq!(client_key(one), client_key(same_network));
        assert_ne!(client_key(one), client_key(other_network));
        let mapped: IpAddr = "::ffff:10.0.0.1".parse().expect("address");
        assert_eq!(client_key(mapped), IpAddr::from([10, 0, 0, 1]));
        let loopback: IpAddr = "::1".parse().expect("address");
        assert_eq!(client_key(loopback), loopback);
    }

    #[test]
    fn the_deadline_is_for_all_reads_together() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let address = listener.local_addr().expect("address");
        let client = std::thread::spawn(move || {
            let mut stream = TcpStream::connect(address).expect("connect");
            // A byte every 100 ms: each read is quick, the whole is not.
            for _ in 0..20 {
                if stream.write_all(b"G").is_err() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        });
        let (stream, _) = listener.accept().expect("accept");
        let started = Instant::now();
        let mut reader = UntilDeadline::new(&stream, Duration::from_millis(500));
        let mut buffer = [0; 16];
        let error = loop {
            match reader.read(&mut buffer) {
                Ok(0) => panic!("the client closed first"),
                Ok(_) => {}
                Err(error) => break error,
            }
        };
        let took = started.elapsed();
        assert!(
            matches!(
                error.kind(),
                io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
            ),
            "{error}"
        );
        assert!(took >= Duration::from_millis(450), "{took:?}");
        assert!(took < Duration::from_millis(1500), "{took:?}");
        assert!(reader.received() >= 3, "{}", reader.received());
        drop(stream);
        client.join().expect("client");
    }
}
