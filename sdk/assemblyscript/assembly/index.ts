// @benthos-wasm/sdk: AssemblyScript guest SDK for the benthos-wasm `wasm_smt` processor.
//
// Implements the guest side of docs/ABI.md (the Kafka Connect Wasm transformer ABI and its
// extensions). A guest's entry file must re-export the allocator:
//
//   export { alloc, dealloc } from "@benthos-wasm/sdk";
//
// and be compiled with the SDK's abort handler (see README.md):
//
//   asc guest.ts -O3 --runtime incremental \
//     --use abort=~lib/@benthos-wasm/sdk/assembly/memory/abortLog -o guest.wasm
//
// Reading an absent key, value, topic or header makes the host abandon the call (the record
// fails), so getters never return "absent": check with hasKey()/hasHeader() first, or read the
// whole record with getRecord().

import * as env from "./env";
import { takeBytes, takeString, packedPtr, packedLen } from "./memory";
import { Record } from "./record";

export { env };
export {
  alloc, dealloc, OK, ERROR_BIT, error, errorBytes, trap, pack, packedPtr, packedLen,
  takeBytes, takeString, abortLog, abortTrap,
} from "./memory";
export { Record, writeJSONString } from "./record";
export { ByteWriter, utf8, str, asciiUpper, asciiLower, startsWith, indexOf, split, concat } from "./bytes";
import * as base64 from "./base64";
export { base64 };
import * as json from "./json";
export { json };

// ---- value -----------------------------------------------------------------------------------

/** The value (message payload), through the value converter. Fails the record if absent. */
export function getValue(): Uint8Array {
  return takeBytes(env.get_value());
}

/** The value decoded as UTF-8. */
export function getValueString(): string {
  return takeString(env.get_value());
}

/** Replaces the value. The host copies the bytes. */
export function setValue(v: Uint8Array): void {
  env.set_value(v.dataStart, <usize>v.length);
}

/** Replaces the value with the UTF-8 bytes of `s`. */
export function setValueString(s: string): void {
  const b = String.UTF8.encode(s);
  env.set_value(changetype<usize>(b), <usize>b.byteLength);
}

// ---- key -------------------------------------------------------------------------------------

/** Whether the record has a key (`has_key`; sees earlier writes of this call). */
export function hasKey(): bool {
  return env.has_key() != 0;
}

/** The key, through the key converter. Fails the record if absent: check hasKey() first. */
export function getKey(): Uint8Array {
  return takeBytes(env.get_key());
}

/** The key decoded as UTF-8. */
export function getKeyString(): string {
  return takeString(env.get_key());
}

/** Replaces the key. */
export function setKey(k: Uint8Array): void {
  env.set_key(k.dataStart, <usize>k.length);
}

/** Replaces the key with the UTF-8 bytes of `s`. */
export function setKeyString(s: string): void {
  const b = String.UTF8.encode(s);
  env.set_key(changetype<usize>(b), <usize>b.byteLength);
}

// ---- topic -----------------------------------------------------------------------------------

/** The topic. Fails the record if absent. */
export function getTopic(): string {
  return takeString(env.get_topic());
}

/** The topic as raw UTF-8 bytes. */
export function getTopicBytes(): Uint8Array {
  return takeBytes(env.get_topic());
}

/** Sets the topic. */
export function setTopic(t: string): void {
  const b = String.UTF8.encode(t);
  env.set_topic(changetype<usize>(b), <usize>b.byteLength);
}

// ---- headers ---------------------------------------------------------------------------------

/** The header `name`, through the header converter. Fails the record if absent. */
export function getHeader(name: string): Uint8Array {
  const n = String.UTF8.encode(name);
  return takeBytes(env.get_header(changetype<usize>(n), <usize>n.byteLength));
}

/** The header `name` decoded as UTF-8. */
export function getHeaderString(name: string): string {
  const n = String.UTF8.encode(name);
  return takeString(env.get_header(changetype<usize>(n), <usize>n.byteLength));
}

/** Sets the header `name` to `v`. */
export function setHeader(name: string, v: Uint8Array): void {
  const n = String.UTF8.encode(name);
  env.set_header(changetype<usize>(n), <usize>n.byteLength, v.dataStart, <usize>v.length);
}

/** Sets the header `name` to the UTF-8 bytes of `s`. */
export function setHeaderString(name: string, s: string): void {
  const n = String.UTF8.encode(name);
  const b = String.UTF8.encode(s);
  env.set_header(changetype<usize>(n), <usize>n.byteLength, changetype<usize>(b), <usize>b.byteLength);
}

/** Whether the header `name` is present (sees earlier writes of this call). */
export function hasHeader(name: string): bool {
  const n = String.UTF8.encode(name);
  return env.has_header(changetype<usize>(n), <usize>n.byteLength) != 0;
}

/** Removes the header `name` (nothing happens if it is absent). */
export function removeHeader(name: string): void {
  const n = String.UTF8.encode(name);
  env.remove_header(changetype<usize>(n), <usize>n.byteLength);
}

/** The names of the headers, in ascending byte order, each once. */
export function headerNames(): string[] {
  const b = takeBytes(env.get_header_names());
  const p = b.dataStart;
  const end = <u32>b.length;
  if (end < 4) unreachable();
  const count = load<u32>(p);
  const names = new Array<string>();
  let off: u32 = 4;
  for (let i: u32 = 0; i < count; i++) {
    if (off + 4 > end) unreachable();
    const n = load<u32>(p + off);
    off += 4;
    if (n > end - off) unreachable();
    names.push(String.UTF8.decodeUnsafe(p + off, n));
    off += n;
  }
  return names;
}

// ---- partition, timestamp --------------------------------------------------------------------

/** The record's partition, -1 if absent. */
export function partition(): i32 {
  return env.get_partition();
}

/** The record's timestamp in milliseconds since the Unix epoch, -1 if absent. */
export function timestamp(): i64 {
  return env.get_timestamp();
}

/** Sets the timestamp (milliseconds since the Unix epoch; negative fails the record). */
export function setTimestamp(ms: i64): void {
  env.set_timestamp(ms);
}

// ---- drop, emit ------------------------------------------------------------------------------

/** Filters this record out (acknowledged, not an error), if the call succeeds. */
export function drop(): void {
  env.drop_record();
}

/**
 * Emits an extra record after this one (if the call succeeds): a copy of the incoming record
 * (partition, timestamp, ...) whose topic, key, value and headers are replaced by `r`'s.
 */
export function emit(r: Record): void {
  const json = r.encode();
  env.emit_record(json.dataStart, <usize>json.length);
}

/** Emits an extra record from raw record JSON. */
export function emitJSON(json: Uint8Array): void {
  env.emit_record(json.dataStart, <usize>json.length);
}

// ---- whole record ----------------------------------------------------------------------------

/** The whole record (`get_record`). */
export function getRecord(): Record {
  return Record.decode(takeBytes(env.get_record()));
}

/** Replaces topic, key, value and all headers of the record (`set_record`). */
export function setRecord(r: Record): void {
  const json = r.encode();
  env.set_record(json.dataStart, <usize>json.length);
}

/** The raw record JSON (`get_record`). */
export function getRecordJSON(): Uint8Array {
  return takeBytes(env.get_record());
}

/** Replaces the record from raw record JSON (`set_record`). */
export function setRecordJSON(json: Uint8Array): void {
  env.set_record(json.dataStart, <usize>json.length);
}

// ---- params ----------------------------------------------------------------------------------

/** The processor's `params` entry `name` as bytes, or null if there is no such entry. */
export function paramBytes(name: string): Uint8Array | null {
  const n = String.UTF8.encode(name);
  const packed = env.get_param(changetype<usize>(n), <usize>n.byteLength);
  if (packed == <u64>-1) return null;
  return takeBytes(packed);
}

/** The processor's `params` entry `name`, or null if there is no such entry ("" if empty). */
export function param(name: string): string | null {
  const n = String.UTF8.encode(name);
  const packed = env.get_param(changetype<usize>(n), <usize>n.byteLength);
  if (packed == <u64>-1) return null;
  return takeString(packed);
}

// ---- logging ---------------------------------------------------------------------------------

/** Log levels of the host's `log` function. */
export namespace Level {
  export const DEBUG: i32 = 0;
  export const INFO: i32 = 1;
  export const WARN: i32 = 2;
  export const ERROR: i32 = 3;
}

/** Writes to the host log (`log`). */
export namespace log {
  /** Logs `msg` at `level` (0 debug, 1 info, 2 warn, 3 error). */
  export function write(level: i32, msg: string): void {
    const b = String.UTF8.encode(msg);
    env.log(level, changetype<usize>(b), <usize>b.byteLength);
  }
  /** Logs UTF-8 bytes at `level`. */
  export function writeBytes(level: i32, msg: Uint8Array): void {
    env.log(level, msg.dataStart, <usize>msg.length);
  }
  export function debug(msg: string): void {
    write(0, msg);
  }
  export function info(msg: string): void {
    write(1, msg);
  }
  export function warn(msg: string): void {
    write(2, msg);
  }
  export function error(msg: string): void {
    write(3, msg);
  }
}
