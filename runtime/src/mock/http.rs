//! Just enough HTTP/1.1 for the mock server: read a request (request line, headers,
//! `Content-Length` body) and write a response. Connections are kept alive until the
//! client closes them or a reply drops the connection.

use std::io;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Largest request head accepted (request line and headers).
const MAX_HEAD: usize = 64 * 1024;
/// Largest request body accepted.
const MAX_BODY: usize = 16 * 1024 * 1024;

/// A request as read from the socket.
#[derive(Debug, Clone)]
pub struct RawRequest {
    /// Method, as sent (`GET`).
    pub method: String,
    /// Request target: path and query (`/campaigns?limit=5`).
    pub target: String,
    /// Headers, names lower-cased, in arrival order.
    pub headers: Vec<(String, String)>,
    /// Body bytes (`Content-Length` bodies only).
    pub body: Vec<u8>,
}

/// Reads one request from `stream`, keeping bytes of the next one in `buffer`;
/// `Ok(None)` when the peer closed the connection first. Shared with the project's
/// scripted test server, so both read requests the same way.
pub async fn read_request(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> io::Result<Option<RawRequest>> {
    let head_end = loop {
        if let Some(end) = find(buffer, b"\r\n\r\n") {
            break end;
        }
        if buffer.len() > MAX_HEAD {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "request head too large"));
        }
        let mut chunk = [0u8; 8192];
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            return Ok(None);
        }
        buffer.extend_from_slice(&chunk[..read]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next().unwrap_or_default().split(' ');
    let method = request_line.next().unwrap_or_default().to_owned();
    let target = request_line.next().unwrap_or("/").to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    let length = headers
        .iter()
        .find(|(name, _)| name == "content-length")
        .and_then(|(_, value)| value.parse::<usize>().ok())
        .unwrap_or(0);
    if length > MAX_BODY {
        return Err(io::Error::new(io::ErrorKind::InvalidData, "request body too large"));
    }
    let body_start = head_end + 4;
    while buffer.len() < body_start + length {
        let mut chunk = [0u8; 8192];
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "body cut short"));
        }
        buffer.extend_from_slice(&chunk[..read]);
    }
    let body = buffer[body_start..body_start + length].to_vec();
    buffer.drain(..body_start + length);
    Ok(Some(RawRequest {
        method,
        target,
        headers,
        body,
    }))
}

/// Writes a complete response.
pub(crate) async fn write_response(
    stream: &mut TcpStream,
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
) -> io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {status} {}\r\ncontent-length: {}\r\n",
        reason(status),
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body).await?;
    stream.flush().await
}

/// Writes a chunked response one chunk at a time, pausing before each chunk after
/// the first; with `cut_off`, stops before the final empty chunk (the caller then
/// closes the connection).
pub(crate) async fn write_chunked(
    stream: &mut TcpStream,
    status: u16,
    headers: &[(String, String)],
    chunks: &[Vec<u8>],
    pause: Option<std::time::Duration>,
    cut_off: bool,
) -> io::Result<()> {
    let mut head = format!("HTTP/1.1 {status} {}\r\ntransfer-encoding: chunked\r\n", reason(status));
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await?;
    stream.flush().await?;
    for (index, chunk) in chunks.iter().filter(|chunk| !chunk.is_empty()).enumerate() {
        if let (Some(pause), true) = (pause, index > 0) {
            tokio::time::sleep(pause).await;
        }
        stream.write_all(format!("{:x}\r\n", chunk.len()).as_bytes()).await?;
        stream.write_all(chunk).await?;
        stream.write_all(b"\r\n").await?;
        stream.flush().await?;
    }
    if !cut_off {
        stream.write_all(b"0\r\n\r\n").await?;
    }
    stream.flush().await
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|window| window == needle)
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}
