import { existsSync, readFileSync } from 'node:fs';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { Argv } from 'yargs';
import { FirmnetError } from '../../errors.js';
import { packageRoot } from '../../io/package-root.js';
import type { CommandModule } from '../command.js';

interface UiArgs {
  port: number;
}

/** The bundled page (`npm run build:page`): one HTML file with the compiler, its data and its worker inline. */
export const PAGE_FILE = join('dist', 'page', 'index.html');

export const uiCommand: CommandModule<UiArgs> = {
  command: 'ui',
  describe: 'the toolchain in a browser page, offline: data → training → int8 → report → firmware zip (serves on 127.0.0.1 only)',
  builder: (y) =>
    y
      .option('port', { type: 'number', default: 0, describe: 'port on 127.0.0.1 (default: a free one)' })
      .example('firmnet ui', 'serve the page and print its address; the same file also works opened from its folder') as unknown as Argv<UiArgs>,
  run: async (args, ui) => {
    if (!(Number.isInteger(args.port) && args.port >= 0 && args.port <= 65535)) throw new FirmnetError('BAD_ARGUMENT', `--port must be an integer from 0 to 65535 (0: a free port), got ${args.port}`);
    const file = join(packageRoot(), PAGE_FILE);
    if (!existsSync(file)) throw new FirmnetError('TOOL_MISSING', `the page ${file} has not been built; run npm run build:page`);
    const html = readFileSync(file);
    const policy = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html.toString('utf8'))?.[1];
    if (!policy) throw new Error(`internal: ${file} has no Content-Security-Policy`);
    const encoded = precompressed(file, html, (line) => ui.log(line));
    const server = createServer((request, response) => answer(request, response, { html, encoded, policy }, port));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e) => reject(new FirmnetError('BAD_ARGUMENT', `cannot listen on 127.0.0.1:${args.port}: ${e.message}`)));
      server.listen(args.port, '127.0.0.1', resolve);
    });
    const port = (server.address() as AddressInfo).port;
    ui.print(`firmnet ui: http://127.0.0.1:${port}/`);
    ui.log('serving on 127.0.0.1 only; everything runs in the page, nothing is uploaded. Ctrl-C stops.');
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        server.close(() => resolve());
        server.closeAllConnections();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  },
};

type Encoding = 'br' | 'gzip';
const DECODERS: Record<Encoding, { suffix: string; decode: (b: Buffer) => Buffer }> = {
  br: { suffix: '.br', decode: brotliDecompressSync },
  gzip: { suffix: '.gz', decode: gunzipSync },
};

interface Page {
  html: Buffer;
  /** The page compressed at build time (index.html.br, .gz), best first; only copies that decode to this very page. */
  encoded: { encoding: Encoding; bytes: Buffer }[];
  policy: string;
}

/** A copy left from an earlier build would carry another script hash than the policy sent; it is skipped, not served. */
function precompressed(file: string, html: Buffer, log: (line: string) => void): Page['encoded'] {
  const out: Page['encoded'] = [];
  for (const encoding of ['br', 'gzip'] as const) {
    const path = file + DECODERS[encoding].suffix;
    if (!existsSync(path)) continue;
    const bytes = readFileSync(path);
    if (DECODERS[encoding].decode(bytes).equals(html)) out.push({ encoding, bytes });
    else log(`firmnet ui: ${path} is not ${file} compressed (left from an earlier build), so it is not served; npm run build:page writes it again`);
  }
  return out;
}

/** The encodings an Accept-Encoding header takes (a q of 0 refuses one). */
export function acceptedEncodings(header: string | undefined): Set<string> {
  const accepted = new Set<string>();
  for (const part of (header ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    if (name !== '' && (q === undefined || Number(q) > 0)) accepted.add(name);
  }
  return accepted;
}

/**
 * The page, and nothing else. A Host other than this address is refused, so a web page elsewhere
 * cannot reach the server through a DNS name pointed at 127.0.0.1.
 */
function answer(request: IncomingMessage, response: ServerResponse, page: Page, port: number): void {
  const hostOk = request.headers.host === `127.0.0.1:${port}` || request.headers.host === `localhost:${port}`;
  const path = (request.url ?? '').split('?')[0];
  if (!hostOk) return void response.writeHead(421, { 'Content-Type': 'text/plain' }).end('firmnet ui answers only to 127.0.0.1\n');
  if ((request.method !== 'GET' && request.method !== 'HEAD') || (path !== '/' && path !== '/index.html')) return void response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
  const accepted = acceptedEncodings(request.headers['accept-encoding']);
  const encoded = page.encoded.find((e) => accepted.has(e.encoding));
  const body = encoded?.bytes ?? page.html;
  response.writeHead(200, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': body.length,
    ...(encoded ? { 'Content-Encoding': encoded.encoding } : {}),
    Vary: 'Accept-Encoding',
    'Content-Security-Policy': page.policy,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
    'Referrer-Policy': 'no-referrer',
  });
  response.end(request.method === 'HEAD' ? undefined : body);
}
