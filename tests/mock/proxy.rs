//! A proxy on loopback that records everything that reaches it: an HTTP proxy (CONNECT
//! tunnels relayed to one upstream port, or refused with a status; requests in absolute form,
//! which would carry a key in clear, answered 502) or a SOCKS5 proxy (relayed to the upstream
//! port whatever it was asked for).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// What the proxy does with a connection.
#[derive(Clone, Copy, Debug)]
pub enum Behaviour {
    /// HTTP: open CONNECT tunnels to this port.
    Tunnel(u16),
    /// HTTP: answer CONNECT with this status.
    Refuse(u16),
    /// SOCKS5, without authentication: connect to this port.
    Socks5(u16),
}

pub struct Proxy {
    pub port: u16,
    behaviour: Behaviour,
    /// Every byte received from clients, all connections in order of arrival.
    received: Arc<Mutex<Vec<u8>>>,
    /// What each connection asked for: `host:port`, or a URL in absolute form.
    asked: Arc<Mutex<Vec<String>>>,
}

impl Proxy {
    pub fn start(behaviour: Behaviour) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let port = listener.local_addr().unwrap().port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let asked = Arc::new(Mutex::new(Vec::new()));
        let (r, a) = (Arc::clone(&received), Arc::clone(&asked));
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (r, a) = (Arc::clone(&r), Arc::clone(&a));
                std::thread::spawn(move || serve(stream, behaviour, &r, &a));
            }
        });
        Proxy {
            port,
            behaviour,
            received,
            asked,
        }
    }

    /// The proxy's URL, as a proxy variable would hold it.
    pub fn url(&self) -> String {
        match self.behaviour {
            Behaviour::Socks5(_) => format!("socks5h://127.0.0.1:{}", self.port),
            _ => format!("http://127.0.0.1:{}", self.port),
        }
    }

    pub fn asked(&self) -> Vec<String> {
        self.asked.lock().unwrap().clone()
    }

    /// Everything clients sent, as text (lossily).
    pub fn received(&self) -> String {
        String::from_utf8_lossy(&self.received.lock().unwrap()).into_owned()
    }
}

/// Reads from a stream, keeping a copy of every byte.
struct Recorder<'a> {
    stream: TcpStream,
    received: &'a Mutex<Vec<u8>>,
}

impl Read for Recorder<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.stream.read(buf)?;
        self.received.lock().unwrap().extend_from_slice(&buf[..n]);
        Ok(n)
    }
}

fn serve(
    client: TcpStream,
    behaviour: Behaviour,
    received: &Mutex<Vec<u8>>,
    asked: &Mutex<Vec<String>>,
) {
    let _ = client.set_read_timeout(Some(std::time::Duration::from_secs(10)));
    let mut writer = client.try_clone().unwrap();
    let reader = Recorder {
        stream: client.try_clone().unwrap(),
        received,
    };
    match behaviour {
        Behaviour::Socks5(upstream) => {
            let mut reader = reader;
            if let Some(destination) = socks5_handshake(&mut reader, &mut writer) {
                asked.lock().unwrap().push(destination);
                relay(reader, writer, upstream);
            }
        }
        Behaviour::Tunnel(_) | Behaviour::Refuse(_) => {
            let mut reader = BufReader::new(reader);
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() {
                return;
            }
            let mut parts = line.split_whitespace();
            let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
            asked.lock().unwrap().push(target.to_string());
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).is_err() || header.trim().is_empty() {
                    break;
                }
            }
            match (method, behaviour) {
                ("CONNECT", Behaviour::Tunnel(upstream)) => {
                    let _ = writer.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n");
                    relay(reader.into_inner(), writer, upstream);
                }
                ("CONNECT", Behaviour::Refuse(status)) => {
                    let _ = write!(
                        writer,
                        "HTTP/1.1 {status} Refused\r\nproxy-authenticate: Basic realm=\"x\"\r\ncontent-length: 0\r\n\r\n"
                    );
                }
                _ => {
                    let _ =
                        writer.write_all(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n");
                }
            }
        }
    }
}

/// The SOCKS5 greeting and CONNECT request; the destination asked for, as `host:port`.
fn socks5_handshake(reader: &mut Recorder, writer: &mut TcpStream) -> Option<String> {
    let mut head = [0u8; 2];
    reader.read_exact(&mut head).ok()?;
    let mut methods = vec![0u8; head[1] as usize];
    reader.read_exact(&mut methods).ok()?;
    writer.write_all(&[5, 0]).ok()?;
    let mut request = [0u8; 4];
    reader.read_exact(&mut request).ok()?;
    let host = match request[3] {
        3 => {
            let mut len = [0u8; 1];
            reader.read_exact(&mut len).ok()?;
            let mut name = vec![0u8; len[0] as usize];
            reader.read_exact(&mut name).ok()?;
            String::from_utf8_lossy(&name).into_owned()
        }
        1 => {
            let mut ip = [0u8; 4];
            reader.read_exact(&mut ip).ok()?;
            std::net::Ipv4Addr::from(ip).to_string()
        }
        _ => return None,
    };
    let mut port = [0u8; 2];
    reader.read_exact(&mut port).ok()?;
    writer.write_all(&[5, 0, 0, 1, 0, 0, 0, 0, 0, 0]).ok()?;
    Some(format!("{host}:{}", u16::from_be_bytes(port)))
}

/// Copy bytes both ways between the client and the upstream port until either side closes.
fn relay(mut from_client: impl Read, mut to_client: TcpStream, upstream: u16) {
    let Ok(server) = TcpStream::connect(("127.0.0.1", upstream)) else {
        return;
    };
    let mut to_server = server.try_clone().unwrap();
    let mut from_server = server;
    let back = std::thread::spawn(move || {
        let _ = std::io::copy(&mut from_server, &mut to_client);
        let _ = to_client.shutdown(Shutdown::Both);
    });
    let _ = std::io::copy(&mut from_client, &mut to_server);
    let _ = to_server.shutdown(Shutdown::Write);
    let _ = back.join();
}
