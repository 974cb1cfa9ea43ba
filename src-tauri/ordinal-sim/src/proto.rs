//! Just enough Kubernetes protobuf decoding for the bodies kubectl insists on sending as
//! protobuf (SelfSubjectAccessReview from `kubectl auth can-i`). Everything else answers 415.

use serde_json::{json, Map, Value};

#[derive(Debug, thiserror::Error)]
pub enum ProtoError {
    #[error("not a Kubernetes protobuf envelope")]
    NoMagic,
    #[error("truncated protobuf message")]
    Truncated,
    #[error("unsupported protobuf kind {0}")]
    Unsupported(String),
}

fn varint(b: &[u8], i: &mut usize) -> Result<u64, ProtoError> {
    let mut v = 0u64;
    let mut shift = 0;
    loop {
        let byte = *b.get(*i).ok_or(ProtoError::Truncated)?;
        *i += 1;
        v |= ((byte & 0x7f) as u64) << shift;
        if byte & 0x80 == 0 {
            return Ok(v);
        }
        shift += 7;
        if shift > 63 {
            return Err(ProtoError::Truncated);
        }
    }
}

/// Length-delimited fields of a message: (field number, bytes). Other wire types are skipped.
fn fields(b: &[u8]) -> Result<Vec<(u64, &[u8])>, ProtoError> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let tag = varint(b, &mut i)?;
        let (field, wt) = (tag >> 3, tag & 7);
        match wt {
            0 => {
                varint(b, &mut i)?;
            }
            1 => i += 8,
            5 => i += 4,
            2 => {
                let len = varint(b, &mut i)? as usize;
                let end = i
                    .checked_add(len)
                    .filter(|e| *e <= b.len())
                    .ok_or(ProtoError::Truncated)?;
                out.push((field, &b[i..end]));
                i = end;
            }
            _ => return Err(ProtoError::Truncated),
        }
    }
    Ok(out)
}

fn strings(b: &[u8], names: &[(u64, &str)]) -> Result<Value, ProtoError> {
    let mut m = Map::new();
    for (f, v) in fields(b)? {
        if let Some((_, n)) = names.iter().find(|(nf, _)| *nf == f) {
            m.insert(n.to_string(), json!(String::from_utf8_lossy(v)));
        }
    }
    Ok(Value::Object(m))
}

/// Decode a protobuf-encoded SelfSubjectAccessReview into its JSON form.
pub fn decode(body: &[u8]) -> Result<Value, ProtoError> {
    let rest = body.strip_prefix(b"k8s\0").ok_or(ProtoError::NoMagic)?;
    let mut kind = String::new();
    let mut raw: &[u8] = &[];
    for (f, v) in fields(rest)? {
        match f {
            1 => {
                for (tf, tv) in fields(v)? {
                    if tf == 2 {
                        kind = String::from_utf8_lossy(tv).to_string();
                    }
                }
            }
            2 => raw = v,
            _ => {}
        }
    }
    if kind != "SelfSubjectAccessReview" {
        return Err(ProtoError::Unsupported(kind));
    }
    let mut spec = Map::new();
    for (f, v) in fields(raw)? {
        if f == 2 {
            for (sf, sv) in fields(v)? {
                match sf {
                    1 => {
                        spec.insert(
                            "resourceAttributes".into(),
                            strings(
                                sv,
                                &[
                                    (1, "namespace"),
                                    (2, "verb"),
                                    (3, "group"),
                                    (4, "version"),
                                    (5, "resource"),
                                    (6, "subresource"),
                                    (7, "name"),
                                ],
                            )?,
                        );
                    }
                    2 => {
                        spec.insert(
                            "nonResourceAttributes".into(),
                            strings(sv, &[(1, "path"), (2, "verb")])?,
                        );
                    }
                    _ => {}
                }
            }
        }
    }
    Ok(
        json!({"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview", "metadata": {}, "spec": Value::Object(spec)}),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ld(field: u64, b: &[u8]) -> Vec<u8> {
        let mut v = vec![((field << 3) | 2) as u8, b.len() as u8];
        v.extend_from_slice(b);
        v
    }

    #[test]
    fn decodes_ssar() {
        let ra = [
            ld(1, b"db"),
            ld(2, b"patch"),
            ld(3, b"apps"),
            ld(5, b"statefulsets"),
        ]
        .concat();
        let spec = ld(1, &ra);
        let raw = ld(2, &spec);
        let tm = [
            ld(1, b"authorization.k8s.io/v1"),
            ld(2, b"SelfSubjectAccessReview"),
        ]
        .concat();
        let body = [b"k8s\0".to_vec(), ld(1, &tm), ld(2, &raw)].concat();
        let v = decode(&body).unwrap();
        assert_eq!(v["spec"]["resourceAttributes"]["verb"], "patch");
        assert_eq!(v["spec"]["resourceAttributes"]["namespace"], "db");
        assert!(decode(b"{}").is_err());
    }
}
