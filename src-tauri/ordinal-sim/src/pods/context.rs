//! What a simulated container looks like from inside: its image family (Debian-like with bash,
//! or Alpine/BusyBox-like with only `sh`), environment, declared ports and a small file tree.
//! Built once per exec/port-forward session from the stored Pod; sessions never share state.

use std::collections::{BTreeMap, BTreeSet};

use base64::Engine;
use serde_json::Value;

use crate::resources::idx;
use crate::state::State;

#[derive(Debug, thiserror::Error)]
pub enum ContextError {
    #[error("pod has no container {0}")]
    NoContainer(String),
}

/// A container port declared by any container of the pod.
#[derive(Debug, Clone)]
pub struct DeclaredPort {
    pub name: Option<String>,
    pub port: u16,
}

#[derive(Debug, Clone)]
pub struct PodCtx {
    pub ns: String,
    pub name: String,
    pub uid: String,
    pub container: String,
    pub image: String,
    /// `postgres`, `redis`, `nginx`, ...: the image's last path segment without tag.
    pub app: String,
    /// Alpine/BusyBox-like: `sh` only, no `bash`.
    pub alpine: bool,
    pub env: Vec<(String, String)>,
    pub ports: Vec<DeclaredPort>,
    pub files: BTreeMap<String, String>,
    pub dirs: BTreeSet<String>,
}

/// Commands the simulated images have (in `/bin`); `bash` only in non-Alpine images.
pub const COMMANDS: &[&str] = &[
    "cat", "echo", "env", "false", "hostname", "id", "lines", "ls", "printenv", "pwd", "seq", "sh",
    "sleep", "stty", "true", "uname", "whoami",
];

impl PodCtx {
    pub fn new(st: &State, pod: &Value, container: &str) -> Result<PodCtx, ContextError> {
        let s = |p: &str| {
            pod.pointer(p)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        let (ns, name, uid) = (
            s("/metadata/namespace"),
            s("/metadata/name"),
            s("/metadata/uid"),
        );
        let containers = pod
            .pointer("/spec/containers")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let c = containers
            .iter()
            .find(|c| c["name"].as_str() == Some(container))
            .ok_or_else(|| ContextError::NoContainer(container.to_string()))?;
        let image = c["image"].as_str().unwrap_or("").to_string();
        let (repo, tag) = match image.rsplit_once(':') {
            Some((r, t)) if !t.contains('/') => (r, t),
            _ => (image.as_str(), "latest"),
        };
        let app = repo.rsplit('/').next().unwrap_or(repo).to_string();
        let alpine = tag.contains("alpine") || matches!(app.as_str(), "alpine" | "busybox");
        let ports = containers
            .iter()
            .flat_map(|c| c["ports"].as_array().cloned().unwrap_or_default())
            .filter_map(|p| {
                Some(DeclaredPort {
                    name: p["name"].as_str().map(String::from),
                    port: u16::try_from(p["containerPort"].as_u64()?).ok()?,
                })
            })
            .collect();
        let mut ctx = PodCtx {
            env: Vec::new(),
            files: BTreeMap::new(),
            dirs: BTreeSet::new(),
            ns,
            name,
            uid,
            container: container.to_string(),
            image,
            app,
            alpine,
            ports,
        };
        ctx.env = env_of(st, pod, c, &ctx);
        ctx.build_files(pod, c);
        Ok(ctx)
    }

    pub fn has_command(&self, cmd: &str) -> bool {
        let base = cmd.rsplit('/').next().unwrap_or(cmd);
        COMMANDS.contains(&base)
            || base == "bash" && !self.alpine
            || base == "redis-cli" && self.app == "redis"
    }

    /// A 64-hex "container ID" (stable per pod and container), as the runtime reports them.
    pub fn container_id(&self, salt: &str) -> String {
        let h = |s: &str| crate::ops::fxhash(s);
        let a = h(&format!("{}/{}/{salt}", self.uid, self.container));
        format!(
            "{a:016x}{:016x}{:016x}{:016x}",
            h(&format!("{a}b")),
            h(&format!("{a}c")),
            h(&format!("{a}d"))
        )
    }

    pub fn is_dir(&self, p: &str) -> bool {
        self.dirs.contains(p)
    }

    /// Entries of a directory (names, directories first marked by the caller if wanted).
    pub fn list(&self, dir: &str) -> Vec<String> {
        let prefix = if dir == "/" {
            "/".to_string()
        } else {
            format!("{dir}/")
        };
        let mut out: BTreeSet<String> = BTreeSet::new();
        for p in self.dirs.iter().chain(self.files.keys()) {
            if let Some(rest) = p.strip_prefix(&prefix) {
                if !rest.is_empty() && !rest.contains('/') {
                    out.insert(rest.to_string());
                }
            }
        }
        out.into_iter().collect()
    }

    pub fn add_file(&mut self, path: &str, content: String) {
        let mut d = path;
        while let Some((parent, _)) = d.rsplit_once('/') {
            self.dirs.insert(if parent.is_empty() {
                "/".into()
            } else {
                parent.to_string()
            });
            d = parent;
        }
        self.files.insert(path.to_string(), content);
    }

    fn add_dir(&mut self, path: &str) {
        self.add_file(&format!("{path}/.keep"), String::new());
        self.files.remove(&format!("{path}/.keep"));
    }

    fn build_files(&mut self, pod: &Value, c: &Value) {
        let (name, ns) = (self.name.clone(), self.ns.clone());
        let ip = pod
            .pointer("/status/podIP")
            .and_then(Value::as_str)
            .unwrap_or("10.244.0.2");
        let sub = pod.pointer("/spec/subdomain").and_then(Value::as_str);
        self.add_file("/etc/hostname", format!("{name}\n"));
        let fqdn = match sub {
            Some(s) => format!("{name}.{s}.{ns}.svc.cluster.local\t{name}"),
            None => name.clone(),
        };
        self.add_file("/etc/hosts", format!("# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n{ip}\t{fqdn}\n"));
        self.add_file("/etc/resolv.conf", format!("search {ns}.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n"));
        let os = if self.alpine {
            "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.20.3\nPRETTY_NAME=\"Alpine Linux v3.20\"\n"
        } else {
            "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nID=debian\n"
        };
        self.add_file("/etc/os-release", os.to_string());
        let app = self.app.clone();
        match app.as_str() {
            "postgres" => {
                self.add_file("/var/lib/postgresql/data/PG_VERSION", "16\n".into());
                self.add_file(
                    "/var/lib/postgresql/data/postgresql.conf",
                    "listen_addresses = '*'\nmax_connections = 100\n".into(),
                );
            }
            "redis" => self.add_file(
                "/usr/local/etc/redis/redis.conf",
                "port 6379\nappendonly yes\n".into(),
            ),
            "nginx" => {
                self.add_file(
                    "/usr/share/nginx/html/index.html",
                    format!("<h1>hello from {name}</h1>\n"),
                );
                self.add_file(
                    "/etc/nginx/nginx.conf",
                    "events {}\nhttp { server { listen 80; root /usr/share/nginx/html; } }\n"
                        .into(),
                );
            }
            _ => self.add_file(
                &format!("/var/lib/{app}/README"),
                format!("{app} data of {name}\n"),
            ),
        }
        for cmd in COMMANDS
            .iter()
            .copied()
            .chain(if self.alpine { None } else { Some("bash") })
        {
            self.add_file(&format!("/bin/{cmd}"), String::new());
        }
        for d in ["/root", "/tmp", "/usr/bin", "/var/log"] {
            self.add_dir(d);
        }
        for m in c["volumeMounts"].as_array().into_iter().flatten() {
            if let Some(p) = m["mountPath"].as_str() {
                self.add_dir(p.trim_end_matches('/'));
            }
        }
    }
}

fn env_of(st: &State, pod: &Value, c: &Value, ctx: &PodCtx) -> Vec<(String, String)> {
    let mut env = vec![
        (
            "PATH".to_string(),
            "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".to_string(),
        ),
        ("HOSTNAME".to_string(), ctx.name.clone()),
    ];
    let secret = |name: &str, key: &str| -> Option<String> {
        let s = st.store.get_value(idx::SECRETS, &ctx.ns, name)?;
        let b = s.pointer(&format!("/data/{key}"))?.as_str()?;
        let raw = base64::engine::general_purpose::STANDARD.decode(b).ok()?;
        Some(String::from_utf8_lossy(&raw).into_owned())
    };
    let cm = |name: &str| st.store.get_value(idx::CONFIGMAPS, &ctx.ns, name);
    for ef in c["envFrom"].as_array().into_iter().flatten() {
        let prefix = ef["prefix"].as_str().unwrap_or("");
        if let Some(n) = ef.pointer("/configMapRef/name").and_then(Value::as_str) {
            if let Some(Value::Object(data)) = cm(n).and_then(|v| v.get("data").cloned()) {
                for (k, v) in data {
                    env.push((format!("{prefix}{k}"), v.as_str().unwrap_or("").to_string()));
                }
            }
        }
        if let Some(n) = ef.pointer("/secretRef/name").and_then(Value::as_str) {
            if let Some(Value::Object(data)) = st
                .store
                .get_value(idx::SECRETS, &ctx.ns, n)
                .and_then(|v| v.get("data").cloned())
            {
                for k in data.keys() {
                    env.push((format!("{prefix}{k}"), secret(n, k).unwrap_or_default()));
                }
            }
        }
    }
    for e in c["env"].as_array().into_iter().flatten() {
        let Some(name) = e["name"].as_str() else {
            continue;
        };
        let value = if let Some(v) = e["value"].as_str() {
            Some(v.to_string())
        } else if let Some(f) = e
            .pointer("/valueFrom/fieldRef/fieldPath")
            .and_then(Value::as_str)
        {
            let path = match f {
                "metadata.name" => "/metadata/name",
                "metadata.namespace" => "/metadata/namespace",
                "metadata.uid" => "/metadata/uid",
                "spec.nodeName" => "/spec/nodeName",
                "spec.serviceAccountName" => "/spec/serviceAccountName",
                "status.podIP" => "/status/podIP",
                "status.hostIP" => "/status/hostIP",
                _ => "",
            };
            Some(
                pod.pointer(path)
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
            )
        } else if let Some(r) = e.pointer("/valueFrom/secretKeyRef") {
            secret(
                r["name"].as_str().unwrap_or(""),
                r["key"].as_str().unwrap_or(""),
            )
        } else if let Some(r) = e.pointer("/valueFrom/configMapKeyRef") {
            cm(r["name"].as_str().unwrap_or("")).and_then(|v| {
                v.pointer(&format!("/data/{}", r["key"].as_str().unwrap_or("")))
                    .and_then(Value::as_str)
                    .map(String::from)
            })
        } else {
            None
        };
        if let Some(v) = value {
            env.retain(|(k, _)| k != name);
            env.push((name.to_string(), v));
        }
    }
    env.extend(
        [
            ("KUBERNETES_SERVICE_HOST", "10.96.0.1"),
            ("KUBERNETES_SERVICE_PORT", "443"),
            ("KUBERNETES_PORT", "tcp://10.96.0.1:443"),
            ("HOME", "/root"),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string())),
    );
    env
}
