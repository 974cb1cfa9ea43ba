//! The protobuf form of the OpenAPI v2 document (gnostic's `openapi.v2.Document`), which kubectl
//! asks for (`application/com.github.proto-openapi.spec.v2@v1.0+protobuf`) for client-side
//! validation (e.g. of `kind: List` manifests) and `kubectl explain --output plaintext-openapiv2`.
//! Encodes the subset of OpenAPI the generated document uses; field numbers are gnostic's
//! `OpenAPIv2.proto`. Vendor extensions, defaults and enums are `Any` values carrying YAML (JSON
//! text is YAML).

use serde_json::Value;

#[derive(Default)]
struct W(Vec<u8>);

impl W {
    fn varint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.0.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
    }
    fn tag(&mut self, field: u32, wire: u8) {
        self.varint(((field as u64) << 3) | wire as u64);
    }
    fn bytes(&mut self, field: u32, b: &[u8]) {
        self.tag(field, 2);
        self.varint(b.len() as u64);
        self.0.extend_from_slice(b);
    }
    fn string(&mut self, field: u32, s: &str) {
        if !s.is_empty() {
            self.bytes(field, s.as_bytes());
        }
    }
    fn boolean(&mut self, field: u32, b: bool) {
        if b {
            self.tag(field, 0);
            self.varint(1);
        }
    }
    fn int(&mut self, field: u32, i: i64) {
        if i != 0 {
            self.tag(field, 0);
            self.varint(i as u64);
        }
    }
    fn double(&mut self, field: u32, d: f64) {
        if d != 0.0 {
            self.tag(field, 1);
            self.0.extend_from_slice(&d.to_le_bytes());
        }
    }
    fn message(&mut self, field: u32, f: impl FnOnce(&mut W)) {
        let mut w = W::default();
        f(&mut w);
        self.bytes(field, &w.0);
    }
    /// `Any { yaml }` (field of the enclosing message).
    fn any(&mut self, field: u32, v: &Value) {
        self.message(field, |w| w.string(2, &v.to_string()));
    }
    /// `repeated NamedAny` for the `x-` keys of an object.
    fn extensions(&mut self, field: u32, o: &serde_json::Map<String, Value>) {
        for (k, v) in o.iter().filter(|(k, _)| k.starts_with("x-")) {
            self.message(field, |w| {
                w.string(1, k);
                w.any(2, v);
            });
        }
    }
}

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v.get(k).and_then(Value::as_str).unwrap_or("")
}

fn strings(w: &mut W, field: u32, v: Option<&Value>) {
    match v {
        Some(Value::String(x)) => w.string(field, x),
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .for_each(|x| w.bytes(field, x.as_bytes())),
        _ => {}
    }
}

fn schema(w: &mut W, v: &Value) {
    let Some(o) = v.as_object() else { return };
    for (k, x) in o {
        match k.as_str() {
            "$ref" => w.string(1, x.as_str().unwrap_or("")),
            "format" => w.string(2, x.as_str().unwrap_or("")),
            "title" => w.string(3, x.as_str().unwrap_or("")),
            "description" => w.string(4, x.as_str().unwrap_or("")),
            "default" => w.any(5, x),
            "multipleOf" => w.double(6, x.as_f64().unwrap_or(0.0)),
            "maximum" => w.double(7, x.as_f64().unwrap_or(0.0)),
            "exclusiveMaximum" => w.boolean(8, x.as_bool().unwrap_or(false)),
            "minimum" => w.double(9, x.as_f64().unwrap_or(0.0)),
            "exclusiveMinimum" => w.boolean(10, x.as_bool().unwrap_or(false)),
            "maxLength" => w.int(11, x.as_i64().unwrap_or(0)),
            "minLength" => w.int(12, x.as_i64().unwrap_or(0)),
            "pattern" => w.string(13, x.as_str().unwrap_or("")),
            "maxItems" => w.int(14, x.as_i64().unwrap_or(0)),
            "minItems" => w.int(15, x.as_i64().unwrap_or(0)),
            "uniqueItems" => w.boolean(16, x.as_bool().unwrap_or(false)),
            "maxProperties" => w.int(17, x.as_i64().unwrap_or(0)),
            "minProperties" => w.int(18, x.as_i64().unwrap_or(0)),
            "required" => strings(w, 19, Some(x)),
            "enum" => x
                .as_array()
                .into_iter()
                .flatten()
                .for_each(|e| w.any(20, e)),
            "additionalProperties" => w.message(21, |w| match x {
                Value::Bool(b) => {
                    // oneof: the boolean is written even when false.
                    w.tag(2, 0);
                    w.varint(*b as u64);
                }
                other => w.message(1, |w| schema(w, other)),
            }),
            "type" => w.message(22, |w| strings(w, 1, Some(x))),
            "items" => w.message(23, |w| match x {
                Value::Array(a) => a.iter().for_each(|i| w.message(1, |w| schema(w, i))),
                other => w.message(1, |w| schema(w, other)),
            }),
            "allOf" => x
                .as_array()
                .into_iter()
                .flatten()
                .for_each(|i| w.message(24, |w| schema(w, i))),
            "properties" => w.message(25, |w| {
                for (name, p) in x.as_object().into_iter().flatten() {
                    w.message(1, |w| {
                        w.string(1, name);
                        w.message(2, |w| schema(w, p));
                    });
                }
            }),
            "readOnly" => w.boolean(27, x.as_bool().unwrap_or(false)),
            "example" => w.any(30, x),
            _ => {}
        }
    }
    w.extensions(31, o);
}

fn parameter(w: &mut W, p: &Value) {
    // ParametersItem.parameter (1) → Parameter
    w.message(1, |w| match s(p, "in") {
        "body" => w.message(1, |w| {
            w.string(1, s(p, "description"));
            w.string(2, s(p, "name"));
            w.string(3, "body");
            w.boolean(
                4,
                p.get("required").and_then(Value::as_bool).unwrap_or(false),
            );
            if let Some(sc) = p.get("schema") {
                w.message(5, |w| schema(w, sc));
            }
        }),
        place => w.message(2, |w| {
            // NonBodyParameter: query (3) and path (4) sub-schemas; their layouts differ by the
            // allow_empty_value field that only query parameters have.
            let (field, shift) = if place == "path" { (4, 0) } else { (3, 1) };
            w.message(field, |w| {
                w.boolean(
                    1,
                    p.get("required").and_then(Value::as_bool).unwrap_or(false),
                );
                w.string(2, place);
                w.string(3, s(p, "description"));
                w.string(4, s(p, "name"));
                w.string(5 + shift, s(p, "type"));
                w.string(6 + shift, s(p, "format"));
                w.boolean(
                    19 + shift,
                    p.get("uniqueItems")
                        .and_then(Value::as_bool)
                        .unwrap_or(false),
                );
            });
        }),
    });
}

fn operation(w: &mut W, op: &Value) {
    strings(w, 1, op.get("tags"));
    w.string(3, s(op, "description"));
    w.string(5, s(op, "operationId"));
    strings(w, 6, op.get("produces"));
    strings(w, 7, op.get("consumes"));
    for p in op
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        w.message(8, |w| parameter(w, p));
    }
    if let Some(rs) = op.get("responses").and_then(Value::as_object) {
        w.message(9, |w| {
            for (code, r) in rs {
                w.message(1, |w| {
                    w.string(1, code);
                    // ResponseValue.response (1) → Response
                    w.message(2, |w| {
                        w.message(1, |w| {
                            w.string(1, s(r, "description"));
                            if let Some(sc) = r.get("schema") {
                                // SchemaItem.schema (1)
                                w.message(2, |w| w.message(1, |w| schema(w, sc)));
                            }
                        })
                    });
                });
            }
        });
    }
    strings(w, 10, op.get("schemes"));
    if let Some(o) = op.as_object() {
        w.extensions(13, o);
    }
}

/// Encode a v2 document (as generated by `openapi::build`).
pub fn document(doc: &Value) -> Vec<u8> {
    let mut w = W::default();
    w.string(1, s(doc, "swagger"));
    if let Some(info) = doc.get("info") {
        w.message(2, |w| {
            w.string(1, s(info, "title"));
            w.string(2, s(info, "version"));
        });
    }
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        w.message(8, |w| {
            for (path, item) in paths {
                w.message(2, |w| {
                    w.string(1, path);
                    w.message(2, |w| {
                        for (field, method) in [
                            (2, "get"),
                            (3, "put"),
                            (4, "post"),
                            (5, "delete"),
                            (8, "patch"),
                        ] {
                            if let Some(op) = item.get(method) {
                                w.message(field, |w| operation(w, op));
                            }
                        }
                        for p in item
                            .get("parameters")
                            .and_then(Value::as_array)
                            .into_iter()
                            .flatten()
                        {
                            w.message(9, |w| parameter(w, p));
                        }
                    });
                });
            }
        });
    }
    if let Some(defs) = doc.get("definitions").and_then(Value::as_object) {
        w.message(9, |w| {
            for (name, d) in defs {
                w.message(1, |w| {
                    w.string(1, name);
                    w.message(2, |w| schema(w, d));
                });
            }
        });
    }
    w.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_fields_with_gnostic_numbers() {
        let doc = serde_json::json!({"swagger": "2.0", "definitions": {"A": {"type": "object", "x-k": [1]}}});
        let b = document(&doc);
        // swagger = 1 (string "2.0")
        assert_eq!(&b[..5], &[0x0a, 3, b'2', b'.', b'0']);
        // definitions = 9, length-delimited
        assert_eq!(b[5], (9 << 3) | 2);
        let tail = String::from_utf8_lossy(&b[5..]);
        assert!(tail.contains("object") && tail.contains("x-k") && tail.contains("[1]"));
    }
}
