// Compiles tests/sdk.test.ts with the SDK (exactly as a guest is compiled) and runs it under
// node against a mock host implementing the `env` functions of docs/ABI.md.
// Usage: npm test   (exit status 1 if any test fails)

import asc from "assemblyscript/asc";
import { fileURLToPath } from "node:url";
import path from "node:path";

const sdkDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

const ABI_IMPORTS = new Set([
  "get_key", "set_key", "get_value", "set_value", "get_topic", "set_topic", "get_header",
  "set_header", "get_record", "set_record", "has_key", "has_header", "remove_header",
  "get_header_names", "get_partition", "get_timestamp", "set_timestamp", "drop_record",
  "emit_record", "get_param", "log",
]);

async function compile(entry, abort) {
  let binary = null;
  const diagnostics = [];
  const { error } = await asc.main([
    entry, "-O3", "--runtime", "incremental", "--use", `abort=${abort}`, "-o", "out.wasm",
  ], {
    stdout: { write: (s) => diagnostics.push(String(s)) },
    stderr: { write: (s) => diagnostics.push(String(s)) },
    writeFile: (name, contents) => { if (name.endsWith(".wasm")) binary = contents; },
    baseDir: sdkDir,
  });
  if (error) {
    console.error(diagnostics.join(""));
    throw error;
  }
  return binary;
}

// ---- mock host -------------------------------------------------------------------------------

const enc = new TextEncoder();
const dec = new TextDecoder();

function freshRecord() {
  return {
    topic: "foo",
    key: enc.encode("the-key"),
    value: enc.encode("the-value"),
    headers: new Map([["h1", enc.encode("v1")], ["h2", new Uint8Array(0)]]),
    partition: 3,
    timestamp: 1700000000000n,
  };
}

const b64 = (b) => Buffer.from(b).toString("base64");
const unb64 = (s) => {
  if (typeof s !== "string" || !/^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s)) {
    throw new Error("bad base64: " + s);
  }
  return new Uint8Array(Buffer.from(s, "base64"));
};

// Like the host's Go encoder: <, >, & and U+2028/2029 escaped.
function encodeRecord(r) {
  const o = { headers: {} };
  for (const [k, v] of [...r.headers].sort()) o.headers[k] = b64(v);
  if (r.topic !== null) o.topic = r.topic;
  if (r.key !== null) o.key = b64(r.key);
  if (r.value !== null) o.value = b64(r.value);
  return JSON.stringify(o).replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

function decodeInto(r, json) {
  const o = JSON.parse(json);
  for (const k of Object.keys(o)) {
    if (!["headers", "topic", "key", "value"].includes(k)) throw new Error("unknown field " + k);
  }
  if (o.topic !== undefined && typeof o.topic !== "string") throw new Error("topic not a string");
  r.topic = o.topic === undefined ? null : o.topic;
  r.key = o.key === undefined ? null : unb64(o.key);
  r.value = o.value === undefined ? null : unb64(o.value);
  r.headers = new Map(Object.entries(o.headers ?? {}).map(([k, v]) => [k, unb64(v)]));
}

class Host {
  constructor() {
    this.reset();
    this.exports = null;
    this.allocs = 0;
  }
  reset() {
    this.rec = freshRecord();
    this.params = new Map([["suffix", "-s"], ["empty", ""]]);
    this.logs = [];
    this.dropped = false;
    this.emitted = [];
  }
  mem() { return new Uint8Array(this.exports.memory.buffer); }
  read(ptr, len) { return this.mem().slice(ptr >>> 0, (ptr >>> 0) + (len >>> 0)); }
  give(bytes) {
    this.allocs++;
    const ptr = this.exports.alloc(bytes.length) >>> 0;
    this.mem().set(bytes, ptr);
    return (BigInt(ptr) << 32n) | BigInt(bytes.length);
  }
  must(v, what) {
    if (v === null || v === undefined) throw new Error(`host: the record has no ${what}`);
    return v;
  }
  imports() {
    const h = this;
    const name = (p, l) => dec.decode(h.read(p, l));
    return {
      env: {
        get_key: () => h.give(h.must(h.rec.key, "key")),
        set_key: (p, l) => { h.rec.key = h.read(p, l); },
        get_value: () => h.give(h.must(h.rec.value, "value")),
        set_value: (p, l) => { h.rec.value = h.read(p, l); },
        get_topic: () => h.give(enc.encode(h.must(h.rec.topic, "topic"))),
        set_topic: (p, l) => { h.rec.topic = name(p, l); },
        get_header: (np, nl) => h.give(h.must(h.rec.headers.get(name(np, nl)), "header")),
        set_header: (np, nl, vp, vl) => { h.rec.headers.set(name(np, nl), h.read(vp, vl)); },
        get_record: () => h.give(enc.encode(encodeRecord(h.rec))),
        set_record: (p, l) => decodeInto(h.rec, name(p, l)),
        has_key: () => (h.rec.key !== null ? 1 : 0),
        has_header: (np, nl) => (h.rec.headers.has(name(np, nl)) ? 1 : 0),
        remove_header: (np, nl) => { h.rec.headers.delete(name(np, nl)); },
        get_header_names: () => {
          const names = [...h.rec.headers.keys()].map((n) => enc.encode(n)).sort(Buffer.compare);
          const parts = [u32(names.length)];
          for (const n of names) parts.push(u32(n.length), n);
          return h.give(new Uint8Array(Buffer.concat(parts)));
        },
        get_partition: () => h.rec.partition,
        get_timestamp: () => h.rec.timestamp,
        set_timestamp: (ms) => {
          if (ms < 0n) throw new Error("negative timestamp");
          h.rec.timestamp = ms;
        },
        drop_record: () => { h.dropped = true; },
        emit_record: (p, l) => {
          const r = freshRecord();
          decodeInto(r, name(p, l));
          h.emitted.push(r);
        },
        get_param: (np, nl) => {
          const v = h.params.get(name(np, nl));
          return v === undefined ? -1n : h.give(enc.encode(v));
        },
        log: (level, p, l) => { h.logs.push([level, name(p, l)]); },
      },
    };
  }
  async instantiate(module) {
    const inst = await WebAssembly.instantiate(module, this.imports());
    this.exports = inst.exports;
  }
}

function u32(n) {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

// ---- runner ----------------------------------------------------------------------------------

let passed = 0;
let failed = 0;

async function run(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok   ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${e && e.message ? e.message : e}`);
  }
}

function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

const binary = await compile("tests/sdk.test.ts", "assembly/memory/abortLog");
const module = await WebAssembly.compile(binary);
const host = new Host();
await host.instantiate(module);

await run("module imports only ABI functions from env", () => {
  for (const imp of WebAssembly.Module.imports(module)) {
    assert(imp.module === "env" && ABI_IMPORTS.has(imp.name), `unexpected import ${imp.module}.${imp.name}`);
  }
  const exps = WebAssembly.Module.exports(module).map((e) => e.name);
  for (const e of ["memory", "alloc", "dealloc"]) assert(exps.includes(e), `missing export ${e}`);
});

for (const name of Object.keys(host.exports).filter((n) => n.startsWith("test_"))) {
  await run(name.slice(5), async () => {
    host.reset();
    try {
      host.exports[name]();
    } catch (e) {
      const why = host.logs.filter(([l]) => l === 3).map(([, m]) => m).join("; ");
      await host.instantiate(module); // a trapped instance is discarded, as the host does
      throw new Error(why || String(e));
    }
  });
}

await run("setters leave drop, emit and log with the host", () => {
  host.reset();
  host.exports.test_setters();
  assert(host.dropped, "drop_record called");
  assert(host.emitted.length === 1 && dec.decode(host.emitted[0].value) === "only value"
    && host.emitted[0].key === null, "emit_record JSON");
  assert(host.logs.length === 1 && host.logs[0][0] === 1 && host.logs[0][1] === "hello", "log info");
});

function takeResult(packed) {
  const ptr = Number(packed >> 32n);
  const raw = Number(packed & 0xffffffffn);
  const isErr = (raw & 0x80000000) !== 0;
  const msg = isErr ? dec.decode(host.read(ptr, raw & 0x7fffffff)) : null;
  host.exports.dealloc(ptr, raw | 0);
  return msg;
}

await run("error result: bit 31, message, dealloc", () => {
  host.reset();
  assert(takeResult(host.exports.result_error()) === "bad 😀 record", "error message");
  assert(takeResult(host.exports.result_error_bytes()) === "rejected: the-value", "errorBytes message");
  assert(host.exports.result_ok() === 0n, "OK is 0");
  assert(takeResult(host.exports.result_ok()) === null, "dealloc(0, 0) is a no-op");
});

await run("alloc(0) gives a valid buffer that dealloc releases", () => {
  const p = host.exports.alloc(0);
  assert(p !== 0, "alloc(0) is non-null");
  host.exports.dealloc(p, 0);
});

await run("abort logs its message at error level, then traps", async () => {
  host.reset();
  let trapped = false;
  try {
    host.exports.do_abort();
  } catch (e) {
    trapped = e instanceof WebAssembly.RuntimeError;
  }
  await host.instantiate(module);
  assert(trapped, "trapped");
  assert(host.logs.length === 1 && host.logs[0][0] === 3 && /^abort: .+ at ~lib\/.+:\d+:\d+$/.test(host.logs[0][1]),
    "abort log line: " + JSON.stringify(host.logs));
});

const N = Number(process.env.SDK_TEST_CALLS ?? 100000);
await run(`memory stays bounded over ${N} calls`, () => {
  const pages = () => host.exports.memory.buffer.byteLength / 65536;
  let at10 = 0;
  for (let i = 0; i < N; i++) {
    host.reset();
    if (i % 7 === 0) host.exports.test_getters();
    host.rec.value = enc.encode("value-" + "x".repeat(i % 2000));
    host.exports.churn();
    if (takeResult(host.exports.result_error_bytes()) === null) throw new Error("no error");
    if (i === Math.floor(N / 10)) at10 = pages();
  }
  const end = pages();
  assert(dec.decode(host.rec.value).startsWith("VALUE-"), "churn result");
  assert(end <= at10 + 1, `memory grew from ${at10} to ${end} pages`);
  console.log(`     (${host.allocs} host allocations; memory ${at10} -> ${end} pages of 64 KiB)`);
});

await run("abortTrap: module without the log import", async () => {
  const quiet = await WebAssembly.compile(await compile("tests/sdk.test.ts", "assembly/memory/abortTrap"));
  const h = new Host();
  await h.instantiate(quiet);
  let trapped = false;
  try {
    h.exports.do_abort();
  } catch (e) {
    trapped = e instanceof WebAssembly.RuntimeError;
  }
  assert(trapped && h.logs.length === 0, "traps without logging");
});

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
