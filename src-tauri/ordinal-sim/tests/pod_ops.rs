//! pods/exec and pods/portforward through kube-rs (WebSocket v5 channels, tty, resize, stdin
//! close) and through the real `kubectl` (exec over WebSocket, port-forward over SPDY). The real
//! cluster of `ORDINAL_TEST_KUBECONFIG` (a 1.20 control plane with a stand-in kubelet) serves
//! neither, so there these tests are skipped.
mod common;

use std::process::Stdio;
use std::time::Duration;

use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Status;
use kube::api::{Api, AttachParams, AttachedProcess, PostParams, TerminalSize};
use kube::Client;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};

const UNSERVED: &str = "the real cluster's stand-in kubelet serves no exec/attach/port-forward";

/// Two StatefulSets: `cache` (Alpine-like redis, HTTP on 8080, echo on 6379) with 2 ordinals and
/// `pg` (Debian-like postgres, with bash). Returns the namespace once all pods run.
async fn workloads(c: &common::Cluster) -> String {
    let ns = common::namespace(&c.client, "podops").await;
    let sts: Api<StatefulSet> = Api::namespaced(c.client.clone(), &ns);
    for (name, image, replicas, ports) in [
        (
            "cache",
            "redis:7.4-alpine",
            2,
            serde_json::json!([{"name": "http", "containerPort": 8080}, {"name": "redis", "containerPort": 6379}]),
        ),
        (
            "pg",
            "postgres:16.4",
            1,
            serde_json::json!([{"name": "main", "containerPort": 5432}]),
        ),
    ] {
        let mut v = common::sts_json(name, replicas, "Parallel");
        v["spec"]["template"]["spec"]["containers"][0]["image"] = image.into();
        v["spec"]["template"]["spec"]["containers"][0]["ports"] = ports;
        v["spec"]["template"]["spec"]["containers"][0]["env"] =
            serde_json::json!([{"name": "GREETING", "value": "hi there"}]);
        let s: StatefulSet = serde_json::from_value(v).unwrap();
        sts.create(&PostParams::default(), &s)
            .await
            .expect("statefulset created");
    }
    let pods: Api<Pod> = Api::namespaced(c.client.clone(), &ns);
    for p in ["cache-0", "cache-1", "pg-0"] {
        common::eventually(Duration::from_secs(20), || async {
            let pod = pods.get_opt(p).await.ok().flatten()?;
            let st = pod.status?;
            (st.phase.as_deref() == Some("Running")
                && st
                    .container_statuses?
                    .iter()
                    .all(|s| s.state.as_ref().and_then(|s| s.running.as_ref()).is_some()))
            .then_some(())
        })
        .await
        .unwrap_or_else(|| panic!("{p} running"));
    }
    ns
}

async fn read_all(r: Option<impl AsyncRead + Unpin>) -> String {
    let mut s = String::new();
    if let Some(mut r) = r {
        let _ = r.read_to_string(&mut s).await;
    }
    s
}

/// Collect stdout, stderr and the status of a started process.
async fn finish(mut p: AttachedProcess) -> (String, String, Status) {
    let status = p.take_status().expect("status");
    let (out, err) = tokio::join!(read_all(p.stdout()), read_all(p.stderr()));
    let st = tokio::time::timeout(Duration::from_secs(10), status)
        .await
        .expect("status in time")
        .expect("a status");
    (out, err, st)
}

async fn exec(pods: &Api<Pod>, pod: &str, cmd: &[&str]) -> (String, String, Status) {
    let p = pods
        .exec(pod, cmd.to_vec(), &AttachParams::default())
        .await
        .expect("exec starts");
    finish(p).await
}

fn exit_code(s: &Status) -> Option<String> {
    s.details
        .as_ref()?
        .causes
        .as_ref()?
        .iter()
        .find(|c| c.reason.as_deref() == Some("ExitCode"))?
        .message
        .clone()
}

fn api_error(r: Result<AttachedProcess, kube::Error>) -> (u16, String) {
    match r {
        Err(kube::Error::Api(s)) => (s.code, s.message),
        Err(e) => panic!("expected an API error, got {e}"),
        Ok(_) => panic!("expected an API error, the exec started"),
    }
}

async fn sim_or_skip(test: &str) -> Option<(common::Cluster, String)> {
    let c = common::start_with(ordinal_sim::Seed::Empty, Duration::from_millis(50)).await;
    if c.sim.is_none() {
        common::skipped(test, UNSERVED);
        return None;
    }
    let ns = workloads(&c).await;
    Some((c, ns))
}

#[tokio::test]
async fn exec_commands_exit_codes_and_errors() {
    let Some((c, ns)) = sim_or_skip("exec_commands_exit_codes_and_errors").await else {
        return;
    };
    let pods: Api<Pod> = Api::namespaced(c.client.clone(), &ns);

    let (out, err, st) = exec(&pods, "cache-1", &["hostname"]).await;
    assert_eq!(
        (out.as_str(), err.as_str(), st.status.as_deref()),
        ("cache-1\n", "", Some("Success")),
        "{st:?}"
    );

    let (_, _, st) = exec(
        &pods,
        "cache-0",
        &["sh", "-c", "echo out; echo err >&2; exit 3"],
    )
    .await;
    assert_eq!(st.status.as_deref(), Some("Failure"));
    assert_eq!(st.reason.as_deref(), Some("NonZeroExitCode"));
    assert_eq!(exit_code(&st).as_deref(), Some("3"));
    assert_eq!(
        st.message.as_deref(),
        Some("command terminated with non-zero exit code: error executing command [sh -c echo out; echo err >&2; exit 3], exit code 3")
    );

    let (out, err, st) = exec(
        &pods,
        "cache-0",
        &[
            "sh",
            "-c",
            "foo; echo \"$GREETING\" && cat /etc/hostname; false || echo $?",
        ],
    )
    .await;
    assert_eq!(out, "hi there\ncache-0\n1\n");
    assert_eq!(err, "sh: 1: foo: not found\n");
    assert_eq!(st.status.as_deref(), Some("Success"));
    let (out, _, _) = exec(&pods, "cache-0", &["env"]).await;
    assert!(
        out.contains("HOSTNAME=cache-0\n")
            && out.contains("GREETING=hi there\n")
            && out.contains("PATH=/usr/local/sbin"),
        "{out}"
    );
    let (out, _, _) = exec(&pods, "cache-0", &["seq", "3"]).await;
    assert_eq!(out, "1\n2\n3\n");

    // Alpine-like images have no bash: the runtime cannot start it (a client falls back to sh).
    let (_, _, st) = exec(&pods, "cache-0", &["bash"]).await;
    assert_eq!(
        (st.status.as_deref(), st.reason.as_deref(), st.code),
        (Some("Failure"), Some("InternalError"), Some(500)),
        "{st:?}"
    );
    assert!(
        st.message
            .as_deref()
            .unwrap_or("")
            .contains("exec: \"bash\": executable file not found in $PATH"),
        "{st:?}"
    );
    let (_, _, st) = exec(&pods, "cache-0", &["sh", "-c", "true"]).await;
    assert_eq!(st.status.as_deref(), Some("Success"));
    let (out, _, _) = exec(
        &pods,
        "pg-0",
        &[
            "bash",
            "-c",
            "cd /var/lib/postgresql/data && ls && cat PG_VERSION",
        ],
    )
    .await;
    assert_eq!(out, "PG_VERSION\npostgresql.conf\n16\n");

    let (code, msg) = api_error(
        pods.exec(
            "cache-0",
            vec!["hostname"],
            &AttachParams::default().container("nope"),
        )
        .await,
    );
    assert_eq!(
        (code, msg.as_str()),
        (400, "container nope is not valid for pod cache-0")
    );
    let (code, msg) = api_error(
        pods.exec("cache-9", vec!["hostname"], &AttachParams::default())
            .await,
    );
    assert_eq!((code, msg.as_str()), (404, "pods \"cache-9\" not found"));

    let viewer = common::viewer_client(&c).await.expect("viewer");
    let vpods: Api<Pod> = Api::namespaced(viewer, &ns);
    let (code, msg) = api_error(
        vpods
            .exec("cache-0", vec!["hostname"], &AttachParams::default())
            .await,
    );
    assert_eq!(code, 403);
    assert!(
        msg.contains("User \"viewer\" cannot create resource \"pods/exec\""),
        "{msg}"
    );
}

#[tokio::test]
async fn exec_stdin_tty_and_resize() {
    let Some((c, ns)) = sim_or_skip("exec_stdin_tty_and_resize").await else {
        return;
    };
    let pods: Api<Pod> = Api::namespaced(c.client.clone(), &ns);

    // stdin without a tty: v5 closes stdin, so `cat` ends.
    let ap = AttachParams::default().stdin(true);
    let mut p = pods.exec("cache-0", vec!["cat"], &ap).await.unwrap();
    let mut stdin = p.stdin().unwrap();
    stdin.write_all(b"hello\nworld\n").await.unwrap();
    stdin.shutdown().await.unwrap();
    let (out, _, st) = finish(p).await;
    assert_eq!(
        (out.as_str(), st.status.as_deref()),
        ("hello\nworld\n", Some("Success"))
    );

    // A script on stdin to a non-interactive sh.
    let mut p = pods.exec("pg-0", vec!["sh"], &ap).await.unwrap();
    let mut stdin = p.stdin().unwrap();
    stdin
        .write_all(b"hostname\necho $GREETING > /tmp/g\ncat /tmp/g\nexit 4\n")
        .await
        .unwrap();
    let (out, _, st) = finish(p).await;
    drop(stdin);
    assert_eq!(
        (out.as_str(), exit_code(&st).as_deref()),
        ("pg-0\nhi there\n", Some("4"))
    );

    // An interactive tty: prompt, echo, resize, Ctrl-C, exit.
    let mut p = pods
        .exec("pg-0", vec!["bash"], &AttachParams::interactive_tty())
        .await
        .unwrap();
    let mut size = p.terminal_size().unwrap();
    let mut stdin = p.stdin().unwrap();
    let stdout = p.stdout();
    let status = p.take_status().unwrap();
    let reader = tokio::spawn(read_all(stdout));
    use futures::SinkExt;
    size.send(TerminalSize {
        width: 120,
        height: 40,
    })
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    stdin.write_all(b"stty size\rsleep 30\r").await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    stdin
        .write_all(b"\x03echo abX\x7fc\rexit 0\r")
        .await
        .unwrap();
    let out = tokio::time::timeout(Duration::from_secs(10), reader)
        .await
        .expect("session ends")
        .unwrap();
    let st = status.await.unwrap();
    assert_eq!(st.status.as_deref(), Some("Success"));
    assert!(
        out.starts_with("root@pg-0:/# stty size\r\n40 120\r\nroot@pg-0:/# sleep 30\r\n^C"),
        "{out:?}"
    );
    assert!(
        out.contains("echo abX\x08 \x08c\r\nabc\r\nroot@pg-0:/# exit 0\r\n"),
        "{out:?}"
    );
    drop(stdin);
}

/// Send `req` to `port` through a new port-forward and read until the pod closes (HTTP) or
/// `want` bytes arrived (echo).
async fn forward(
    client: &Client,
    ns: &str,
    pod: &str,
    port: u16,
    req: &[u8],
    want: Option<usize>,
) -> String {
    let pods: Api<Pod> = Api::namespaced(client.clone(), ns);
    let mut pf = pods
        .portforward(pod, &[port])
        .await
        .expect("port-forward starts");
    let mut s = pf.take_stream(port).unwrap();
    s.write_all(req).await.unwrap();
    let mut buf = Vec::new();
    match want {
        None => {
            tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut buf))
                .await
                .expect("HTTP answer")
                .unwrap();
        }
        Some(n) => {
            buf.resize(n, 0);
            tokio::time::timeout(Duration::from_secs(10), s.read_exact(&mut buf))
                .await
                .expect("echo")
                .unwrap();
        }
    }
    drop(s);
    let _ = tokio::time::timeout(Duration::from_secs(5), pf.join()).await;
    String::from_utf8_lossy(&buf).into_owned()
}

#[tokio::test]
async fn port_forward_through_kube() {
    let Some((c, ns)) = sim_or_skip("port_forward_through_kube").await else {
        return;
    };
    let get = b"GET /status HTTP/1.1\r\nHost: localhost\r\n\r\n";
    let a = forward(&c.client, &ns, "cache-0", 8080, get, None).await;
    let b = forward(&c.client, &ns, "cache-1", 8080, get, None).await;
    assert!(
        a.starts_with("HTTP/1.1 200 OK\r\n")
            && a.ends_with("hello from cache-0 port 8080 (GET /status)\n"),
        "{a}"
    );
    assert!(
        b.ends_with("hello from cache-1 port 8080 (GET /status)\n"),
        "{b}"
    );
    let e = forward(&c.client, &ns, "cache-1", 6379, b"PING\r\n", Some(6)).await;
    assert_eq!(e, "PING\r\n");

    // An undeclared port: the runtime's connection error on the port's error channel.
    let pods: Api<Pod> = Api::namespaced(c.client.clone(), &ns);
    let mut pf = pods.portforward("cache-0", &[1234]).await.unwrap();
    let err = tokio::time::timeout(Duration::from_secs(10), pf.take_error(1234).unwrap())
        .await
        .expect("error in time");
    let err = err.expect("an error message");
    assert!(
        err.starts_with("error forwarding port 1234 to pod ")
            && err.contains("uid : failed to execute portforward")
            && err.contains("connect: connection refused"),
        "{err}"
    );

    let viewer = common::viewer_client(&c).await.expect("viewer");
    let r = Api::<Pod>::namespaced(viewer, &ns)
        .portforward("cache-0", &[8080])
        .await;
    match r {
        Err(kube::Error::Api(s)) => assert!(
            s.code == 403
                && s.message
                    .contains("cannot create resource \"pods/portforward\""),
            "{s:?}"
        ),
        other => panic!("expected 403, got {:?}", other.map(|_| ())),
    }
}

// ------------------------------------------------------------------------------------------
// kubectl

fn kubectl_bin() -> String {
    std::env::var("ORDINAL_TEST_KUBECTL").unwrap_or_else(|_| "kubectl".into())
}

fn kubectl_available() -> bool {
    std::process::Command::new(kubectl_bin())
        .args(["version", "--client"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn kubectl_cmd(kc: &std::path::Path, args: &[&str]) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new(kubectl_bin());
    cmd.args(args)
        .env("KUBECONFIG", kc)
        .env("KUBECACHEDIR", kc.with_file_name("kube-cache"))
        .kill_on_drop(true);
    cmd
}

async fn kubectl_with_stdin(
    kc: &std::path::Path,
    args: &[&str],
    stdin: &[u8],
) -> (Option<i32>, String, String) {
    let mut child = kubectl_cmd(kc, args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kubectl runs");
    let mut i = child.stdin.take().unwrap();
    i.write_all(stdin).await.unwrap();
    drop(i);
    let out = tokio::time::timeout(Duration::from_secs(60), child.wait_with_output())
        .await
        .expect("kubectl finished in time")
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn kubectl_exec_and_port_forward() {
    if !kubectl_available() {
        return common::skipped("kubectl_exec_and_port_forward", "kubectl not on PATH");
    }
    let Some((c, ns)) = sim_or_skip("kubectl_exec_and_port_forward").await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let kc = dir.path().join("kubeconfig");
    std::fs::write(&kc, &c.kubeconfig).unwrap();

    let (code, out, err) =
        kubectl_with_stdin(&kc, &["exec", "-n", &ns, "cache-1", "--", "hostname"], b"").await;
    assert_eq!((code, out.as_str()), (Some(0), "cache-1\n"), "{err}");

    // `kubectl logs -f` follows: a line written after it started arrives.
    let mut follow = kubectl_cmd(&kc, &["logs", "-f", "--tail=1", "-n", &ns, "cache-0"])
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(follow.stdout.take().unwrap());
    let mut first = String::new();
    use tokio::io::AsyncBufReadExt;
    tokio::time::timeout(Duration::from_secs(10), lines.read_line(&mut first))
        .await
        .expect("the tail line")
        .unwrap();
    c.sim
        .as_ref()
        .unwrap()
        .write_log(&ns, "cache-0", None, vec!["followed by kubectl".into()])
        .unwrap();
    let followed = tokio::time::timeout(Duration::from_secs(10), async {
        let mut l = String::new();
        loop {
            l.clear();
            if lines.read_line(&mut l).await.unwrap() == 0 {
                return false;
            }
            if l.trim_end() == "followed by kubectl" {
                return true;
            }
        }
    })
    .await;
    assert_eq!(
        followed.ok(),
        Some(true),
        "kubectl logs -f shows the new line"
    );
    drop(follow);
    let (code, out, err) = kubectl_with_stdin(
        &kc,
        &["exec", "-i", "-n", &ns, "cache-0", "--", "sh"],
        b"hostname\necho \"$GREETING\"\nexit 5\n",
    )
    .await;
    assert_eq!(
        (code, out.as_str()),
        (Some(5), "cache-0\nhi there\n"),
        "{err}"
    );
    assert!(err.contains("command terminated with exit code 5"), "{err}");
    let (code, _, err) =
        kubectl_with_stdin(&kc, &["exec", "-n", &ns, "cache-0", "--", "bash"], b"").await;
    assert!(
        code != Some(0) && err.contains("executable file not found in $PATH"),
        "{err}"
    );

    // `kubectl exec -it` needs a terminal: run it under script(1)'s pseudo-terminal.
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_ok()
    {
        let line = format!("{} exec -it -n {ns} pg-0 -- sh", kubectl_bin());
        let mut child = tokio::process::Command::new("script")
            .args(["-qec", &line, "/dev/null"])
            .env("KUBECONFIG", &kc)
            .env("KUBECACHEDIR", kc.with_file_name("kube-cache"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let mut i = child.stdin.take().unwrap();
        i.write_all(b"hostname\rexit 3\r").await.unwrap();
        let out = tokio::time::timeout(Duration::from_secs(30), child.wait_with_output())
            .await
            .expect("kubectl exec -it ends")
            .unwrap();
        drop(i);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("# hostname\r\npg-0\r\n# exit 3\r\n"),
            "{text:?} {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.status.code(), Some(3), "{text:?}");
    } else {
        common::skipped(
            "kubectl_exec_and_port_forward",
            "no script(1) for kubectl exec -it",
        );
    }

    // port-forward over SPDY tunnelled in WebSocket (kubectl's default) and over plain SPDY.
    for websockets in ["true", "false"] {
        port_forward_with_kubectl(&kc, &ns, websockets).await;
    }
}

async fn port_forward_with_kubectl(kc: &std::path::Path, ns: &str, websockets: &str) {
    // A random local port per remote port; kubectl prints them.
    let mut child = kubectl_cmd(
        kc,
        &[
            "port-forward",
            "-n",
            ns,
            "pod/cache-1",
            ":8080",
            ":6379",
            ":1234",
        ],
    )
    .env("KUBECTL_PORT_FORWARD_WEBSOCKETS", websockets)
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .expect("kubectl port-forward runs");
    let mut stdout = tokio::io::BufReader::new(child.stdout.take().unwrap());
    let mut local = std::collections::HashMap::new();
    use tokio::io::AsyncBufReadExt;
    while local.len() < 3 {
        let mut line = String::new();
        let n = tokio::time::timeout(Duration::from_secs(20), stdout.read_line(&mut line))
            .await
            .expect("port-forward ready")
            .unwrap();
        assert!(n > 0, "kubectl port-forward ended early");
        // "Forwarding from 127.0.0.1:41235 -> 8080"
        if let Some(rest) = line.trim().strip_prefix("Forwarding from 127.0.0.1:") {
            let (l, r) = rest.split_once(" -> ").unwrap();
            local.insert(r.parse::<u16>().unwrap(), l.parse::<u16>().unwrap());
        }
    }
    let mut tcp = tokio::net::TcpStream::connect(("127.0.0.1", local[&8080]))
        .await
        .unwrap();
    tcp.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut resp = String::new();
    tokio::time::timeout(Duration::from_secs(10), tcp.read_to_string(&mut resp))
        .await
        .expect("HTTP answer")
        .unwrap();
    assert!(
        resp.starts_with("HTTP/1.1 200 OK")
            && resp.ends_with("hello from cache-1 port 8080 (GET /)\n"),
        "{resp}"
    );
    let mut tcp = tokio::net::TcpStream::connect(("127.0.0.1", local[&6379]))
        .await
        .unwrap();
    tcp.write_all(b"echo me").await.unwrap();
    let mut buf = [0u8; 7];
    tokio::time::timeout(Duration::from_secs(10), tcp.read_exact(&mut buf))
        .await
        .expect("echo")
        .unwrap();
    assert_eq!(&buf, b"echo me");
    drop(tcp);
    // The undeclared port: kubectl reports the pod's error for that connection.
    let mut tcp = tokio::net::TcpStream::connect(("127.0.0.1", local[&1234]))
        .await
        .unwrap();
    let _ = tcp.write_all(b"x").await;
    let mut sink = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), tcp.read_to_end(&mut sink)).await;
    let _ = child.start_kill();
    let out = child.wait_with_output().await.unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("error forwarding port 1234 to pod"), "{err}");
}
