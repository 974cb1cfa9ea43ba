//! Pod subresources a kubelet serves: logs (`logs`).

pub mod logs;
