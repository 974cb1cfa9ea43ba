//! Pod subresources a kubelet serves: `log` (`logs`: every container's lines, follow, tail,
//! since, limits); over upgraded connections `exec` and `attach` (WebSocket channel protocols
//! v5/v4, a built-in shell per pod) and `portforward` (WebSocket, and SPDY/3.1 for kubectl).

pub mod connect;
pub mod context;
pub mod exec;
pub mod lines;
pub mod log_query;
pub mod logs;
pub mod parse;
pub mod portforward;
pub mod shell;
pub mod spdy;
pub mod tty;

/// A close frame with status 1000: client-go treats a close without a status (1005) as an error.
pub(crate) fn normal_close() -> tokio_tungstenite::tungstenite::protocol::CloseFrame {
    tokio_tungstenite::tungstenite::protocol::CloseFrame {
        code: tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode::Normal,
        reason: "".into(),
    }
}
