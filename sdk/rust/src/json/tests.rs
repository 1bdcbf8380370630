//! Unit tests of the JSON helpers, run natively with
//! `/usr/bin/rustc --edition 2021 --test sdk/rust/src/lib.rs`.

use super::*;

const DOC: &str = r#"{"user": {"name": "bob", "tags": ["a", {"x": 1}], "age": 42},
 "email":"bob@example.com", "score": -1.5e3, "ok": true, "gone": null,
 "esc": "a\"b\\c\/d\n\u00e9\ud83d\ude00", "n": 9007199254740993, "zero": 0}"#;

fn kind<T: fmt::Debug>(r: Result<T, Error>) -> ErrorKind {
    r.expect_err("an error").kind
}

fn message<T: fmt::Debug>(r: Result<T, Error>) -> String {
    r.expect_err("an error").to_string()
}

#[test]
fn getters() {
    let d = DOC.as_bytes();
    assert_eq!(get_string(d, &["user", "name"]).unwrap(), "bob");
    assert_eq!(get_string(d, &["esc"]).unwrap(), "a\"b\\c/d\né😀");
    assert_eq!(get_number(d, &["score"]).unwrap(), -1500.0);
    assert_eq!(get_number(d, &["user", "age"]).unwrap(), 42.0);
    assert_eq!(get_int(d, &["n"]).unwrap(), 9007199254740993); // beyond 2^53, exact
    assert_eq!(get_int(d, &["zero"]).unwrap(), 0);
    assert!(get_bool(d, &["ok"]).unwrap());
    assert!(is_null(d, &["gone"]).unwrap());
    assert!(!is_null(d, &["ok"]).unwrap());
    assert_eq!(raw(d, &["user", "tags"]).unwrap(), br#"["a", {"x": 1}]"#);
    assert_eq!(raw(b" 7 ", &[]).unwrap(), b"7");
}

#[test]
fn keys() {
    assert_eq!(
        get_string(br#"{"a":"first","a":"last"}"#, &["a"]).unwrap(),
        "last"
    );
    assert_eq!(
        get_string(br#"{"\u00e9t\u00e9":"summer"}"#, &["été"]).unwrap(),
        "summer"
    );
}

#[test]
fn lone_surrogates() {
    assert_eq!(
        get_string(br#""\ud800x\udc00""#, &[]).unwrap(),
        "\u{fffd}x\u{fffd}"
    );
}

#[test]
fn numbers() {
    for (text, want) in [
        ("0", 0.0),
        ("-0", 0.0),
        ("12", 12.0),
        ("1.25", 1.25),
        ("-0.5", -0.5),
        ("1e3", 1000.0),
        ("1E+3", 1000.0),
        ("25e-1", 2.5),
        ("123456789012", 123456789012.0),
    ] {
        let doc = format!(r#"{{"v":{}}}"#, text);
        assert_eq!(
            get_number(doc.as_bytes(), &["v"]).unwrap(),
            want,
            "{}",
            text
        );
    }
    for text in ["1.5", "1e3", "99999999999999999999"] {
        assert_eq!(
            kind(get_int(text.as_bytes(), &[])),
            ErrorKind::WrongType,
            "{}",
            text
        );
    }
    assert_eq!(kind(get_number(b"1e999", &[])), ErrorKind::WrongType);
}

#[test]
fn errors() {
    let d = DOC.as_bytes();
    let cases: Vec<(Result<String, Error>, ErrorKind, &str)> = vec![
        (
            get_string(d, &["phone"]),
            ErrorKind::NotFound,
            "path phone: not found",
        ),
        (
            get_string(d, &["user", "phone"]),
            ErrorKind::NotFound,
            "path user.phone: not found",
        ),
        (
            get_string(d, &["email", "x"]),
            ErrorKind::NotObject,
            "path email.x: email is a string, not an object",
        ),
        (
            get_string(d, &["user", "tags", "0"]),
            ErrorKind::NotObject,
            "path user.tags.0: user.tags is an array, not an object",
        ),
        (
            get_string(b"[1]", &["a"]),
            ErrorKind::NotObject,
            "path a: the root is an array, not an object",
        ),
        (
            get_string(d, &["score"]),
            ErrorKind::WrongType,
            "path score: a number, not a string",
        ),
        (
            get_string(d, &["gone"]),
            ErrorKind::WrongType,
            "path gone: null, not a string",
        ),
        (
            get_string(b"hello", &["a"]),
            ErrorKind::Invalid,
            "invalid JSON at byte 0",
        ),
        (
            get_string(b"", &["a"]),
            ErrorKind::Invalid,
            "invalid JSON at byte 0",
        ),
        (
            get_string(br#"{"a":"b"#, &["a"]),
            ErrorKind::Invalid,
            "invalid JSON at byte 7",
        ),
        (
            get_string(br#"{"a":"b"} x"#, &["a"]),
            ErrorKind::Invalid,
            "invalid JSON at byte 10",
        ),
    ];
    for (got, k, msg) in cases {
        let err = got.expect_err(msg);
        assert_eq!((err.kind, err.to_string().as_str()), (k, msg));
    }
    assert_eq!(
        message(get_bool(d, &["user"])),
        "path user: an object, not a boolean"
    );
    assert_eq!(
        message(get_number(d, &["email"])),
        "path email: a string, not a number"
    );
}

#[test]
fn syntax() {
    for ok in [
        r#"{}"#,
        "[]",
        r#" {"a" : [ 1 , 2 ] } "#,
        r#""x""#,
        "-0.0e-0",
        "true",
        "null",
        r#"{"a":{"b":{"c":[]}}}"#,
    ] {
        assert!(raw(ok.as_bytes(), &[]).is_ok(), "{}", ok);
    }
    for bad in [
        "{",
        "}",
        r#"{"a"}"#,
        r#"{"a":}"#,
        r#"{"a":1,}"#,
        "[1,]",
        "{a:1}",
        "{'a':1}",
        "01",
        "1.",
        ".5",
        "-",
        "+1",
        "1e",
        "1e+",
        r#""\x""#,
        r#""\u12""#,
        r#""\u12g4""#,
        "\"a\tb\"",
        "tru",
        "nul",
        "falsey",
        "[1 2]",
        r#"{"a":1 "b":2}"#,
        "NaN",
        "Infinity",
        r#""abc"#,
        "1 2",
    ] {
        assert_eq!(
            kind(raw(bad.as_bytes(), &[])),
            ErrorKind::Invalid,
            "{}",
            bad
        );
    }
    let deep = "[".repeat(MAX_DEPTH + 2);
    assert_eq!(kind(raw(deep.as_bytes(), &[])), ErrorKind::Invalid);
}

#[test]
fn setters() {
    let d = br#"{"user": {"name": "bob"} ,  "email":"bob@example.com", "n": 1.50}"#;
    let text = |r: Result<Vec<u8>, Error>| String::from_utf8(r.unwrap()).unwrap();
    assert_eq!(
        text(set_string(d, &["email"], "b***@example.com")),
        r#"{"user": {"name": "bob"} ,  "email":"b***@example.com", "n": 1.50}"#
    );
    assert_eq!(
        text(set_string(d, &["user", "name"], "alice")),
        r#"{"user": {"name": "alice"} ,  "email":"bob@example.com", "n": 1.50}"#
    );
    assert_eq!(
        text(set_null(d, &["user"])),
        r#"{"user": null ,  "email":"bob@example.com", "n": 1.50}"#
    );
    assert_eq!(
        text(set_bool(d, &["ok"], true)),
        r#"{"user": {"name": "bob"} ,  "email":"bob@example.com", "n": 1.50,"ok":true}"#
    );
    assert_eq!(
        text(set_int(d, &["user", "id"], -7)),
        r#"{"user": {"name": "bob","id":-7} ,  "email":"bob@example.com", "n": 1.50}"#
    );
    assert_eq!(text(set_string(b"{ }", &["k"], "v")), r#"{ "k":"v"}"#);
    assert_eq!(
        text(set_number(b"{}", &["a", "b", "c"], 2.5)),
        r#"{"a":{"b":{"c":2.5}}}"#
    );
    assert_eq!(
        text(set_string(br#"{"s":1}"#, &["s"], "q\"b\\\n\t\x01é😀")),
        r#"{"s":"q\"b\\\n\t\u0001é😀"}"#
    );
    assert_eq!(text(set_string(b"{}", &["a\"b"], "v")), r#"{"a\"b":"v"}"#);
    assert_eq!(text(set_int(br#" "x" "#, &[], 3)), " 3 ");
    assert_eq!(
        kind(set_string(d, &["email", "a"], "x")),
        ErrorKind::NotObject
    );
    assert_eq!(
        kind(set_string(br#"{"a":"#, &["a"], "x")),
        ErrorKind::Invalid
    );
    assert_eq!(kind(set_number(d, &["n"], f64::NAN)), ErrorKind::WrongType);
}

#[test]
fn round_trip() {
    for s in ["", "plain", "é😀\u{2028}", "\u{0}\u{1f}\"\\/", "a\u{7f}b"] {
        let out = set_string(b"{}", &["k"], s).unwrap();
        assert!(raw(&out, &[]).is_ok());
        assert_eq!(get_string(&out, &["k"]).unwrap(), s);
    }
    for f in [0.0, 1.0, -2.5, 1e21, 1.5e-7, 123456.789, f64::MAX, 5e-324] {
        let out = set_number(b"{}", &["k"], f).unwrap();
        assert_eq!(
            get_number(&out, &["k"]).unwrap(),
            f,
            "{}",
            String::from_utf8_lossy(&out)
        );
    }
    assert_eq!(set_number(b"{}", &["k"], 1e21).unwrap(), br#"{"k":1e21}"#);
    assert_eq!(set_number(b"{}", &["k"], 100.0).unwrap(), br#"{"k":100}"#);
}
