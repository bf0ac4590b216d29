//! The only module that calls the component's imports: the granted environment and project
//! files, the evidence directory, the clocks, and `wasi:http`.

use crate::bindings::wasi::clocks::{monotonic_clock, wall_clock};
use crate::bindings::wasi::http::outgoing_handler;
use crate::bindings::wasi::http::types::{
    ErrorCode, Fields, IncomingBody, IncomingResponse, Method, OutgoingBody, OutgoingRequest,
    Scheme,
};
use crate::bindings::wasi::io::streams::StreamError;
use crate::evidence;
use crate::setup::Change;
use crate::status::{self, Inputs};
use crate::time;
use crate::transport::TransportError;
use crate::transport::{BODY_CAP, Request, Response, Transport};
use crate::wit::evidence::WriteError;
use crate::wit::project::{self, ProjectFile};
use crate::wit::proxies;
use crate::wit::setup::{self as setup_files, SetupError};
use crate::wit::types::VerifyReport;
use qianwen_auth_facts::proxies::PROXY_FAILURE;

/// The granted environment and the project files, read through the imports.
pub fn inputs() -> Inputs {
    status::gather(
        environment(),
        project::ancestors(),
        |depth, file| project::read(at(depth), file),
        Some(status::GitLookup::new(project::git)),
    )
}

/// What the secrets are known from: the granted environment and the `.env` files. No
/// `.gitignore` and no git.
pub fn secret_inputs() -> Inputs {
    status::gather(
        environment(),
        project::ancestors(),
        |depth, file| match file {
            ProjectFile::Dotenv => project::read(at(depth), file),
            ProjectFile::Gitignore => Ok(None),
        },
        None,
    )
}

fn environment() -> Vec<(String, String)> {
    qianwen_auth_facts::variables::GRANTED
        .into_iter()
        .filter_map(|name| {
            std::env::var_os(name).map(|v| (name.to_string(), v.to_string_lossy().into_owned()))
        })
        .collect()
}

fn at(depth: usize) -> u32 {
    u32::try_from(depth).unwrap_or(u32::MAX)
}

/// Write the evidence record for `report`, made at `started`, as a new timestamped file and
/// as `latest.json`. Returns the timestamped file's path.
pub fn write_evidence(
    report: &VerifyReport,
    started: wall_clock::Datetime,
) -> Result<String, String> {
    let record = evidence::record(report, &time::rfc3339(started.seconds, started.nanoseconds));
    let stamp = time::compact(started.seconds, started.nanoseconds);
    let mut written = None;
    for attempt in 0..10 {
        let name = evidence::file_name(&stamp, attempt);
        match crate::wit::evidence::write(&name, &record, false) {
            Ok(path) => {
                written = Some(path);
                break;
            }
            Err(WriteError::Exists) => continue,
            Err(error) => return Err(write_error(&error)),
        }
    }
    let path = written.ok_or("ten evidence files with the same time already exist")?;
    crate::wit::evidence::write(evidence::LATEST, &record, true).map_err(|e| write_error(&e))?;
    Ok(path)
}

fn write_error(error: &WriteError) -> String {
    match error {
        WriteError::InvalidName => "the host refused the file name".into(),
        WriteError::Exists => "the file already exists".into(),
        WriteError::Refused(why) => why.clone(),
        WriteError::Io(why) => why.clone(),
    }
}

/// Make the changes in order, stopping at the first failure. Returns the descriptions of the
/// changes made, and the failure.
pub fn apply(changes: &[(Change, String)]) -> (Vec<String>, Option<String>) {
    let mut done = Vec::new();
    // Every file first: a change that cannot be made must stop init before any is made.
    let mut files: Vec<ProjectFile> = Vec::new();
    for (change, _) in changes {
        let file = match change {
            Change::Append(file, _) | Change::Replace(file, _, _) => *file,
            Change::WriteKey(..) | Change::MakePrivate => ProjectFile::Dotenv,
        };
        if !files.contains(&file) {
            files.push(file);
        }
    }
    if let Err(error) = setup_files::can_change(&files) {
        return (
            done,
            Some(format!("nothing was changed: {}", setup_error(error))),
        );
    }
    for (change, description) in changes {
        let result = match change {
            Change::Append(file, line) => setup_files::append_line(*file, line),
            Change::Replace(file, at, new) => setup_files::replace_line(*file, at, new),
            Change::WriteKey(name, at) => setup_files::write_key(name, at.as_ref()),
            Change::MakePrivate => setup_files::make_private(),
        };
        if let Err(error) = result {
            let why = setup_error(error);
            return (
                done,
                Some(format!("could not finish: {description} failed: {why}")),
            );
        }
        done.push(description.clone());
    }
    (done, None)
}

fn setup_error(error: SetupError) -> String {
    match error {
        SetupError::Refused(why) | SetupError::Io(why) => why,
        SetupError::Changed => "the file changed while init was working".into(),
    }
}

/// The wall-clock time.
pub fn now() -> wall_clock::Datetime {
    wall_clock::now()
}

/// The request, built: method, scheme, authority, path and headers, and its body to write.
fn outgoing(request: &Request) -> Result<(OutgoingRequest, OutgoingBody), TransportError> {
    let entries: Vec<(String, Vec<u8>)> = request
        .headers
        .iter()
        .map(|(name, value)| (name.to_string(), value.as_bytes().to_vec()))
        .collect();
    let headers = Fields::from_list(&entries)
        .map_err(|_| TransportError::Other("the request headers were refused".into()))?;
    let outgoing = OutgoingRequest::new(headers);
    let refused = |_| TransportError::Other("the request was malformed".into());
    outgoing.set_method(&Method::Post).map_err(refused)?;
    let scheme = if request.https {
        Scheme::Https
    } else {
        Scheme::Http
    };
    outgoing.set_scheme(Some(&scheme)).map_err(refused)?;
    outgoing
        .set_authority(Some(&request.authority))
        .map_err(refused)?;
    outgoing
        .set_path_with_query(Some(&request.path))
        .map_err(refused)?;
    let body = outgoing.body().map_err(refused)?;
    Ok((outgoing, body))
}

/// The answer: status, the headers the policy reads, and the body up to `BODY_CAP`.
fn read_response(incoming: IncomingResponse) -> Result<Response, TransportError> {
    let header = |name: &str| {
        incoming
            .headers()
            .get(name)
            .first()
            .map(|v| String::from_utf8_lossy(v).into_owned())
    };
    let mut response = Response {
        status: incoming.status(),
        retry_after: header("retry-after"),
        location: header("location"),
        ..Response::default()
    };
    let unavailable = |_| TransportError::Other("the response body was unavailable".into());
    let body = incoming.consume().map_err(unavailable)?;
    {
        let stream = body.stream().map_err(unavailable)?;
        loop {
            match stream.blocking_read(64 * 1024) {
                Ok(chunk) => {
                    if response.body.len() + chunk.len() > BODY_CAP {
                        let room = BODY_CAP - response.body.len();
                        response.body.extend_from_slice(&chunk[..room]);
                        response.truncated = true;
                        break;
                    }
                    response.body.extend_from_slice(&chunk);
                }
                Err(StreamError::Closed) => break,
                Err(error) => {
                    response.body_error = Some(stream_error(&error));
                    break;
                }
            }
        }
    }
    drop(IncomingBody::finish(body));
    Ok(response)
}

/// Requests through `wasi:http`; the host decides whether and how they go out.
pub struct WasiTransport;

impl Transport for WasiTransport {
    fn send(&mut self, request: &Request) -> Result<Response, TransportError> {
        let (outgoing, body) = outgoing(request)?;
        let refused = |_| TransportError::Other("the request was malformed".into());
        let pending = outgoing_handler::handle(outgoing, None).map_err(|e| transport_error(&e))?;
        let written = body
            .write()
            .map_err(refused)
            .and_then(|stream| {
                stream
                    .blocking_write_and_flush(request.body)
                    .map_err(|e| stream_error(&e))
            })
            .and_then(|()| OutgoingBody::finish(body, None).map_err(|e| transport_error(&e)));

        pending.subscribe().block();
        let incoming = match pending.get() {
            Some(Ok(Ok(response))) => response,
            // A request that failed before it was sent closes its body: the failure, not the
            // closed body, is what happened.
            Some(Ok(Err(error))) => return Err(transport_error(&error)),
            Some(Err(())) | None => {
                written?;
                return Err(TransportError::Other("no response".into()));
            }
        };
        written?;
        read_response(incoming)
    }

    fn now_ms(&mut self) -> u64 {
        monotonic_clock::now() / 1_000_000
    }

    fn sleep_ms(&mut self, ms: u64) {
        monotonic_clock::subscribe_duration(ms.saturating_mul(1_000_000)).block();
    }
}

fn stream_error(error: &StreamError) -> TransportError {
    match error {
        StreamError::Closed => TransportError::Broken,
        StreamError::LastOperationFailed(e) => {
            match crate::bindings::wasi::http::types::http_error_code(e) {
                Some(code) => transport_error(&code),
                // wasmtime hands a response body's error over without its code, only its words.
                None if e.to_debug_string().contains("timeout") => TransportError::Timeout,
                None => TransportError::Broken,
            }
        }
    }
}

fn transport_error(code: &ErrorCode) -> TransportError {
    match code {
        ErrorCode::HttpRequestDenied => TransportError::Denied,
        ErrorCode::DnsTimeout | ErrorCode::DnsError(_) | ErrorCode::DestinationNotFound => {
            TransportError::Dns
        }
        ErrorCode::ConnectionRefused
        | ErrorCode::DestinationUnavailable
        | ErrorCode::DestinationIpProhibited
        | ErrorCode::DestinationIpUnroutable => TransportError::Refused,
        ErrorCode::ConnectionTimeout => TransportError::ConnectTimeout,
        ErrorCode::ConnectionReadTimeout
        | ErrorCode::ConnectionWriteTimeout
        | ErrorCode::HttpResponseTimeout => TransportError::Timeout,
        ErrorCode::TlsProtocolError
        | ErrorCode::TlsCertificateError
        | ErrorCode::TlsAlertReceived(_) => TransportError::Tls,
        ErrorCode::ConnectionTerminated
        | ErrorCode::HttpResponseIncomplete
        | ErrorCode::HttpProtocolError => TransportError::Broken,
        ErrorCode::InternalError(Some(what)) if what == PROXY_FAILURE => {
            match proxies::failures().pop() {
                Some(failure) => TransportError::Proxy(failure),
                None => TransportError::Other(what.clone()),
            }
        }
        other => TransportError::Other(format!("{other:?}")),
    }
}
