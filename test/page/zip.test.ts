/**
 * The page's zip writer (web/page/zip.ts): deflated entries where deflate makes them smaller,
 * stored ones where not, with fixed timestamps in the given order, so the same files give the same
 * archive; read back here and by Python's zipfile, each file is its original bytes.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { zipDeflated } from '../../web/page/zip.js';
import { readZip } from './read-zip.js';

const run = promisify(execFile);
const deflate = async (bytes: Uint8Array): Promise<Uint8Array> => new Uint8Array(deflateRawSync(bytes));

function noise(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let s = seed;
  for (let i = 0; i < length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    bytes[i] = s >>> 24;
  }
  return bytes;
}

const files = [
  { path: 'project.json', bytes: new TextEncoder().encode(`${JSON.stringify({ name: 'iris', targets: ['rp2040'] }, null, 2)}\n`.repeat(20)) },
  { path: 'wasm/model.wasm', bytes: noise(3000, 7) },
  { path: 'c/iris.c', bytes: new TextEncoder().encode('int8_t iris_weights[] = {1, 2, 3, 4};\n'.repeat(200)) },
  { path: 'empty.txt', bytes: new Uint8Array(0) },
];

describe('zipDeflated', () => {
  it('deflates what shrinks, stores what does not, and unzips to the same bytes', async () => {
    const zip = await zipDeflated(files, deflate);
    const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
    // Local headers in order: method at +8, packed size at +18.
    const methods: number[] = [];
    let at = 0;
    for (const f of files) {
      methods.push(view.getUint16(at + 8, true));
      at += 30 + new TextEncoder().encode(f.path).length + view.getUint32(at + 18, true);
    }
    expect(methods).toEqual([8, 0, 8, 0]);
    expect(zip.length).toBeLessThan(files.reduce((n, f) => n + f.bytes.length, 0) / 2);
    const back = readZip(zip);
    expect([...back.keys()]).toEqual(files.map((f) => f.path));
    for (const f of files) expect(Buffer.compare(Buffer.from(back.get(f.path)!), Buffer.from(f.bytes)), f.path).toBe(0);
  });

  it('gives the same archive for the same files', async () => {
    expect(Buffer.compare(Buffer.from(await zipDeflated(files, deflate)), Buffer.from(await zipDeflated(files, deflate)))).toBe(0);
  });

  it('is read by another implementation (Python zipfile), its CRCs checked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firmnet-zip-'));
    try {
      const file = join(dir, 'a.zip');
      writeFileSync(file, await zipDeflated(files, deflate));
      const script = 'import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\nprint(" ".join(f"{i.filename}:{i.compress_type}:{len(z.read(i))}" for i in z.infolist()))';
      const { stdout } = await run('python3', ['-c', script, file]);
      expect(stdout.trim()).toBe(files.map((f, i) => `${f.path}:${[8, 0, 8, 0][i]}:${f.bytes.length}`).join(' '));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
