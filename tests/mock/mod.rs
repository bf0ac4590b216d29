//! A mock DashScope on loopback: a real HTTP/1.1 server that answers from a script, counts
//! connections, and records what it was sent. It can answer every row of the error table in
//! both shapes, echo the key, hang, break off mid-body, redirect, send garbage or too much.

pub mod proxy;

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One answer.
#[derive(Clone, Debug)]
pub enum Reply {
    /// A status, extra headers and a body.
    Http {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// 401 whose message repeats the bearer token the request carried.
    EchoKey,
    /// Read the request, then say nothing until the client gives up.
    Hang,
    /// Promise a body, send half of it, then reset the connection.
    ResetMidBody,
    /// Promise a body, send a little of it, then say nothing more until the client gives up.
    StallMidBody,
}

impl Reply {
    pub fn json(status: u16, body: &str) -> Self {
        Reply::Http {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.as_bytes().to_vec(),
        }
    }

    pub fn with_header(self, name: &str, value: &str) -> Self {
        match self {
            Reply::Http {
                status,
                mut headers,
                body,
            } => {
                headers.push((name.into(), value.into()));
                Reply::Http {
                    status,
                    headers,
                    body,
                }
            }
            other => other,
        }
    }
}

/// A name the TLS mock's certificate holds that resolves nowhere: only a proxy, which connects
/// every request to the mock, can reach it. (Loopback is never proxied.)
pub const TLS_NAME: &str = "api.test.example";

pub const OK_BODY: &str = r#"{"id":"chatcmpl-mock","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"Hello!"},"finish_reason":"stop"}],"model":"qwen-turbo"}"#;

/// The compatible-mode error shape.
pub fn compat_error(code: &str, message: &str) -> String {
    format!(
        r#"{{"error":{{"message":"{message}","type":"invalid_request_error","param":null,"code":"{code}"}},"request_id":"mock-req-1"}}"#
    )
}

/// The native error shape.
pub fn native_error(code: &str, message: &str) -> String {
    format!(r#"{{"code":"{code}","message":"{message}","request_id":"mock-req-2"}}"#)
}

/// A request as the mock saw it.
#[derive(Clone, Debug, Default)]
pub struct Seen {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

pub struct Mock {
    pub port: u16,
    connections: Arc<AtomicUsize>,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Mock {
    /// Serve `script` in order; the last reply repeats.
    pub fn start(script: Vec<Reply>) -> Mock {
        Self::spawn(script, None)
    }

    /// The same over TLS, with a certificate for `localhost` and for `TLS_NAME` (a name only a
    /// proxy resolves, to this mock) issued by the returned CA (PEM).
    pub fn start_tls(script: Vec<Reply>) -> (Mock, String) {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let ca_key = rcgen::KeyPair::generate().unwrap();
        let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "qianwen-auth test CA");
        let ca = ca_params.self_signed(&ca_key).unwrap();
        let issuer = rcgen::Issuer::new(ca_params, ca_key);
        let leaf_key = rcgen::KeyPair::generate().unwrap();
        let leaf = rcgen::CertificateParams::new(vec!["localhost".to_string(), TLS_NAME.into()])
            .unwrap()
            .signed_by(&leaf_key, &issuer)
            .unwrap();
        let config = rustls::ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(
                vec![leaf.der().clone()],
                rustls::pki_types::PrivateKeyDer::try_from(leaf_key.serialize_der()).unwrap(),
            )
            .unwrap();
        (Self::spawn(script, Some(Arc::new(config))), ca.pem())
    }

    fn spawn(script: Vec<Reply>, tls: Option<Arc<rustls::ServerConfig>>) -> Mock {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let port = listener.local_addr().unwrap().port();
        let connections = Arc::new(AtomicUsize::new(0));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(script);
        let (c, s) = (Arc::clone(&connections), Arc::clone(&seen));
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let n = c.fetch_add(1, Ordering::SeqCst);
                let reply = script[n.min(script.len() - 1)].clone();
                let s = Arc::clone(&s);
                let tls = tls.clone();
                std::thread::spawn(move || match tls {
                    None => serve(stream, reply, &s),
                    Some(config) => serve_tls(stream, config, reply, &s),
                });
            }
        });
        Mock {
            port,
            connections,
            seen,
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn grant(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

/// TLS serves plain answers only.
fn serve_tls(
    stream: TcpStream,
    config: Arc<rustls::ServerConfig>,
    reply: Reply,
    seen: &Mutex<Vec<Seen>>,
) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let Ok(connection) = rustls::ServerConnection::new(config) else {
        return;
    };
    let mut tls = rustls::StreamOwned::new(connection, stream);
    let Some(request) = read_request(&mut BufReader::new(&mut tls)) else {
        return;
    };
    seen.lock().unwrap().push(request);
    if let Reply::Http {
        status,
        headers,
        body,
    } = reply
    {
        let _ = write_response(&mut tls, status, &headers, &body);
        tls.conn.send_close_notify();
        let _ = tls.flush();
    }
}

fn serve(stream: TcpStream, reply: Reply, seen: &Mutex<Vec<Seen>>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let Some(request) = read_request(&mut reader) else {
        return;
    };
    let bearer = request
        .header("authorization")
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("")
        .to_string();
    seen.lock().unwrap().push(request);
    let mut stream = stream;
    match reply {
        Reply::Http {
            status,
            headers,
            body,
        } => {
            let _ = write_response(&mut stream, status, &headers, &body);
        }
        Reply::EchoKey => {
            let body = compat_error(
                "invalid_api_key",
                &format!(
                    "Incorrect API key provided: {bearer}. You can find your API-Key at https://example.invalid/"
                ),
            );
            let headers = vec![("content-type".into(), "application/json".into())];
            let _ = write_response(&mut stream, 401, &headers, body.as_bytes());
        }
        Reply::Hang => {
            std::thread::sleep(Duration::from_secs(120));
        }
        Reply::StallMidBody => {
            let head =
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 4000\r\n\r\n";
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&OK_BODY.as_bytes()[..40]);
            let _ = stream.flush();
            std::thread::sleep(Duration::from_secs(120));
        }
        Reply::ResetMidBody => {
            let head =
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 4000\r\n\r\n";
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&OK_BODY.as_bytes()[..40]);
            let _ = stream.flush();
            std::thread::sleep(Duration::from_millis(100));
            let _ = socket2::SockRef::from(&stream).set_linger(Some(Duration::ZERO));
        }
    }
}

fn read_request(reader: &mut impl BufRead) -> Option<Seen> {
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let mut seen = Seen {
        method: parts.next()?.to_string(),
        target: parts.next()?.to_string(),
        ..Seen::default()
    };
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).ok()?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':')?;
        seen.headers
            .push((name.trim().to_string(), value.trim().to_string()));
    }
    let length: usize = seen
        .header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    seen.body = vec![0; length];
    reader.read_exact(&mut seen.body).ok()?;
    Some(seen)
}

fn write_response(
    stream: &mut impl Write,
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!(
        "content-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    ));
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    stream.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}
