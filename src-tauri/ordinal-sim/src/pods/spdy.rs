//! SPDY/3.1 for `kubectl port-forward`: over a plain `Upgrade: SPDY/3.1` connection, or
//! tunnelled in WebSocket binary messages (`SPDY/3.1+portforward.k8s.io`, kubectl ≥ 1.30).
//!
//! Only what the Kubernetes port-forward protocol uses: the client opens stream pairs
//! (`streamType: error` then `streamType: data`, sharing `requestID` and `port` headers); the
//! server answers every SYN_STREAM with an empty SYN_REPLY, forwards DATA to the port, writes a
//! connection error on the error stream, ends streams with FIN, echoes PINGs and stops on GOAWAY.
//! Header blocks are zlib streams (one per direction) primed with the SPDY/3 dictionary. No flow
//! control (spdystream, kubectl's implementation, sends no WINDOW_UPDATE either).

use std::collections::HashMap;
use std::sync::Arc;

use bytes::Bytes;
use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};
use futures::{SinkExt, StreamExt};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

use super::context::PodCtx;
use super::portforward::{connect_error, port_kind, serve_port};

/// The SPDY/3 header compression dictionary (1423 bytes, from the SPDY/3 specification).
static DICTIONARY: &[u8] = include_bytes!("spdy_dict.bin");

const SYN_STREAM: u16 = 1;
const SYN_REPLY: u16 = 2;
const RST_STREAM: u16 = 3;
const PING: u16 = 6;
const GOAWAY: u16 = 7;
const FLAG_FIN: u8 = 1;

#[derive(Debug, thiserror::Error)]
pub enum SpdyError {
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
    #[error("header block: {0}")]
    Header(String),
}

struct Zlib {
    out: Compress,
    inp: Decompress,
}

impl Zlib {
    fn new() -> Zlib {
        let mut out = Compress::new(Compression::default(), true);
        let _ = out.set_dictionary(DICTIONARY);
        Zlib {
            out,
            inp: Decompress::new(true),
        }
    }

    fn compress(&mut self, data: &[u8]) -> Vec<u8> {
        let mut v = Vec::with_capacity(data.len() + 64);
        let mut pos = 0;
        loop {
            if v.capacity() - v.len() < 64 {
                v.reserve(256);
            }
            let before = self.out.total_in();
            let _ = self
                .out
                .compress_vec(&data[pos..], &mut v, FlushCompress::Sync);
            pos += (self.out.total_in() - before) as usize;
            if pos >= data.len() && v.capacity() > v.len() {
                return v;
            }
        }
    }

    fn decompress(&mut self, data: &[u8]) -> Result<Vec<u8>, SpdyError> {
        let mut v = Vec::with_capacity(data.len() * 4 + 64);
        let mut pos = 0;
        loop {
            if v.capacity() - v.len() < 256 {
                v.reserve(v.capacity().max(1024));
            }
            let (before, out_before) = (self.inp.total_in(), self.inp.total_out());
            let r = self
                .inp
                .decompress_vec(&data[pos..], &mut v, FlushDecompress::Sync);
            pos += (self.inp.total_in() - before) as usize;
            let stuck = self.inp.total_in() == before && self.inp.total_out() == out_before;
            match r {
                Ok(Status::Ok) | Ok(Status::BufError) | Ok(Status::StreamEnd) => {
                    if pos >= data.len() && v.capacity() > v.len() {
                        return Ok(v);
                    }
                    if stuck && v.capacity() > v.len() {
                        return Err(SpdyError::Header("corrupt header block".into()));
                    }
                }
                Err(e) if e.needs_dictionary().is_some() => {
                    self.inp
                        .set_dictionary(DICTIONARY)
                        .map_err(|e| SpdyError::Header(e.to_string()))?;
                }
                Err(e) => return Err(SpdyError::Header(e.to_string())),
            }
        }
    }
}

fn parse_headers(b: &[u8]) -> Result<HashMap<String, String>, SpdyError> {
    let bad = || SpdyError::Header("truncated header block".into());
    let u32_at = |i: usize| -> Result<usize, SpdyError> {
        let s = b.get(i..i + 4).ok_or_else(bad)?;
        Ok(u32::from_be_bytes([s[0], s[1], s[2], s[3]]) as usize)
    };
    let n = u32_at(0)?;
    let mut i = 4;
    let mut out = HashMap::new();
    for _ in 0..n.min(1024) {
        let nl = u32_at(i)?;
        let name = b.get(i + 4..i + 4 + nl).ok_or_else(bad)?;
        i += 4 + nl;
        let vl = u32_at(i)?;
        let value = b.get(i + 4..i + 4 + vl).ok_or_else(bad)?;
        i += 4 + vl;
        out.insert(
            String::from_utf8_lossy(name).to_lowercase(),
            String::from_utf8_lossy(value).into_owned(),
        );
    }
    Ok(out)
}

fn control(kind: u16, flags: u8, payload: &[u8]) -> Vec<u8> {
    let mut v = vec![0x80, 3];
    v.extend_from_slice(&kind.to_be_bytes());
    v.push(flags);
    v.extend_from_slice(&(payload.len() as u32).to_be_bytes()[1..]);
    v.extend_from_slice(payload);
    v
}

fn data(stream: u32, flags: u8, payload: &[u8]) -> Vec<u8> {
    let mut v = (stream & 0x7fff_ffff).to_be_bytes().to_vec();
    v.push(flags);
    v.extend_from_slice(&(payload.len() as u32).to_be_bytes()[1..]);
    v.extend_from_slice(payload);
    v
}

struct Pair {
    error: Option<u32>,
    data: Option<u32>,
    port: u16,
}

/// Serve one SPDY session over a byte stream.
pub async fn serve<S>(io: S, ctx: Arc<PodCtx>) -> Result<(), SpdyError>
where
    S: AsyncRead + AsyncWrite + Send + 'static,
{
    let (mut rd, mut wr) = tokio::io::split(io);
    let (tx, mut rx) = mpsc::channel::<Vec<u8>>(64);
    let writer = tokio::spawn(async move {
        while let Some(f) = rx.recv().await {
            if wr.write_all(&f).await.is_err() || wr.flush().await.is_err() {
                break;
            }
        }
        let _ = wr.shutdown().await;
    });
    let mut z = Zlib::new();
    let mut pairs: HashMap<String, Pair> = HashMap::new();
    let mut inputs: HashMap<u32, mpsc::Sender<Bytes>> = HashMap::new();
    let mut head = [0u8; 8];
    loop {
        if rd.read_exact(&mut head).await.is_err() {
            break;
        }
        let flags = head[4];
        let len = u32::from_be_bytes([0, head[5], head[6], head[7]]) as usize;
        let mut payload = vec![0u8; len];
        if rd.read_exact(&mut payload).await.is_err() {
            break;
        }
        if head[0] & 0x80 == 0 {
            let id = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) & 0x7fff_ffff;
            if !payload.is_empty() {
                if let Some(t) = inputs.get(&id) {
                    let _ = t.send(Bytes::from(payload)).await;
                }
            }
            if flags & FLAG_FIN != 0 {
                inputs.remove(&id);
            }
            continue;
        }
        let kind = u16::from_be_bytes([head[2], head[3]]);
        match kind {
            SYN_STREAM if payload.len() >= 10 => {
                let id = u32::from_be_bytes([payload[0], payload[1], payload[2], payload[3]])
                    & 0x7fff_ffff;
                let headers = parse_headers(&z.decompress(&payload[10..])?)?;
                let mut reply = id.to_be_bytes().to_vec();
                reply.extend(z.compress(&0u32.to_be_bytes()));
                let _ = tx.send(control(SYN_REPLY, 0, &reply)).await;
                let port: u16 = headers
                    .get("port")
                    .and_then(|p| p.parse().ok())
                    .unwrap_or(0);
                let req = headers.get("requestid").cloned().unwrap_or_default();
                let pair = pairs.entry(req.clone()).or_insert(Pair {
                    error: None,
                    data: None,
                    port,
                });
                match headers.get("streamtype").map(String::as_str) {
                    Some("error") => pair.error = Some(id),
                    Some("data") => {
                        pair.data = Some(id);
                        if flags & FLAG_FIN == 0 {
                            let (itx, irx) = mpsc::channel::<Bytes>(64);
                            inputs.insert(id, itx);
                            start(
                                ctx.clone(),
                                pairs.remove(&req).unwrap_or(Pair {
                                    error: None,
                                    data: Some(id),
                                    port,
                                }),
                                irx,
                                tx.clone(),
                            );
                        }
                    }
                    _ => {}
                }
            }
            RST_STREAM if payload.len() >= 4 => {
                let id = u32::from_be_bytes([payload[0], payload[1], payload[2], payload[3]])
                    & 0x7fff_ffff;
                inputs.remove(&id);
            }
            PING => {
                let _ = tx.send(control(PING, 0, &payload)).await;
            }
            GOAWAY => break,
            _ => {}
        }
    }
    drop(inputs);
    drop(tx);
    let _ = writer.await;
    Ok(())
}

/// One forwarded connection: the data stream to the port, errors on the error stream.
fn start(ctx: Arc<PodCtx>, pair: Pair, input: mpsc::Receiver<Bytes>, tx: mpsc::Sender<Vec<u8>>) {
    let Some(data_id) = pair.data else { return };
    tokio::spawn(async move {
        match port_kind(&ctx, pair.port) {
            None => {
                if let Some(e) = pair.error {
                    let _ = tx
                        .send(data(e, 0, connect_error(&ctx, pair.port).as_bytes()))
                        .await;
                }
            }
            Some(kind) => {
                let (ptx, mut prx) = mpsc::channel::<Bytes>(64);
                let fwd = async {
                    while let Some(b) = prx.recv().await {
                        for chunk in b.chunks(64 * 1024) {
                            if tx.send(data(data_id, 0, chunk)).await.is_err() {
                                return;
                            }
                        }
                    }
                };
                tokio::join!(serve_port(ctx.clone(), pair.port, kind, input, ptx), fwd);
            }
        }
        let _ = tx.send(data(data_id, FLAG_FIN, &[])).await;
        if let Some(e) = pair.error {
            let _ = tx.send(data(e, FLAG_FIN, &[])).await;
        }
    });
}

/// SPDY tunnelled in WebSocket binary messages: bridge them to a byte stream.
pub async fn serve_tunnel<S>(ws: WebSocketStream<S>, ctx: Arc<PodCtx>) -> Result<(), SpdyError>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (ours, theirs) = tokio::io::duplex(256 * 1024);
    let session = tokio::spawn(serve(theirs, ctx));
    let (mut sink, mut stream) = ws.split();
    let (mut rd, mut wr) = tokio::io::split(ours);
    let up = async move {
        while let Some(Ok(m)) = stream.next().await {
            match m {
                Message::Binary(b) if wr.write_all(&b).await.is_err() => break,
                Message::Close(_) => break,
                _ => {}
            }
        }
        let _ = wr.shutdown().await;
    };
    let down = async move {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            match rd.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if sink.send(Message::binary(buf[..n].to_vec())).await.is_err() {
                        break;
                    }
                }
            }
        }
        let _ = sink.send(Message::Close(Some(super::normal_close()))).await;
    };
    futures::future::join(up, down).await;
    let _ = session.await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_blocks_round_trip_through_the_dictionary() {
        assert_eq!(DICTIONARY.len(), 1423);
        let mut a = Zlib::new();
        let mut b = Zlib::new();
        let mut block = 3u32.to_be_bytes().to_vec();
        for (k, v) in [("streamtype", "data"), ("port", "8080"), ("requestid", "0")] {
            block.extend((k.len() as u32).to_be_bytes());
            block.extend(k.as_bytes());
            block.extend((v.len() as u32).to_be_bytes());
            block.extend(v.as_bytes());
        }
        for _ in 0..2 {
            let c = a.compress(&block);
            let h = parse_headers(&b.decompress(&c).unwrap()).unwrap();
            assert_eq!(h["port"], "8080");
            assert_eq!(h["streamtype"], "data");
        }
    }
}
