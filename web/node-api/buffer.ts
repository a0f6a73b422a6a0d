/** The part of Node's Buffer the compiler uses: UTF-8 text in and out, allocation, concatenation. */
const encoder = new TextEncoder();

export class Buffer extends Uint8Array {
  static from(value: string | ArrayLike<number> | ArrayBuffer, encoding?: string): Buffer {
    if (typeof value === 'string') {
      if (encoding !== undefined && encoding !== 'utf8' && encoding !== 'utf-8') throw new Error(`Buffer.from: encoding ${encoding} is not available in the page`);
      const bytes = encoder.encode(value);
      return new Buffer(bytes.buffer, bytes.byteOffset, bytes.length);
    }
    if (value instanceof ArrayBuffer) return new Buffer(value);
    const out = new Buffer(value.length);
    out.set(value);
    return out;
  }
  static alloc(size: number): Buffer {
    return new Buffer(size);
  }
  static allocUnsafe(size: number): Buffer {
    return new Buffer(size);
  }
  static byteLength(text: string): number {
    return encoder.encode(text).length;
  }
  static concat(chunks: readonly Uint8Array[]): Buffer {
    const out = new Buffer(chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
  static isBuffer(value: unknown): value is Buffer {
    return value instanceof Buffer;
  }
  static view(bytes: Uint8Array): Buffer {
    return new Buffer(bytes.buffer, bytes.byteOffset, bytes.length);
  }
  override toString(encoding?: string): string {
    if (encoding === 'hex') return [...this].map((b) => b.toString(16).padStart(2, '0')).join('');
    return new TextDecoder('utf-8').decode(this);
  }
  override subarray(start?: number, end?: number): Buffer {
    const view = super.subarray(start, end);
    return new Buffer(view.buffer, view.byteOffset, view.length);
  }
}
