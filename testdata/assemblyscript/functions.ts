// Conformance guest for the `wasm_smt` host ABI, written against the AssemblyScript SDK
// (sdk/assemblyscript). Built by build.sh into testdata/wasm/assemblyscript.wasm.
// The functions and their behaviour are listed in testdata/FUNCTIONS.md.

import {
  getValue, setValue, setValueString, setKey, getHeader, setHeader, setHeaderString,
  hasKey, hasHeader, removeHeader, headerNames, partition, timestamp, setTimestamp,
  drop, emit, param, getRecord, setRecord, log as hostLog, error, errorBytes, OK,
  asciiUpper, utf8, concat, indexOf, split, startsWith, ByteWriter, json,
} from "../../sdk/assemblyscript/assembly/index";

// The host calls the allocator; the entry file must export it.
export { alloc, dealloc } from "../../sdk/assemblyscript/assembly/index";

// ---- Original ABI ----------------------------------------------------------------------------

/** value = upper(value) */
export function to_upper(): void {
  setValue(asciiUpper(getValue()));
}

/** key = value */
export function value_to_key(): void {
  setKey(getValue());
}

/** key = header "the-key" */
export function header_to_key(): void {
  setKey(getHeader("the-key"));
}

/** header "the-header-out" = header "the-header-in" */
export function copy_header(): void {
  setHeader("the-header-out", getHeader("the-header-in"));
}

/** Through the record JSON: key = value, value = upper(value); an absent value stays absent
 *  and makes the key absent. */
export function transform(): u64 {
  const r = getRecord();
  const v = r.value;
  r.key = v;
  r.value = v === null ? null : asciiUpper(v);
  setRecord(r);
  return OK;
}

/** Fails the record with "rejected: " followed by the value bytes. */
export function reject(): u64 {
  return errorBytes(concat(utf8("rejected: "), getValue()));
}

/** Always traps. */
export function trap(): void {
  unreachable();
}

/** Traps when the value starts with "trap", else value = upper(value). */
export function upper_or_trap(): void {
  const v = getValue();
  if (startsWith(v, utf8("trap"))) unreachable();
  setValue(asciiUpper(v));
}

// ---- Extensions ------------------------------------------------------------------------------

/** Drops the record if the value contains "drop". */
export function filter(): void {
  if (indexOf(getValue(), utf8("drop")) >= 0) drop();
}

/** Replaces the record by one record per ','-separated part of the value (a record without a
 *  value is left as it is). */
export function fan_out(): void {
  const r = getRecord();
  const v = r.value;
  if (v === null) return;
  drop();
  const parts = split(v, 44); // ','
  for (let i = 0; i < parts.length; i++) {
    r.value = parts[i];
    emit(r);
  }
}

/** value = the header names joined with ','. */
export function list_headers(): void {
  const names = headerNames();
  setValueString(names.join(","));
}

/** Removes header "secret" if present; header "removed" = "yes" or "no". */
export function remove_header(): void {
  if (hasHeader("secret")) {
    removeHeader("secret");
    setHeaderString("removed", "yes");
  } else {
    setHeaderString("removed", "no");
  }
}

/** value = "yes" if the record has a key, else "no". */
export function has_key(): void {
  setValueString(hasKey() ? "yes" : "no");
}

/** value = "<partition>:<timestamp>"; then timestamp += 1000 if present. */
export function timestamp_partition(): void {
  const p = partition();
  const t = timestamp();
  const w = new ByteWriter(32);
  w.decimal(p);
  w.byte(58); // ':'
  w.decimal(t);
  setValue(w.toBytes());
  if (t >= 0) setTimestamp(t + 1000);
}

/** value = value followed by the "suffix" param; error "no suffix param" if absent. */
export function params(): u64 {
  const s = param("suffix");
  if (s === null) return error("no suffix param");
  setValue(concat(getValue(), utf8(s)));
  return OK;
}

/** Logs "log: " followed by the value at info level; the record is unchanged. */
export function log(): void {
  hostLog.writeBytes(1, concat(utf8("log: "), getValue()));
}

// ---- JSON helpers ----------------------------------------------------------------------------

/** The string at path ["email"] of the JSON value becomes its first character, "***@" and its
 * domain; every other byte of the value stays as it was. The helpers' errors are returned as
 * they are, prefixed. */
export function mask_json_email(): u64 {
  const value = getValue();
  const email = json.getString(value, ["email"]);
  if (!email.ok) return error("mask_json_email: " + email.error!.message);
  const out = json.setString(value, ["email"], maskEmail(email.value));
  if (!out.ok) return error("mask_json_email: " + out.error!.message);
  setValue(out.value);
  return OK;
}

/** bob@example.com becomes b***@example.com (the first character whole, even outside the
 * BMP); without a user part, "***". */
function maskEmail(e: string): string {
  const at = e.indexOf("@");
  if (at <= 0) return "***";
  return String.fromCodePoint(e.codePointAt(0)) + "***@" + e.slice(at + 1);
}
