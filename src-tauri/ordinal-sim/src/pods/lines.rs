//! What containers write: lines that look like their image's (postgres, redis, kafka, nginx,
//! mongo, zookeeper, rabbitmq, elasticsearch, memcached, or a generic service), and the lines a
//! crashing run ends with. Deterministic per pod and line number.

/// Messages per kind of image; `{n}`, `{ms}`, `{a}`, `{b}`, `{pct}` are filled per line.
fn messages(image: &str) -> (&'static [&'static str], &'static [&'static str]) {
    let base = image.rsplit('/').next().unwrap_or(image);
    let base = base.split([':', '@']).next().unwrap_or(base);
    match base {
        "postgres" | "postgresql" => (
            &[
                "LOG:  database system is ready to accept connections",
                "LOG:  checkpoint starting: time",
                "LOG:  checkpoint complete: wrote {n} buffers ({pct}%); sync files={a}, total={ms} ms",
                "LOG:  connection received: host=10.244.{a}.{b} port={n}",
                "LOG:  connection authorized: user=app database=app",
                "LOG:  duration: {ms} ms  statement: SELECT * FROM orders WHERE id = {n}",
                "LOG:  automatic vacuum of table \"app.public.orders\": index scans: 1",
            ],
            &["FATAL:  could not open file \"global/pg_filenode.map\": Permission denied", "LOG:  database system is shut down"],
        ),
        "redis" | "valkey" => (
            &[
                "1:M * Ready to accept connections tcp",
                "1:M * {n} changes in 60 seconds. Saving...",
                "1:M * Background saving started by pid {a}",
                "1:M * DB saved on disk",
                "1:M * Background saving terminated with success",
                "1:M * Accepted 10.244.{a}.{b}:{n}",
            ],
            &["1:M # Fatal error loading the DB: Invalid argument. Exiting."],
        ),
        "kafka" => (
            &[
                "[KafkaServer id={a}] started (kafka.server.KafkaServer)",
                "[Log partition=orders-{a}, dir=/bitnami/kafka/data] Rolled new log segment at offset {n} in {ms} ms.",
                "[GroupCoordinator {a}]: Stabilized group billing generation {n}",
                "[ReplicaFetcher replicaId={a}, leaderId={b}] Truncating partition orders-{a} to offset {n}",
                "[Controller id={a}] Processing automatic preferred replica leader election",
            ],
            &["ERROR Exiting Kafka due to fatal exception (kafka.Kafka$)", "java.lang.OutOfMemoryError: Java heap space"],
        ),
        "nginx" => (
            &[
                "10.244.{a}.{b} - - \"GET / HTTP/1.1\" 200 615 \"-\" \"kube-probe/1.34\"",
                "10.244.{a}.{b} - - \"GET /api/orders/{n} HTTP/1.1\" 200 {ms} \"-\" \"curl/8.5.0\"",
                "10.244.{a}.{b} - - \"POST /api/orders HTTP/1.1\" 201 {n} \"-\" \"Go-http-client/1.1\"",
                "10.244.{a}.{b} - - \"GET /missing HTTP/1.1\" 404 153 \"-\" \"curl/8.5.0\"",
            ],
            &["[emerg] 1#1: bind() to 0.0.0.0:80 failed (98: Address already in use)"],
        ),
        "mongo" => (
            &[
                "{\"t\":{\"$date\":\"now\"},\"s\":\"I\",\"c\":\"NETWORK\",\"msg\":\"Connection accepted\",\"attr\":{\"remote\":\"10.244.{a}.{b}:{n}\"}}",
                "{\"t\":{\"$date\":\"now\"},\"s\":\"I\",\"c\":\"STORAGE\",\"msg\":\"WiredTiger message\",\"attr\":{\"message\":\"saving checkpoint snapshot min: {n}\"}}",
                "{\"t\":{\"$date\":\"now\"},\"s\":\"I\",\"c\":\"COMMAND\",\"msg\":\"Slow query\",\"attr\":{\"durationMillis\":{ms}}}",
            ],
            &["{\"s\":\"F\",\"c\":\"CONTROL\",\"msg\":\"Fatal assertion\",\"attr\":{\"msgid\":{n}}}"],
        ),
        "zookeeper" => (
            &[
                "INFO  [NIOWorkerThread-{a}:NIOServerCnxn@{n}] - Processing ruok command from /10.244.{a}.{b}",
                "INFO  [SyncThread:{a}:FileTxnLog@{n}] - Creating new log file: log.{n}",
                "INFO  [QuorumPeer[myid={a}]:Leader@{n}] - Have quorum of supporters",
            ],
            &["ERROR [main:QuorumPeerMain@{n}] - Unexpected exception, exiting abnormally"],
        ),
        "rabbitmq" => (
            &[
                "[info] <0.{n}.0> accepting AMQP connection 10.244.{a}.{b}:{n}",
                "[info] <0.{n}.0> connection 10.244.{a}.{b}:{n}: user 'app' authenticated",
                "[info] <0.{n}.0> Server startup complete; {a} plugins started.",
            ],
            &["[error] <0.{n}.0> BOOT FAILED", "[error] <0.{n}.0> exception error: {badmatch,{error,enoent}}"],
        ),
        "elasticsearch" => (
            &[
                "{\"level\":\"INFO\",\"component\":\"o.e.c.r.a.AllocationService\",\"message\":\"current.health=\\\"GREEN\\\"\"}",
                "{\"level\":\"INFO\",\"component\":\"o.e.m.j.JvmGcMonitorService\",\"message\":\"[gc][{n}] overhead, spent [{ms}ms] collecting\"}",
            ],
            &["{\"level\":\"ERROR\",\"message\":\"fatal exception while booting Elasticsearch\"}"],
        ),
        "memcached" => (
            &["<{a} new auto-negotiating client connection", "<{a} connection closed.", ">{a} STORED"],
            &["failed to listen on TCP port 11211: Address already in use"],
        ),
        _ => (
            &[
                "INFO  listening on 0.0.0.0:8080",
                "INFO  health probe ok",
                "INFO  accepted connection from 10.244.{a}.{b}",
                "WARN  slow request took {ms}ms",
                "INFO  processed {n} items",
            ],
            &["panic: runtime error: invalid memory address or nil pointer dereference", "goroutine 1 [running]:"],
        ),
    }
}

fn fill(tmpl: &str, h: u64) -> String {
    tmpl.replace("{n}", &(h % 5000).to_string())
        .replace("{pct}", &format!("{:.1}", (h % 1000) as f64 / 10.0))
        .replace("{a}", &((h >> 8) % 255).to_string())
        .replace("{b}", &((h >> 16) % 255).to_string())
        .replace("{ms}", &((h >> 24) % 2000).to_string())
}

/// Line `i` of a container of `image` in `pod`: the first is the image's start-up line, then a
/// deterministic mix.
pub fn line_for(image: &str, pod: &str, i: u64) -> String {
    let (lines, _) = messages(image);
    let h = crate::ops::fxhash(&format!("{pod}/{image}/{i}"));
    let t = if i == 0 {
        lines[0]
    } else {
        lines[1 + (h % (lines.len() as u64 - 1)) as usize]
    };
    fill(t, h)
}

pub fn crash_lines(image: &str) -> Vec<String> {
    let (_, crash) = messages(image);
    crash
        .iter()
        .enumerate()
        .map(|(i, t)| fill(t, i as u64 * 7919))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_look_like_their_image() {
        assert!(line_for("postgres:16.4", "postgres-0", 0).contains("ready to accept connections"));
        assert!(line_for("redis:7.4-alpine", "redis-0", 0).contains("Ready to accept"));
        assert!(line_for("docker.io/bitnami/kafka:3.8", "kafka-0", 0).contains("KafkaServer"));
        assert_ne!(
            line_for("postgres:16.4", "postgres-0", 5),
            line_for("postgres:16.4", "postgres-1", 5)
        );
    }
}
