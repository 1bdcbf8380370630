// Standard base64 (RFC 4648, alphabet A-Z a-z 0-9 + /) with padding, as the record JSON uses.

import { ByteWriter } from "./bytes";

// @ts-ignore: decorator
@inline
function encChar(v: u32): u8 {
  return <u8>(v < 26 ? 65 + v : v < 52 ? 71 + v : v < 62 ? v - 4 : v == 62 ? 43 : 47);
}

// @ts-ignore: decorator
@inline
function decChar(c: u32): i32 {
  if (c >= 65 && c <= 90) return c - 65; // A-Z
  if (c >= 97 && c <= 122) return c - 71; // a-z
  if (c >= 48 && c <= 57) return c + 4; // 0-9
  if (c == 43) return 62; // +
  if (c == 47) return 63; // /
  return -1;
}

/** The encoded length of `n` bytes (with padding). */
export function encodedLength(n: i32): i32 {
  return ((n + 2) / 3) * 4;
}

/** Appends the base64 of `len` bytes at `src` to `w`. */
export function encodeInto(w: ByteWriter, src: usize, len: i32): void {
  const out = w.reserve(encodedLength(len));
  let o: usize = out;
  let i = 0;
  for (; i + 3 <= len; i += 3) {
    const v = (<u32>load<u8>(src + i) << 16) | (<u32>load<u8>(src + i + 1) << 8) | <u32>load<u8>(src + i + 2);
    store<u8>(o, encChar(v >> 18));
    store<u8>(o + 1, encChar((v >> 12) & 63));
    store<u8>(o + 2, encChar((v >> 6) & 63));
    store<u8>(o + 3, encChar(v & 63));
    o += 4;
  }
  const rest = len - i;
  if (rest == 1) {
    const v = <u32>load<u8>(src + i) << 16;
    store<u8>(o, encChar(v >> 18));
    store<u8>(o + 1, encChar((v >> 12) & 63));
    store<u8>(o + 2, 61);
    store<u8>(o + 3, 61);
  } else if (rest == 2) {
    const v = (<u32>load<u8>(src + i) << 16) | (<u32>load<u8>(src + i + 1) << 8);
    store<u8>(o, encChar(v >> 18));
    store<u8>(o + 1, encChar((v >> 12) & 63));
    store<u8>(o + 2, encChar((v >> 6) & 63));
    store<u8>(o + 3, 61);
  }
}

/** The base64 of `data`, as bytes. */
export function encode(data: Uint8Array): Uint8Array {
  const w = new ByteWriter(encodedLength(data.length));
  encodeInto(w, data.dataStart, data.length);
  return w.toBytes();
}

/** The base64 of `data`, as a string. */
export function encodeToString(data: Uint8Array): string {
  const w = new ByteWriter(encodedLength(data.length));
  encodeInto(w, data.dataStart, data.length);
  return String.UTF8.decodeUnsafe(w.start(), w.length);
}

/**
 * Decodes `len` bytes of base64 at `src`. Padding is optional (`YQ==` and `YQ` both give `a`);
 * anything else outside the alphabet, misplaced `=`, or an impossible length gives null.
 */
export function decodeFrom(src: usize, len: i32): Uint8Array | null {
  let n = len;
  if (n > 0 && n % 4 == 0) {
    if (load<u8>(src + n - 1) == 61) n--;
    if (load<u8>(src + n - 1) == 61) n--;
  }
  if (n % 4 == 1) return null;
  const out = new Uint8Array((n * 3) >> 2);
  const dst = out.dataStart;
  let o: usize = 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const a = decChar(load<u8>(src + i));
    const b = decChar(load<u8>(src + i + 1));
    const c = decChar(load<u8>(src + i + 2));
    const d = decChar(load<u8>(src + i + 3));
    if ((a | b | c | d) < 0) return null;
    const v = (<u32>a << 18) | (<u32>b << 12) | (<u32>c << 6) | <u32>d;
    store<u8>(dst + o, <u8>(v >> 16));
    store<u8>(dst + o + 1, <u8>(v >> 8));
    store<u8>(dst + o + 2, <u8>v);
    o += 3;
  }
  const rest = n - i;
  if (rest >= 2) {
    const a = decChar(load<u8>(src + i));
    const b = decChar(load<u8>(src + i + 1));
    const c = rest == 3 ? decChar(load<u8>(src + i + 2)) : 0;
    if ((a | b | c) < 0) return null;
    const v = (<u32>a << 18) | (<u32>b << 12) | (<u32>c << 6);
    store<u8>(dst + o, <u8>(v >> 16));
    if (rest == 3) store<u8>(dst + o + 1, <u8>(v >> 8));
  }
  return out;
}

/** Decodes base64 bytes; null if they are not valid base64 (see decodeFrom). */
export function decode(b64: Uint8Array): Uint8Array | null {
  return decodeFrom(b64.dataStart, b64.length);
}

/** Decodes a base64 string; null if it is not valid base64. */
export function decodeString(b64: string): Uint8Array | null {
  const buf = String.UTF8.encode(b64);
  return decodeFrom(changetype<usize>(buf), buf.byteLength);
}
