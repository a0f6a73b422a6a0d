/** Reads the WebAssembly binary format: bytes, LEB128 integers, names. Shared by the inspector and the patcher. */
export class WasmReader {
  pos = 0;
  constructor(private readonly bytes: Uint8Array) {}

  done(): boolean {
    return this.pos >= this.bytes.length;
  }

  byte(): number {
    if (this.pos >= this.bytes.length) throw new Error('truncated WebAssembly module');
    return this.bytes[this.pos++];
  }

  take(length: number): Uint8Array {
    if (this.pos + length > this.bytes.length) throw new Error('truncated WebAssembly module');
    const out = this.bytes.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }

  u32le(): number {
    return (this.byte() | (this.byte() << 8) | (this.byte() << 16) | (this.byte() << 24)) >>> 0;
  }

  leb(): number {
    let result = 0;
    let factor = 1;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * factor;
      if (!(b & 0x80)) return result;
      factor *= 128;
    }
  }

  sleb(): void {
    while (this.byte() & 0x80);
  }

  name(): string {
    return new TextDecoder().decode(this.take(this.leb()));
  }
}
