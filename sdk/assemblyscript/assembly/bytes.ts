// Byte helpers: a growable byte buffer, UTF-8 conversions, ASCII case.

/** A growable byte buffer. */
export class ByteWriter {
  private buf: ArrayBuffer;
  length: i32 = 0;

  constructor(capacity: i32 = 64) {
    this.buf = new ArrayBuffer(capacity > 16 ? capacity : 16);
  }

  /** The address of the first byte (valid until the next write). */
  start(): usize {
    return changetype<usize>(this.buf);
  }

  /** Makes room for `n` more bytes, returns their address and counts them as written. */
  reserve(n: i32): usize {
    const need = this.length + n;
    const cap = this.buf.byteLength;
    if (need > cap) {
      let c = cap << 1;
      if (c < need) c = need;
      const nb = new ArrayBuffer(c);
      memory.copy(changetype<usize>(nb), changetype<usize>(this.buf), <usize>this.length);
      this.buf = nb;
    }
    const p = changetype<usize>(this.buf) + <usize>this.length;
    this.length = need;
    return p;
  }

  byte(b: u32): void {
    store<u8>(this.reserve(1), <u8>b);
  }

  raw(src: usize, n: i32): void {
    if (n > 0) memory.copy(this.reserve(n), src, <usize>n);
  }

  bytes(b: Uint8Array): void {
    this.raw(b.dataStart, b.length);
  }

  /** Appends the UTF-8 encoding of `s`. */
  string(s: string): void {
    const b = String.UTF8.encode(s);
    this.raw(changetype<usize>(b), b.byteLength);
  }

  /** Appends a literal made of ASCII characters. */
  ascii(s: string): void {
    const n = s.length;
    const dst = this.reserve(n);
    const p = changetype<usize>(s);
    for (let i = 0; i < n; i++) store<u8>(dst + i, <u8>load<u16>(p + (<usize>i << 1)));
  }

  /** Appends a decimal integer. */
  decimal(v: i64): void {
    this.ascii(v.toString());
  }

  /** A copy of the bytes written so far. */
  toBytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    memory.copy(out.dataStart, changetype<usize>(this.buf), <usize>this.length);
    return out;
  }

  /** The bytes written so far, decoded as UTF-8. */
  toString(): string {
    return String.UTF8.decodeUnsafe(changetype<usize>(this.buf), <usize>this.length);
  }
}

/** The UTF-8 bytes of `s`. */
export function utf8(s: string): Uint8Array {
  return Uint8Array.wrap(String.UTF8.encode(s));
}

/** `b` decoded as UTF-8 (invalid sequences become U+FFFD). */
export function str(b: Uint8Array): string {
  return String.UTF8.decodeUnsafe(b.dataStart, <usize>b.length);
}

/** A copy of `b` with a-z replaced by A-Z (other bytes unchanged). */
export function asciiUpper(b: Uint8Array): Uint8Array {
  const n = b.length;
  const out = new Uint8Array(n);
  const s = b.dataStart;
  const d = out.dataStart;
  for (let i = 0; i < n; i++) {
    const c = load<u8>(s + i);
    store<u8>(d + i, c >= 97 && c <= 122 ? c - 32 : c);
  }
  return out;
}

/** A copy of `b` with A-Z replaced by a-z (other bytes unchanged). */
export function asciiLower(b: Uint8Array): Uint8Array {
  const n = b.length;
  const out = new Uint8Array(n);
  const s = b.dataStart;
  const d = out.dataStart;
  for (let i = 0; i < n; i++) {
    const c = load<u8>(s + i);
    store<u8>(d + i, c >= 65 && c <= 90 ? c + 32 : c);
  }
  return out;
}

/** Whether `b` starts with the bytes of `prefix`. */
export function startsWith(b: Uint8Array, prefix: Uint8Array): bool {
  const n = prefix.length;
  if (n > b.length) return false;
  return memory.compare(b.dataStart, prefix.dataStart, <usize>n) == 0;
}

/** The first index of `needle` in `b` at or after `from`, or -1. */
export function indexOf(b: Uint8Array, needle: Uint8Array, from: i32 = 0): i32 {
  const n = needle.length;
  const last = b.length - n;
  for (let i = from < 0 ? 0 : from; i <= last; i++) {
    if (memory.compare(b.dataStart + i, needle.dataStart, <usize>n) == 0) return i;
  }
  return -1;
}

/** Splits `b` on every occurrence of the byte `sep` (no trimming; `a,,b` gives 3 parts). */
export function split(b: Uint8Array, sep: u8): Uint8Array[] {
  const parts = new Array<Uint8Array>();
  const n = b.length;
  let start = 0;
  for (let i = 0; i < n; i++) {
    if (b[i] == sep) {
      parts.push(b.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(b.slice(start, n));
  return parts;
}

/** The concatenation of `a` and `b`. */
export function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** Appends code point c to w in UTF-8. */
export function putUTF8(w: ByteWriter, c: u32): void {
  if (c < 0x80) {
    w.byte(c);
  } else if (c < 0x800) {
    w.byte(0xc0 | (c >> 6));
    w.byte(0x80 | (c & 0x3f));
  } else if (c < 0x10000) {
    w.byte(0xe0 | (c >> 12));
    w.byte(0x80 | ((c >> 6) & 0x3f));
    w.byte(0x80 | (c & 0x3f));
  } else {
    w.byte(0xf0 | (c >> 18));
    w.byte(0x80 | ((c >> 12) & 0x3f));
    w.byte(0x80 | ((c >> 6) & 0x3f));
    w.byte(0x80 | (c & 0x3f));
  }
}
