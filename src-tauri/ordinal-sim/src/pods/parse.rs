//! The shell's parsing: a line split at `;`, `&&`, `||` outside quotes, and each command's words
//! (quotes, backslashes, `$VAR`, `${VAR}`, `$?`, comments, `>`, `>>`, `>&2`).

#[derive(Debug, PartialEq)]
pub enum Tok {
    Word(String),
    Op(&'static str),
}

pub fn tokenize(s: &str, vars: &[(String, String)], last: i32) -> Vec<Tok> {
    let lookup = |n: &str| -> String {
        match n {
            "?" => last.to_string(),
            "$" => "1".into(),
            _ => vars
                .iter()
                .rev()
                .find(|(k, _)| k == n)
                .map(|(_, v)| v.clone())
                .unwrap_or_default(),
        }
    };
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut has = false;
    let c: Vec<char> = s.chars().collect();
    let mut i = 0;
    let var_at = |i: &mut usize, cur: &mut String| {
        // c[*i] == '$'
        let start = *i + 1;
        if c.get(start) == Some(&'{') {
            if let Some(end) = c[start..].iter().position(|&x| x == '}') {
                let name: String = c[start + 1..start + end].iter().collect();
                cur.push_str(&lookup(&name));
                *i = start + end + 1;
                return;
            }
        }
        if matches!(c.get(start), Some('?') | Some('$')) {
            cur.push_str(&lookup(&c[start].to_string()));
            *i = start + 1;
            return;
        }
        let mut j = start;
        while j < c.len() && (c[j].is_ascii_alphanumeric() || c[j] == '_') {
            j += 1;
        }
        if j == start {
            cur.push('$');
        } else {
            cur.push_str(&lookup(&c[start..j].iter().collect::<String>()));
        }
        *i = j;
    };
    let flush = |cur: &mut String, has: &mut bool, out: &mut Vec<Tok>| {
        if *has {
            out.push(Tok::Word(std::mem::take(cur)));
            *has = false;
        }
    };
    while i < c.len() {
        let ch = c[i];
        match ch {
            ' ' | '\t' => {
                flush(&mut cur, &mut has, &mut out);
                i += 1;
            }
            '#' if !has => break,
            '\'' => {
                has = true;
                i += 1;
                while i < c.len() && c[i] != '\'' {
                    cur.push(c[i]);
                    i += 1;
                }
                i += 1;
            }
            '"' => {
                has = true;
                i += 1;
                while i < c.len() && c[i] != '"' {
                    if c[i] == '\\' && matches!(c.get(i + 1), Some('"') | Some('\\') | Some('$')) {
                        cur.push(c[i + 1]);
                        i += 2;
                    } else if c[i] == '$' {
                        var_at(&mut i, &mut cur);
                    } else {
                        cur.push(c[i]);
                        i += 1;
                    }
                }
                i += 1;
            }
            '\\' => {
                has = true;
                if let Some(&n) = c.get(i + 1) {
                    cur.push(n);
                }
                i += 2;
            }
            '$' => {
                has = true;
                var_at(&mut i, &mut cur);
            }
            ';' | '&' | '|' | '>' => {
                flush(&mut cur, &mut has, &mut out);
                let two: String = c[i..(i + 2).min(c.len())].iter().collect();
                let three: String = c[i..(i + 3).min(c.len())].iter().collect();
                let op = match two.as_str() {
                    _ if three == ">&2" => ">&2",
                    _ if three == ">&1" => ">&1",
                    "&&" => "&&",
                    "||" => "||",
                    ">>" => ">>",
                    _ => match ch {
                        ';' => ";",
                        '&' => "&",
                        '|' => "|",
                        _ => ">",
                    },
                };
                i += op.len();
                out.push(Tok::Op(op));
            }
            _ => {
                has = true;
                cur.push(ch);
                i += 1;
            }
        }
    }
    flush(&mut cur, &mut has, &mut out);
    out
}

/// Split a line at `;`, `&&`, `||`, `|`, `&` and newlines outside quotes (not `>&2`).
pub fn split_ops(s: &str) -> Vec<(String, &'static str)> {
    let c: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut i = 0;
    while i < c.len() {
        let ch = c[i];
        match quote {
            Some(q) => {
                if ch == '\\' && q == '"' && i + 1 < c.len() {
                    cur.push(ch);
                    cur.push(c[i + 1]);
                    i += 2;
                    continue;
                }
                if ch == q {
                    quote = None;
                }
                cur.push(ch);
            }
            None => {
                let next = c.get(i + 1).copied();
                let op = match (ch, next) {
                    ('\\', Some(n)) => {
                        cur.push(ch);
                        cur.push(n);
                        i += 2;
                        continue;
                    }
                    ('\'' | '"', _) => {
                        quote = Some(ch);
                        None
                    }
                    ('&', Some('&')) => Some("&&"),
                    ('|', Some('|')) => Some("||"),
                    ('&', _) if cur.ends_with('>') => None,
                    (';' | '\n', _) => Some(";"),
                    ('|', _) => Some("|"),
                    ('&', _) => Some("&"),
                    _ => None,
                };
                if let Some(op) = op {
                    out.push((std::mem::take(&mut cur), op));
                    i += if op.len() == 2 { 2 } else { 1 };
                    continue;
                }
                cur.push(ch);
            }
        }
        i += 1;
    }
    out.push((cur, ";"));
    out
}

pub fn normalize(p: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    format!("/{}", parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokenizes_quotes_vars_and_operators() {
        let vars = vec![("A".to_string(), "x y".to_string())];
        let t = tokenize(
            r#"echo "$A" '$A' b\ c ${A}z $? && false||true; x # c"#,
            &vars,
            3,
        );
        let w = |s: &str| Tok::Word(s.into());
        assert_eq!(
            t,
            vec![
                w("echo"),
                w("x y"),
                w("$A"),
                w("b c"),
                w("x yz"),
                w("3"),
                Tok::Op("&&"),
                w("false"),
                Tok::Op("||"),
                w("true"),
                Tok::Op(";"),
                w("x")
            ]
        );
        assert_eq!(normalize("/a/./b/../c/"), "/a/c");
        let segs: Vec<(String, &str)> = split_ops("a 'x;y' && b >&2 || c; d");
        let segs: Vec<(&str, &str)> = segs.iter().map(|(s, o)| (s.trim(), *o)).collect();
        assert_eq!(
            segs,
            vec![("a 'x;y'", "&&"), ("b >&2", "||"), ("c", ";"), ("d", ";")]
        );
    }
}
