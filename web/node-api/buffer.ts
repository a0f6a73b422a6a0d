/** The part of Node's Buffer the compiler uses: UTF-8 text in and out, allocation, concatenation. */
const encoder = new TextEncoder();

class BufferBytes extends Uint8Array {
  override toString(encoding?: string): string {
    if (encoding === 'hex') return Array.from(this, (b) => b.toString(16).padStart(2, '0')).join('');
    return new TextDecoder('utf-8').decode(this);
  }
  override subarray(start?: number, end?: number): BufferBytes {
    const view = super.subarray(start, end);
    return new BufferBytes(view.buffer as ArrayBuffer, view.byteOffset, view.length);
  }
}

function view(bytes: Uint8Array): BufferBytes {
  return new BufferBytes(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.length);
}

/** Node's static methods; `from` shadows Uint8Array.from, as Node's does. */
const statics = {
  from(value: string | ArrayLike<number> | ArrayBuffer, encoding?: string): BufferBytes {
    if (typeof value === 'string') {
      if (encoding !== undefined && encoding !== 'utf8' && encoding !== 'utf-8') throw new Error(`Buffer.from: encoding ${encoding} is not available in the page`);
      return view(encoder.encode(value));
    }
    if (value instanceof ArrayBuffer) return new BufferBytes(value);
    const out = new BufferBytes(value.length);
    out.set(value);
    return out;
  },
  alloc: (size: number): BufferBytes => new BufferBytes(size),
  allocUnsafe: (size: number): BufferBytes => new BufferBytes(size),
  byteLength: (text: string): number => encoder.encode(text).length,
  concat(chunks: readonly Uint8Array[]): BufferBytes {
    const out = new BufferBytes(chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  },
  view,
};

export const Buffer = Object.assign(BufferBytes, statics);
export type Buffer = BufferBytes;
