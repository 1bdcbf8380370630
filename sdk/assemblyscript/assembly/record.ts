// The whole record and its JSON form (get_record, set_record, emit_record):
//
//   {"headers":{"<name>":"<base64>"},"topic":"t","key":"<base64>","value":"<base64>"}
//
// An absent key, value or topic is left out (null here); an empty one is "" (a zero-length
// Uint8Array / string here).

import { ByteWriter, putUTF8 } from "./bytes";
import { encodeInto, decodeFrom } from "./base64";

/** A whole record. null is absent; a zero-length array is empty. */
export class Record {
  /** The topic, or null if absent. */
  topic: string | null = null;
  /** The key bytes, or null if absent. */
  key: Uint8Array | null = null;
  /** The value bytes, or null if absent (a tombstone). */
  value: Uint8Array | null = null;
  /** The headers: name to (decoded) value bytes. */
  headers: Map<string, Uint8Array> = new Map<string, Uint8Array>();

  /** Why the last tryDecode returned null. */
  static lastError: string = "";

  /** A record with no topic, key, value or headers. */
  constructor() {}

  /** A copy (new header map; the byte arrays themselves are shared). */
  clone(): Record {
    const r = new Record();
    r.topic = this.topic;
    r.key = this.key;
    r.value = this.value;
    const names = this.headers.keys();
    for (let i = 0; i < names.length; i++) r.headers.set(names[i], this.headers.get(names[i]));
    return r;
  }

  /**
   * Parses record JSON. Unknown fields are skipped and null counts as absent; a missing
   * `headers` means none. Returns null on malformed input, with the reason in
   * `Record.lastError`.
   */
  static tryDecode(json: Uint8Array): Record | null {
    const p = new Parser(json.dataStart, json.length);
    const r = p.record();
    if (p.error !== null) {
      Record.lastError = p.error!;
      return null;
    }
    return r;
  }

  /** Like tryDecode, but aborts (traps) on malformed input. */
  static decode(json: Uint8Array): Record {
    const r = Record.tryDecode(json);
    if (r === null) throw new Error("record JSON: " + Record.lastError);
    return r;
  }

  /** The record JSON: keys in the order headers, topic, key, value; header names sorted. */
  encode(): Uint8Array {
    const w = new ByteWriter(256);
    this.encodeInto(w);
    return w.toBytes();
  }

  /** The record JSON as a string. */
  toJSON(): string {
    const w = new ByteWriter(256);
    this.encodeInto(w);
    return w.toString();
  }

  /** Appends the record JSON to `w`. */
  encodeInto(w: ByteWriter): void {
    w.ascii('{"headers":{');
    const names = this.headers.keys();
    names.sort();
    for (let i = 0; i < names.length; i++) {
      if (i > 0) w.byte(44); // ,
      writeJSONString(w, names[i]);
      w.byte(58); // :
      writeBase64String(w, this.headers.get(names[i]));
    }
    w.byte(125); // }
    const topic = this.topic;
    if (topic !== null) {
      w.ascii(',"topic":');
      writeJSONString(w, topic);
    }
    const key = this.key;
    if (key !== null) {
      w.ascii(',"key":');
      writeBase64String(w, key);
    }
    const value = this.value;
    if (value !== null) {
      w.ascii(',"value":');
      writeBase64String(w, value);
    }
    w.byte(125);
  }
}

function writeBase64String(w: ByteWriter, b: Uint8Array): void {
  w.byte(34);
  encodeInto(w, b.dataStart, b.length);
  w.byte(34);
}

// @ts-ignore: decorator
@inline
function hexDigit(v: u32): u32 {
  return v < 10 ? 48 + v : 87 + v;
}

/** Appends `s` as a JSON string literal (UTF-8; `"`, `\` and control characters escaped). */
export function writeJSONString(w: ByteWriter, s: string): void {
  w.byte(34);
  const p = changetype<usize>(s);
  const n = s.length;
  for (let i = 0; i < n; i++) {
    let c = <u32>load<u16>(p + (<usize>i << 1));
    if (c < 0x80) {
      if (c == 34 || c == 92) {
        w.byte(92);
        w.byte(c);
      } else if (c < 0x20) {
        w.byte(92);
        if (c == 10) w.byte(110); // \n
        else if (c == 13) w.byte(114); // \r
        else if (c == 9) w.byte(116); // \t
        else {
          w.ascii("u00");
          w.byte(hexDigit(c >> 4));
          w.byte(hexDigit(c & 15));
        }
      } else {
        w.byte(c);
      }
      continue;
    }
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < n) {
      const lo = <u32>load<u16>(p + (<usize>(i + 1) << 1));
      if (lo >= 0xdc00 && lo < 0xe000) {
        c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
        i++;
      }
    }
    if (c >= 0xd800 && c < 0xe000) c = 0xfffd; // lone surrogate: not representable in UTF-8
    putUTF8(w, c);
  }
  w.byte(34);
}

const MAX_DEPTH = 64;

/** A JSON parser over bytes at [base, base+len) for the record object. */
class Parser {
  base: usize;
  len: i32;
  i: i32 = 0;
  error: string | null = null;
  // Unescaped bytes of the last string read.
  sbuf: ByteWriter = new ByteWriter(64);

  constructor(base: usize, len: i32) {
    this.base = base;
    this.len = len;
  }

  fail(msg: string): void {
    if (this.error === null) this.error = msg + " at offset " + this.i.toString();
  }

  peek(): i32 {
    return this.i < this.len ? <i32>load<u8>(this.base + this.i) : -1;
  }

  ws(): void {
    while (this.i < this.len) {
      const c = load<u8>(this.base + this.i);
      if (c != 32 && c != 9 && c != 10 && c != 13) break;
      this.i++;
    }
  }

  expect(c: i32): bool {
    this.ws();
    if (this.peek() != c) {
      this.fail("expected '" + String.fromCharCode(c) + "'");
      return false;
    }
    this.i++;
    return true;
  }

  literal(word: string): bool {
    const n = word.length;
    if (this.i + n > this.len) {
      this.fail("bad literal");
      return false;
    }
    for (let k = 0; k < n; k++) {
      if (<i32>load<u8>(this.base + this.i + k) != word.charCodeAt(k)) {
        this.fail("bad literal");
        return false;
      }
    }
    this.i += n;
    return true;
  }

  /** Reads `null` if it is next (after whitespace). */
  nullNext(): bool {
    this.ws();
    if (this.peek() == 110) return this.literal("null"); // n
    return false;
  }

  hex4(): i32 {
    if (this.i + 4 > this.len) return -1;
    let v = 0;
    for (let k = 0; k < 4; k++) {
      const c = <i32>load<u8>(this.base + this.i + k);
      let d: i32;
      if (c >= 48 && c <= 57) d = c - 48;
      else if (c >= 97 && c <= 102) d = c - 87;
      else if (c >= 65 && c <= 70) d = c - 55;
      else return -1;
      v = (v << 4) | d;
    }
    this.i += 4;
    return v;
  }

  /**
   * Reads a JSON string into this.sbuf as UTF-8 bytes (escapes resolved: \uXXXX, surrogate
   * pairs; a lone surrogate becomes U+FFFD). Returns false on error.
   */
  stringBytes(): bool {
    this.ws();
    if (this.peek() != 34) {
      this.fail("expected a string");
      return false;
    }
    this.i++;
    const w = this.sbuf;
    w.length = 0;
    while (true) {
      // Copy a run of plain bytes at once.
      const runStart = this.i;
      while (this.i < this.len) {
        const c = load<u8>(this.base + this.i);
        if (c == 34 || c == 92 || c < 0x20) break;
        this.i++;
      }
      w.raw(this.base + runStart, this.i - runStart);
      const c = this.peek();
      if (c == 34) {
        this.i++;
        return true;
      }
      if (c < 0) {
        this.fail("unterminated string");
        return false;
      }
      if (c < 0x20) {
        this.fail("control character in string");
        return false;
      }
      // backslash
      this.i++;
      const e = this.peek();
      this.i++;
      if (e == 34 || e == 92 || e == 47) w.byte(e);
      else if (e == 98) w.byte(8);
      else if (e == 102) w.byte(12);
      else if (e == 110) w.byte(10);
      else if (e == 114) w.byte(13);
      else if (e == 116) w.byte(9);
      else if (e == 117) {
        let cp = this.hex4();
        if (cp < 0) {
          this.fail("bad \\u escape");
          return false;
        }
        if (cp >= 0xd800 && cp < 0xdc00) {
          // high surrogate: combine with a following \uDC00-\uDFFF
          const save = this.i;
          let lo = -1;
          if (this.i + 1 < this.len && load<u8>(this.base + this.i) == 92 && load<u8>(this.base + this.i + 1) == 117) {
            this.i += 2;
            lo = this.hex4();
          }
          if (lo >= 0xdc00 && lo < 0xe000) {
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
          } else {
            this.i = save;
            cp = 0xfffd;
          }
        } else if (cp >= 0xdc00 && cp < 0xe000) {
          cp = 0xfffd;
        }
        putUTF8(w, <u32>cp);
      } else {
        this.i--;
        this.fail("bad escape");
        return false;
      }
    }
    return false; // unreachable
  }

  /** Reads a JSON string as an AssemblyScript string, or null on error. */
  string(): string | null {
    if (!this.stringBytes()) return null;
    return String.UTF8.decodeUnsafe(this.sbuf.start(), <usize>this.sbuf.length);
  }

  /** Reads a JSON string holding base64 and decodes it, or null on error. */
  base64(): Uint8Array | null {
    if (!this.stringBytes()) return null;
    const b = decodeFrom(this.sbuf.start(), this.sbuf.length);
    if (b === null) this.fail("bad base64");
    return b;
  }

  skipValue(depth: i32): bool {
    if (depth > MAX_DEPTH) {
      this.fail("nesting too deep");
      return false;
    }
    this.ws();
    const c = this.peek();
    if (c == 34) return this.stringBytes();
    if (c == 116) return this.literal("true");
    if (c == 102) return this.literal("false");
    if (c == 110) return this.literal("null");
    if (c == 123 || c == 91) {
      const close = c == 123 ? 125 : 93;
      this.i++;
      this.ws();
      if (this.peek() == close) {
        this.i++;
        return true;
      }
      while (true) {
        if (close == 125) {
          if (!this.stringBytes()) return false;
          if (!this.expect(58)) return false;
        }
        if (!this.skipValue(depth + 1)) return false;
        this.ws();
        const d = this.peek();
        this.i++;
        if (d == 44) continue;
        if (d == close) return true;
        this.i--;
        this.fail("expected ',' or end of container");
        return false;
      }
    }
    if (c == 45 || (c >= 48 && c <= 57)) {
      const start = this.i;
      while (true) {
        const d = this.peek();
        if (d == 45 || d == 43 || d == 46 || d == 101 || d == 69 || (d >= 48 && d <= 57)) this.i++;
        else break;
      }
      return this.i > start;
    }
    this.fail("unexpected character");
    return false;
  }

  headers(r: Record): bool {
    if (this.nullNext()) return true;
    if (!this.expect(123)) return false;
    this.ws();
    if (this.peek() == 125) {
      this.i++;
      return true;
    }
    while (true) {
      const name = this.string();
      if (name === null) return false;
      if (!this.expect(58)) return false;
      const v = this.base64();
      if (v === null) return false;
      r.headers.set(name, v);
      this.ws();
      const d = this.peek();
      this.i++;
      if (d == 44) continue;
      if (d == 125) return true;
      this.i--;
      this.fail("expected ',' or '}' in headers");
      return false;
    }
    return false;
  }

  record(): Record {
    const r = new Record();
    if (!this.expect(123)) return r;
    this.ws();
    if (this.peek() == 125) {
      this.i++;
    } else {
      while (true) {
        const field = this.string();
        if (field === null) return r;
        if (!this.expect(58)) return r;
        const f = field;
        if (f == "headers") {
          if (!this.headers(r)) return r;
        } else if (f == "topic") {
          if (this.nullNext()) r.topic = null;
          else {
            const t = this.string();
            if (t === null) return r;
            r.topic = t;
          }
        } else if (f == "key") {
          if (this.nullNext()) r.key = null;
          else {
            const k = this.base64();
            if (k === null) return r;
            r.key = k;
          }
        } else if (f == "value") {
          if (this.nullNext()) r.value = null;
          else {
            const v = this.base64();
            if (v === null) return r;
            r.value = v;
          }
        } else {
          if (!this.skipValue(0)) return r;
        }
        this.ws();
        const d = this.peek();
        this.i++;
        if (d == 44) continue;
        if (d == 125) break;
        this.i--;
        this.fail("expected ',' or '}'");
        return r;
      }
    }
    this.ws();
    if (this.i != this.len) this.fail("trailing data after the record");
    return r;
  }
}

