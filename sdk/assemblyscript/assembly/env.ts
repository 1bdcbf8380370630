// The host functions of docs/ABI.md, imported from module "env" with exactly the ABI's wasm
// signatures. Pointers and lengths are i32 (usize on wasm32); packed results are i64.
//
// These are the raw imports. Most guests use the wrappers in index.ts instead, which take care
// of memory: getter results come back in buffers the host obtained from our `alloc` export.
//
// AssemblyScript only emits an import for a declared function that is actually called, so a
// module imports exactly the host functions it uses: a guest that sticks to the original ten
// runs on any host of the Kafka Connect Wasm transformer ABI.

// ---- The original ABI (Kafka Connect Wasm transformer) ------------------------------------

// @ts-ignore: decorator
@external("env", "get_key")
export declare function get_key(): u64;
// @ts-ignore: decorator
@external("env", "set_key")
export declare function set_key(ptr: usize, len: usize): void;
// @ts-ignore: decorator
@external("env", "get_value")
export declare function get_value(): u64;
// @ts-ignore: decorator
@external("env", "set_value")
export declare function set_value(ptr: usize, len: usize): void;
// @ts-ignore: decorator
@external("env", "get_topic")
export declare function get_topic(): u64;
// @ts-ignore: decorator
@external("env", "set_topic")
export declare function set_topic(ptr: usize, len: usize): void;
// @ts-ignore: decorator
@external("env", "get_header")
export declare function get_header(namePtr: usize, nameLen: usize): u64;
// @ts-ignore: decorator
@external("env", "set_header")
export declare function set_header(namePtr: usize, nameLen: usize, valPtr: usize, valLen: usize): void;
// @ts-ignore: decorator
@external("env", "get_record")
export declare function get_record(): u64;
// @ts-ignore: decorator
@external("env", "set_record")
export declare function set_record(ptr: usize, len: usize): void;

// ---- Extensions ------------------------------------------------------------------------------

// @ts-ignore: decorator
@external("env", "has_key")
export declare function has_key(): i32;
// @ts-ignore: decorator
@external("env", "has_header")
export declare function has_header(namePtr: usize, nameLen: usize): i32;
// @ts-ignore: decorator
@external("env", "remove_header")
export declare function remove_header(namePtr: usize, nameLen: usize): void;
// @ts-ignore: decorator
@external("env", "get_header_names")
export declare function get_header_names(): u64;
// @ts-ignore: decorator
@external("env", "get_partition")
export declare function get_partition(): i32;
// @ts-ignore: decorator
@external("env", "get_timestamp")
export declare function get_timestamp(): i64;
// @ts-ignore: decorator
@external("env", "set_timestamp")
export declare function set_timestamp(ms: i64): void;
// @ts-ignore: decorator
@external("env", "drop_record")
export declare function drop_record(): void;
// @ts-ignore: decorator
@external("env", "emit_record")
export declare function emit_record(ptr: usize, len: usize): void;
// @ts-ignore: decorator
@external("env", "get_param")
export declare function get_param(namePtr: usize, nameLen: usize): u64;
// @ts-ignore: decorator
@external("env", "log")
export declare function log(level: i32, ptr: usize, len: usize): void;
