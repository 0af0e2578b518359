// The protocol-buffers wire format, as much of it as ONNX files need: varints (int64 may be
// negative: ten bytes), fixed32 floats, fixed64, and length-delimited fields (strings, bytes,
// nested messages, packed repeated numbers). A few dozen lines instead of a generic library in
// the browser bundle; every read is bounds-checked and a malformed file is a ModelFormatError.
import { ModelFormatError } from "../errors.js";

export const enum Wire { Varint = 0, Fixed64 = 1, Bytes = 2, Fixed32 = 5 }

/** One field of a message: its number, wire type and value (a number, or bytes: a payload or fixed64's 8 raw bytes). */
export interface Field {
  field: number;
  wire: Wire;
  /** Varint as a JS number (exact up to 2^53; ±), fixed32 as its raw uint32. */
  int: number;
  /** Length-delimited payload, or the 8 raw bytes of a fixed64. */
  bytes: Uint8Array;
}

/** A varint at `at`: its value (exact up to 2^53; a 10-byte negative int64 comes back negative) and the next position. */
function readVarint(bytes: Uint8Array, at: number, fail: (why: string) => never): [number, number] {
  let value = 0n, shift = 0n;
  for (let i = 0; i < 10; i++) {
    if (at >= bytes.length) fail("truncated varint");
    const b = bytes[at++]!;
    if (i === 9 && b > 1) fail("varint longer than 64 bits");
    value |= BigInt(b & 0x7f) << shift;
    shift += 7n;
    if ((b & 0x80) === 0) return [Number(BigInt.asIntN(64, value)), at]; // int64: two's complement
  }
  return fail("varint longer than 10 bytes");
}

/** All fields of a message, in order. `what` names the message in errors. */
export function readMessage(bytes: Uint8Array, what: string): Field[] {
  const fields: Field[] = [];
  let at = 0;
  const fail = (why: string): never => { throw new ModelFormatError(`ONNX: ${what}: ${why} at byte ${at}`); };
  const varint = (): number => {
    const [value, next] = readVarint(bytes, at, fail);
    at = next;
    return value;
  };
  while (at < bytes.length) {
    const key = varint();
    const field = Math.floor(key / 8), wire = key % 8;
    if (field === 0) fail("field number 0");
    if (wire === Wire.Varint) fields.push({ field, wire, int: varint(), bytes: EMPTY });
    else if (wire === Wire.Fixed64) {
      if (at + 8 > bytes.length) fail("truncated fixed64");
      fields.push({ field, wire, int: 0, bytes: bytes.subarray(at, at + 8) });
      at += 8;
    } else if (wire === Wire.Bytes) {
      const length = varint();
      if (length < 0 || at + length > bytes.length) fail(`a field of ${length} bytes runs past the end (${bytes.length} bytes)`);
      fields.push({ field, wire, int: 0, bytes: bytes.subarray(at, at + length) });
      at += length;
    } else if (wire === Wire.Fixed32) {
      if (at + 4 > bytes.length) fail("truncated fixed32");
      fields.push({ field, wire, int: new DataView(bytes.buffer, bytes.byteOffset + at, 4).getUint32(0, true), bytes: EMPTY });
      at += 4;
    } else fail(`unsupported wire type ${wire}`);
  }
  return fields;
}

const EMPTY = new Uint8Array(0);
const utf8 = new TextDecoder("utf-8", { fatal: true });

export function text(field: Field, what: string): string {
  if (field.wire !== Wire.Bytes) throw new ModelFormatError(`ONNX: ${what} is not a string`);
  try {
    return utf8.decode(field.bytes);
  } catch {
    throw new ModelFormatError(`ONNX: ${what} is not valid UTF-8`);
  }
}

/** A repeated int64 field: packed (one length-delimited run) or one varint per element. */
export function int64s(fields: readonly Field[], number: number, what: string): number[] {
  const out: number[] = [];
  const fail = (why: string): never => { throw new ModelFormatError(`ONNX: ${what}: ${why}`); };
  for (const f of fields) {
    if (f.field !== number) continue;
    if (f.wire === Wire.Varint) out.push(f.int);
    else if (f.wire === Wire.Bytes) for (let at = 0; at < f.bytes.length;) { const [v, next] = readVarint(f.bytes, at, fail); out.push(v); at = next; }
    else fail(`wire type ${f.wire}`);
  }
  return out;
}

// ——— writing ———

/** Builds one message from byte chunks (a nested message is finished once and copied into its parent). */
export class Writer {
  private readonly chunks: Uint8Array[] = [];
  private size = 0;
  private head: number[] = [];

  private flush(): void {
    if (this.head.length === 0) return;
    this.chunks.push(Uint8Array.from(this.head));
    this.head = [];
  }

  private varint(value: number | bigint): void {
    let v = BigInt.asUintN(64, BigInt(value));
    do {
      const byte = Number(v & 0x7fn);
      v >>= 7n;
      this.head.push(v > 0n ? byte | 0x80 : byte);
      this.size++;
    } while (v > 0n);
  }

  private key(field: number, wire: Wire): void {
    this.varint(field * 8 + wire);
  }

  int(field: number, value: number): this {
    this.key(field, Wire.Varint);
    this.varint(value);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.key(field, Wire.Bytes);
    this.varint(value.length);
    this.flush();
    this.chunks.push(value);
    this.size += value.length;
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, build: (w: Writer) => void): this {
    const nested = new Writer();
    build(nested);
    return this.bytes(field, nested.finish());
  }

  finish(): Uint8Array {
    this.flush();
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const c of this.chunks) { out.set(c, at); at += c.length; }
    return out;
  }
}
