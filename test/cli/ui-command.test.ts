/**
 * `firmnet ui`: serves the bundled page on 127.0.0.1 on a free port and prints the address; the
 * page comes with its Content-Security-Policy as a header too, anything else is not found, and a
 * request naming another host (DNS rebinding) is refused. A browser that accepts brotli or gzip gets
 * the copy compressed at build time, which decodes to the page byte for byte.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGE_FILE, acceptedEncodings } from '../../compiler/cli/commands/ui.js';

const running: ChildProcess[] = [];
afterAll(() => {
  for (const child of running) child.kill('SIGTERM');
});

function startUi(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [join('bin', 'firmnet.js'), 'ui'], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const url = /firmnet ui: (http:\/\/\S+)/.exec(out)?.[1];
      if (url) resolve({ url, child });
    });
    child.once('exit', (code) => reject(new Error(`firmnet ui exited with ${code} before printing its address: ${out}`)));
  });
}

function get(url: string, host?: string, acceptEncoding?: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string; bytes: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { ...(host ? { host } : {}), ...(acceptEncoding ? { 'accept-encoding': acceptEncoding } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const bytes = Buffer.concat(chunks);
        resolve({ status: res.statusCode!, headers: res.headers, body: bytes.toString('utf8'), bytes });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

// `npm run build` clears dist/, page included: build the page (and its compressed copies) the
// command serves, in a child process so the test worker stays responsive while brotli runs.
beforeAll(async () => {
  if (!existsSync(PAGE_FILE) || !existsSync(`${PAGE_FILE}.br`)) await promisify(execFile)(process.execPath, [join('dist', 'scripts', 'build-page.js')]);
}, 300_000);

describe('firmnet ui', () => {
  it('serves the page on 127.0.0.1, a free port, and only the page', async () => {
    const { url, child } = await startUi();
    const address = new URL(url);
    expect(address.hostname).toBe('127.0.0.1');
    expect(Number(address.port)).toBeGreaterThan(0);
    const page = await get(url);
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toMatch(/^default-src 'none'; script-src 'sha256-[A-Za-z0-9+/=]+' /);
    expect(page.body).toContain('<title>firmnet</title>');
    expect((await get(new URL('/package.json', url).href)).status).toBe(404);
    expect((await get(url, `attacker.example:${address.port}`)).status).toBe(421);
    const html = readFileSync(PAGE_FILE);
    const br = await get(url, undefined, 'gzip, deflate, br');
    expect([br.headers['content-encoding'], br.headers.vary, br.headers['content-security-policy']]).toEqual(['br', 'Accept-Encoding', page.headers['content-security-policy']]);
    expect(br.bytes.length).toBeLessThan(html.length / 4);
    expect(brotliDecompressSync(br.bytes).equals(html)).toBe(true);
    const gzip = await get(url, undefined, 'br;q=0, gzip');
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.bytes).equals(html)).toBe(true);
    expect(page.headers['content-encoding']).toBeUndefined();
    expect(page.bytes.equals(html)).toBe(true);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  }, 30_000);
});
describe('acceptedEncodings', () => {
  it('takes the names an Accept-Encoding header lists, less those with q=0', () => {
    expect([...acceptedEncodings('gzip, deflate, br, zstd')]).toEqual(['gzip', 'deflate', 'br', 'zstd']);
    expect([...acceptedEncodings('br;q=0, GZIP;q=0.5, identity')]).toEqual(['gzip', 'identity']);
    expect([...acceptedEncodings(undefined)]).toEqual([]);
  });
});
if (!existsSync(PAGE_FILE)) console.warn(`SKIP: ${PAGE_FILE} is not built (npm run build:page)`);
