//! Read or write one scalar (string, number, boolean, null) at a path of object keys in a JSON
//! document held as bytes, such as the value under `value_converter: json`.
//!
//! ```ignore
//! let value = record::value();
//! let email = json::get_string(&value, &["email"])?;
//! let masked = json::set_string(&value, &["email"], "***")?;
//! record::set_value(&masked);
//! ```
//!
//! A write splices the new value into a copy of the document and leaves every other byte as
//! it was (key order, spacing, the spelling of numbers). A path goes through objects only:
//! array indexes are not supported. With duplicate keys the last one counts, as in
//! JavaScript's `JSON.parse`. Standard library only.

use std::fmt;

/// Nesting bound, so that a hostile value cannot exhaust the guest's stack (the same bound in
/// every SDK).
const MAX_DEPTH: usize = 512;

/// What went wrong in a JSON helper.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The document is not one JSON value.
    Invalid,
    /// The path leads to no value.
    NotFound,
    /// A step of the path is not an object.
    NotObject,
    /// The value is not of the type asked for.
    WrongType,
}

/// The error of every JSON helper: match on `kind`, print with `Display`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub kind: ErrorKind,
    message: String,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

fn path_error(kind: ErrorKind, path: &[&str], what: &str) -> Error {
    Error {
        kind,
        message: format!("path {}: {}", path.join("."), what),
    }
}

/// The type of the value starting with byte `c`, with its article.
fn type_name(c: u8) -> &'static str {
    match c {
        b'{' => "an object",
        b'[' => "an array",
        b'"' => "a string",
        b't' | b'f' => "a boolean",
        b'n' => "null",
        _ => "a number",
    }
}

// ---- reading -------------------------------------------------------------------------------

/// The bytes of the value at `path` (a sub-slice of `doc`), of any type: a string keeps its
/// quotes and escapes, a number its spelling. An empty path is the whole document.
pub fn raw<'a>(doc: &'a [u8], path: &[&str]) -> Result<&'a [u8], Error> {
    match find(doc, path)? {
        Place::Found(start, end) => Ok(&doc[start..end]),
        Place::Missing { .. } => Err(path_error(ErrorKind::NotFound, path, "not found")),
    }
}

fn typed<'a>(doc: &'a [u8], path: &[&str], first: &[u8], want: &str) -> Result<&'a [u8], Error> {
    let v = raw(doc, path)?;
    if !first.contains(&v[0]) {
        return Err(path_error(
            ErrorKind::WrongType,
            path,
            &format!("{}, not {}", type_name(v[0]), want),
        ));
    }
    Ok(v)
}

/// The string at `path`, unescaped. Bytes that are not UTF-8 become U+FFFD.
pub fn get_string(doc: &[u8], path: &[&str]) -> Result<String, Error> {
    let v = typed(doc, path, b"\"", "a string")?;
    Ok(String::from_utf8_lossy(&unquote(v)).into_owned())
}

/// The number at `path` as an `f64` (integers beyond 2^53 lose precision: use `get_int`).
pub fn get_number(doc: &[u8], path: &[&str]) -> Result<f64, Error> {
    let v = typed(doc, path, b"-0123456789", "a number")?;
    let text = std::str::from_utf8(v).unwrap_or_default(); // checked: ASCII
    match text.parse::<f64>() {
        Ok(f) if f.is_finite() => Ok(f),
        _ => Err(path_error(
            ErrorKind::WrongType,
            path,
            &format!("{} is out of range for a float64", text),
        )),
    }
}

/// The number at `path` as an `i64`; it must be written as an integer (no fraction or
/// exponent) within the range of `i64`.
pub fn get_int(doc: &[u8], path: &[&str]) -> Result<i64, Error> {
    let v = typed(doc, path, b"-0123456789", "a number")?;
    let text = std::str::from_utf8(v).unwrap_or_default();
    text.parse::<i64>().map_err(|_| {
        path_error(
            ErrorKind::WrongType,
            path,
            &format!("{} is not a 64-bit integer", text),
        )
    })
}

/// The boolean at `path`.
pub fn get_bool(doc: &[u8], path: &[&str]) -> Result<bool, Error> {
    Ok(typed(doc, path, b"tf", "a boolean")?[0] == b't')
}

/// Whether the value at `path` is null; a missing path is an error, not null.
pub fn is_null(doc: &[u8], path: &[&str]) -> Result<bool, Error> {
    Ok(raw(doc, path)?[0] == b'n')
}

// ---- writing -------------------------------------------------------------------------------

/// A copy of `doc` with the value at `path` replaced by the string `s` (quotes, backslashes
/// and control characters escaped; other characters written as they are). A missing last key
/// is added at the end of its object, and missing objects on the way are created; a step that
/// exists but is not an object is an error.
pub fn set_string(doc: &[u8], path: &[&str], s: &str) -> Result<Vec<u8>, Error> {
    splice(doc, path, &quote(s))
}

/// `set_string` for a number, in the shortest form that reads back as `f` (with an exponent
/// from 1e21 up and below 1e-6). NaN and infinities have no JSON form and are an error.
pub fn set_number(doc: &[u8], path: &[&str], f: f64) -> Result<Vec<u8>, Error> {
    if !f.is_finite() {
        return Err(path_error(
            ErrorKind::WrongType,
            path,
            "NaN and infinities are not JSON numbers",
        ));
    }
    let a = f.abs();
    let text = if a != 0.0 && (a < 1e-6 || a >= 1e21) {
        format!("{:e}", f)
    } else {
        format!("{}", f)
    };
    splice(doc, path, text.as_bytes())
}

/// `set_string` for an integer.
pub fn set_int(doc: &[u8], path: &[&str], n: i64) -> Result<Vec<u8>, Error> {
    splice(doc, path, n.to_string().as_bytes())
}

/// `set_string` for a boolean.
pub fn set_bool(doc: &[u8], path: &[&str], b: bool) -> Result<Vec<u8>, Error> {
    splice(doc, path, if b { b"true" } else { b"false" })
}

/// `set_string` for null.
pub fn set_null(doc: &[u8], path: &[&str]) -> Result<Vec<u8>, Error> {
    splice(doc, path, b"null")
}

fn splice(doc: &[u8], path: &[&str], encoded: &[u8]) -> Result<Vec<u8>, Error> {
    let (at, end, text) = match find(doc, path)? {
        Place::Found(start, end) => (start, end, encoded.to_vec()),
        Place::Missing {
            depth,
            close,
            empty,
        } => {
            // Insert `"k1":{"k2":...:value}` before the closing brace.
            let mut ins = Vec::new();
            if !empty {
                ins.push(b',');
            }
            for (i, key) in path[depth..].iter().enumerate() {
                if i > 0 {
                    ins.push(b'{');
                }
                ins.extend_from_slice(&quote(key));
                ins.push(b':');
            }
            ins.extend_from_slice(encoded);
            ins.resize(ins.len() + path.len() - depth - 1, b'}');
            (close, close, ins)
        }
    };
    let mut out = Vec::with_capacity(doc.len() - (end - at) + text.len());
    out.extend_from_slice(&doc[..at]);
    out.extend_from_slice(&text);
    out.extend_from_slice(&doc[end..]);
    Ok(out)
}

// ---- strings -------------------------------------------------------------------------------

/// `s` as a string literal: quotes, backslashes and control characters escaped.
fn quote(s: &str) -> Vec<u8> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = Vec::with_capacity(s.len() + 2);
    out.push(b'"');
    for &c in s.as_bytes() {
        match c {
            b'"' | b'\\' => out.extend_from_slice(&[b'\\', c]),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0..=0x1f => out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[(c >> 4) as usize],
                HEX[(c & 15) as usize],
            ]),
            _ => out.push(c),
        }
    }
    out.push(b'"');
    out
}

fn hex4(b: &[u8]) -> Option<u32> {
    if b.len() < 4 {
        return None;
    }
    let mut r = 0;
    for &c in &b[..4] {
        r = r << 4 | (c as char).to_digit(16)?;
    }
    Some(r)
}

/// The bytes of a checked string literal, unescaped. A `\u` escape of a lone surrogate becomes
/// U+FFFD.
fn unquote(lit: &[u8]) -> Vec<u8> {
    let body = &lit[1..lit.len() - 1];
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        if body[i] != b'\\' {
            out.push(body[i]);
            i += 1;
            continue;
        }
        let e = body[i + 1];
        i += 2;
        let c = match e {
            b'b' => 8,
            b'f' => 12,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'u' => {
                let mut r = hex4(&body[i..]).unwrap_or(0xfffd);
                i += 4;
                if (0xd800..0xdc00).contains(&r) && body[i..].starts_with(b"\\u") {
                    if let Some(low @ 0xdc00..=0xdfff) = hex4(&body[i + 2..]) {
                        r = 0x10000 + ((r - 0xd800) << 10) + (low - 0xdc00);
                        i += 6;
                    }
                }
                let ch = char::from_u32(r).unwrap_or('\u{fffd}'); // a lone surrogate
                out.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes());
                continue;
            }
            other => other, // '"', '\\', '/'
        };
        out.push(c);
    }
    out
}

/// Whether the checked string literal `lit` spells `key`, without allocating when it has no
/// escapes (the usual case).
fn key_is(lit: &[u8], key: &str) -> bool {
    let body = &lit[1..lit.len() - 1];
    if !body.contains(&b'\\') {
        return body == key.as_bytes();
    }
    unquote(lit) == key.as_bytes()
}

// ---- scanning ------------------------------------------------------------------------------

/// Where a path leads: the value's byte range, or the object lacking key `path[depth]`, whose
/// closing brace is at `close`.
enum Place {
    Found(usize, usize),
    Missing {
        depth: usize,
        close: usize,
        empty: bool,
    },
}

struct Scanner<'a> {
    doc: &'a [u8],
    i: usize,
}

impl<'a> Scanner<'a> {
    fn invalid(&self) -> Error {
        Error {
            kind: ErrorKind::Invalid,
            message: format!("invalid JSON at byte {}", self.i),
        }
    }

    fn skip_space(&mut self) {
        while self.i < self.doc.len() && matches!(self.doc[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    /// Whether the next byte is `c`; consumes it if so.
    fn at(&mut self, c: u8) -> bool {
        let yes = self.doc.get(self.i) == Some(&c);
        if yes {
            self.i += 1;
        }
        yes
    }

    /// Checks the syntax of the value at `i` (after any space) and moves past it.
    fn value(&mut self, depth: usize) -> Result<(), Error> {
        self.skip_space();
        if self.i >= self.doc.len() || depth > MAX_DEPTH {
            return Err(self.invalid());
        }
        match self.doc[self.i] {
            open @ (b'{' | b'[') => {
                let close = if open == b'{' { b'}' } else { b']' };
                self.i += 1;
                self.skip_space();
                if self.at(close) {
                    return Ok(());
                }
                loop {
                    if open == b'{' {
                        self.skip_space();
                        self.string()?;
                        self.skip_space();
                        if !self.at(b':') {
                            return Err(self.invalid());
                        }
                    }
                    self.value(depth + 1)?;
                    self.skip_space();
                    if self.at(close) {
                        return Ok(());
                    }
                    if !self.at(b',') {
                        return Err(self.invalid());
                    }
                }
            }
            b'"' => self.string(),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            _ => self.number(),
        }
    }

    fn literal(&mut self, word: &[u8]) -> Result<(), Error> {
        if !self.doc[self.i..].starts_with(word) {
            return Err(self.invalid());
        }
        self.i += word.len();
        Ok(())
    }

    fn digits(&mut self) -> bool {
        let start = self.i;
        while self.i < self.doc.len() && self.doc[self.i].is_ascii_digit() {
            self.i += 1;
        }
        self.i > start
    }

    /// -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
    fn number(&mut self) -> Result<(), Error> {
        self.at(b'-');
        if !self.at(b'0') && !self.digits() {
            return Err(self.invalid());
        }
        if self.at(b'.') && !self.digits() {
            return Err(self.invalid());
        }
        if self.at(b'e') || self.at(b'E') {
            if !self.at(b'+') {
                self.at(b'-');
            }
            if !self.digits() {
                return Err(self.invalid());
            }
        }
        Ok(())
    }

    /// Checks a string literal, quotes included, and moves past it.
    fn string(&mut self) -> Result<(), Error> {
        if !self.at(b'"') {
            return Err(self.invalid());
        }
        while self.i < self.doc.len() {
            match self.doc[self.i] {
                b'"' => {
                    self.i += 1;
                    return Ok(());
                }
                0..=0x1f => return Err(self.invalid()),
                b'\\' => {
                    self.i += 1;
                    match self.doc.get(self.i) {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => self.i += 1,
                        Some(b'u') if hex4(&self.doc[self.i + 1..]).is_some() => self.i += 5,
                        _ => return Err(self.invalid()),
                    }
                }
                _ => self.i += 1,
            }
        }
        Err(self.invalid())
    }
}

/// Checks that `doc` is one JSON value and follows `path` through it.
fn find(doc: &[u8], path: &[&str]) -> Result<Place, Error> {
    let mut s = Scanner { doc, i: 0 };
    s.value(0)?;
    s.skip_space();
    if s.i != doc.len() {
        return Err(s.invalid());
    }
    s.i = 0;
    s.skip_space();
    for (depth, key) in path.iter().enumerate() {
        if doc[s.i] != b'{' {
            let at = if depth == 0 {
                "the root".to_string()
            } else {
                path[..depth].join(".")
            };
            let what = format!("{} is {}, not an object", at, type_name(doc[s.i]));
            return Err(path_error(ErrorKind::NotObject, path, &what));
        }
        s.i += 1;
        s.skip_space();
        let (mut members, mut value_at) = (0, None);
        // Everything below was checked by value() above, hence the ignored results.
        while doc[s.i] != b'}' {
            let key_start = s.i;
            let _ = s.string();
            let matches = key_is(&doc[key_start..s.i], key);
            s.skip_space();
            s.i += 1; // ':'
            s.skip_space();
            if matches {
                value_at = Some(s.i);
            }
            let _ = s.value(0);
            s.skip_space();
            s.at(b',');
            s.skip_space();
            members += 1;
        }
        match value_at {
            Some(at) => s.i = at,
            None => {
                return Ok(Place::Missing {
                    depth,
                    close: s.i,
                    empty: members == 0,
                })
            }
        }
    }
    let start = s.i;
    let _ = s.value(0);
    Ok(Place::Found(start, s.i))
}

#[cfg(test)]
mod tests;
