// Memory shared with the host: the `alloc` / `dealloc` exports, getter results, function
// results.
//
// Buffers are ordinary managed ArrayBuffers of the AssemblyScript runtime, *pinned* while the
// host holds them:
//
// - `alloc(size)` allocates an ArrayBuffer of `size` bytes and pins it, so the garbage
//   collector neither frees nor touches it while the host writes into it (the collector of
//   the incremental runtime may run inside any allocation, and nothing but the pin refers to
//   the buffer until the getter returns). The runtime never moves objects.
// - A getter wrapper (takeBytes) turns the returned pointer back into that ArrayBuffer,
//   unpins it and wraps it in a Uint8Array: no copy, and from then on the collector frees it
//   like any other object once the guest drops it.
// - A function result (`error(msg)`) is a pinned ArrayBuffer too; the host reads it and calls
//   `dealloc(ptr, len)`, which unpins it. `dealloc(0, _)` (the OK result) does nothing.

import { log as hostLog } from "./env";

/** Bit 31 of the length half of a function result: the buffer is an error message. */
export const ERROR_BIT: u32 = 0x8000_0000;

/** The result of a guest function that succeeded (ptr 0, len 0). */
export const OK: u64 = 0;

/** Packs a pointer and a length as the ABI does: `ptr << 32 | len`. */
// @ts-ignore: decorator
@inline
export function pack(ptr: usize, len: u32): u64 {
  return (<u64>ptr << 32) | <u64>len;
}

/** The pointer half of a packed value. */
// @ts-ignore: decorator
@inline
export function packedPtr(packed: u64): usize {
  return <usize>(packed >>> 32);
}

/** The length half of a packed value. */
// @ts-ignore: decorator
@inline
export function packedLen(packed: u64): u32 {
  return <u32>packed;
}

/**
 * Exported as `alloc`: the host calls it to get a buffer of `size` bytes for a getter result.
 * Returns a pinned ArrayBuffer (also for size 0, which is a valid, distinct object).
 */
export function alloc(size: usize): usize {
  if (size > 0x7fff_ffff) unreachable();
  return __pin(__new(size, idof<ArrayBuffer>()));
}

/**
 * Exported as `dealloc`: releases a buffer handed to the host (a function result, or an
 * `alloc` buffer never taken back by a getter wrapper). `len` may carry bit 31; it is ignored:
 * the runtime knows every object's size. `ptr` 0 is a no-op.
 */
export function dealloc(ptr: usize, len: usize): void {
  if (ptr != 0) __unpin(ptr);
}

/**
 * Takes ownership of a packed getter result: the buffer came from `alloc(len)` and holds `len`
 * bytes written by the host. Unpins it and returns it as a Uint8Array (no copy).
 */
export function takeBytes(packed: u64): Uint8Array {
  const ptr = packedPtr(packed);
  const len = packedLen(packed);
  const buf = changetype<ArrayBuffer>(ptr);
  if (ptr == 0 || <u32>buf.byteLength != len) unreachable(); // not from our alloc
  __unpin(ptr);
  return Uint8Array.wrap(buf);
}

/** Like takeBytes, decoding the bytes as UTF-8 (invalid sequences become U+FFFD). */
export function takeString(packed: u64): string {
  const ptr = packedPtr(packed);
  const len = packedLen(packed);
  if (ptr == 0 || <u32>changetype<ArrayBuffer>(ptr).byteLength != len) unreachable();
  const s = String.UTF8.decodeUnsafe(ptr, len);
  __unpin(ptr);
  return s;
}

/**
 * The result of a guest function that fails the record with the UTF-8 message `msg`: the
 * message goes into a pinned buffer and the length gets bit 31. The host reads it and calls
 * `dealloc`, which releases it.
 *
 * ```ts
 * export function check(): u64 {
 *   if (getValue().length == 0) return error("empty value");
 *   return OK;
 * }
 * ```
 */
export function error(msg: string): u64 {
  return errorResult(String.UTF8.encode(msg));
}

/** Like error(), with the message as bytes (which should be UTF-8). */
export function errorBytes(msg: Uint8Array): u64 {
  return errorResult(msg.slice().buffer);
}

function errorResult(buf: ArrayBuffer): u64 {
  const len = <u32>buf.byteLength;
  if (len & ERROR_BIT) unreachable();
  const ptr = __pin(changetype<usize>(buf));
  return pack(ptr, len | ERROR_BIT);
}

/** Aborts the call with a WebAssembly trap (`unreachable`): the host fails the record. */
// @ts-ignore: decorator
@inline
export function trap(): void {
  unreachable();
}

// ---- abort handlers (selected with asc's --use abort=...) -------------------------------------

// The message is built without allocating (the abort may come from the allocator itself).
const ABORT_BUF_SIZE: i32 = 1024;
const abortBuf = memory.data(ABORT_BUF_SIZE);
let abortLen: i32 = 0;
let aborting = false;

function abortPut(b: u32): void {
  if (abortLen < ABORT_BUF_SIZE) {
    store<u8>(abortBuf + abortLen, <u8>b);
    abortLen++;
  }
}

function abortPutString(s: string | null): void {
  if (s === null) return;
  const p = changetype<usize>(s);
  const n = s.length;
  for (let i = 0; i < n; i++) {
    let c = <u32>load<u16>(p + (<usize>i << 1));
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < n) {
      const lo = <u32>load<u16>(p + (<usize>(i + 1) << 1));
      if (lo >= 0xdc00 && lo < 0xe000) {
        c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
        i++;
      }
    }
    if (c >= 0xd800 && c < 0xe000) c = 0xfffd; // lone surrogate
    if (c < 0x80) {
      abortPut(c);
    } else if (c < 0x800) {
      abortPut(0xc0 | (c >> 6));
      abortPut(0x80 | (c & 0x3f));
    } else if (c < 0x10000) {
      abortPut(0xe0 | (c >> 12));
      abortPut(0x80 | ((c >> 6) & 0x3f));
      abortPut(0x80 | (c & 0x3f));
    } else {
      abortPut(0xf0 | (c >> 18));
      abortPut(0x80 | ((c >> 12) & 0x3f));
      abortPut(0x80 | ((c >> 6) & 0x3f));
      abortPut(0x80 | (c & 0x3f));
    }
  }
}

function abortPutU32(v: u32): void {
  if (v >= 10) abortPutU32(v / 10);
  abortPut(48 + v % 10);
}

/**
 * The abort handler to compile with: `--use abort=~lib/@benthos-wasm/sdk/assembly/memory/abortLog`
 * (the SDK installed as a package; asc names package files `~lib/<package>/<path>`).
 * Writes `abort: <message> at <file>:<line>:<column>` to the host log at error level (through
 * the `log` extension), then traps. Failed assertions, out-of-range indexes, `throw` and out of
 * memory all end here.
 */
export function abortLog(message: string | null, fileName: string | null, line: u32, column: u32): void {
  if (!aborting) {
    aborting = true;
    abortLen = 0;
    abortPutString("abort: ");
    abortPutString(message);
    if (fileName !== null) {
      abortPutString(" at ");
      abortPutString(fileName);
      abortPut(58); // ':'
      abortPutU32(line);
      abortPut(58);
      abortPutU32(column);
    }
    hostLog(3, abortBuf, abortLen);
  }
  unreachable();
}

/**
 * The abort handler that only traps: `--use abort=~lib/@benthos-wasm/sdk/assembly/memory/abortTrap`.
 * Use it for a module that must import nothing beyond the original ten host functions (to run
 * on a Kafka Connect Wasm transformer host, which has no `log`).
 */
export function abortTrap(message: string | null, fileName: string | null, line: u32, column: u32): void {
  unreachable();
}
