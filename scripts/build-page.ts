/**
 * `npm run build:page`: bundles the page `firmnet ui` serves into one file, dist/page/index.html.
 * The build worker is the compiler itself (compiler/, firmware-sim/), bundled with web/node-api/
 * standing in for the Node modules it imports; the files the compiler reads at run time (the
 * precompiled WebAssembly kernels, the C kernels, the loader template, simulator data, bundled
 * datasets) are bundled beside it. No compiler is bundled: the WebAssembly emitter patches the
 * precompiled kernel module.
 * Everything is inline: the page fetches nothing and works opened from a folder. Beside it,
 * index.html.gz (gzip -9) and index.html.br (brotli, quality 11) for `firmnet ui` to send to a
 * browser that accepts them.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { type Plugin, build } from 'esbuild';
import { kernelModuleFile } from '../compiler/emit/wasm/kernel-module.js';
import { KERNEL_FILE_PATHS } from '../compiler/emit/c/kernel-sources.js';
import { packageRoot } from '../compiler/io/package-root.js';

const root = packageRoot();
/** Where the package's files sit in the page's volume; import.meta.url of every bundled module is below it. */
const VOLUME_ROOT = '/firmnet';
const BUNDLED_DATASETS = ['iris', 'digits', 'breast-cancer', 'diabetes'];

const NODE_MODULES: Record<string, string> = {
  fs: 'fs.ts',
  'fs/promises': 'fs-promises.ts',
  path: 'path.ts',
  url: 'url.ts',
  crypto: 'crypto.ts',
  os: 'small.ts',
  child_process: 'small.ts',
  util: 'small.ts',
  string_decoder: 'small.ts',
  worker_threads: 'small.ts',
};

function assetFiles(): string[] {
  const list = (dir: string, keep: (f: string) => boolean): string[] =>
    readdirSync(join(root, dir))
      .filter(keep)
      .sort()
      .map((f) => join(dir, f));
  return [
    ...list('runtime/c', () => true),
    // The kernel files an op keeps in its own folder (its `c.kernelDir`).
    ...[...KERNEL_FILE_PATHS.values()].filter((path) => !path.startsWith('runtime/c/')),
    ...list('runtime/js', () => true),
    ...list('firmware-sim/measured', (f) => f.endsWith('.json')),
    ...list('firmware-sim/targets/cores', (f) => f.endsWith('.json')),
    ...list('firmware-sim/targets/boards', (f) => f.endsWith('.json')),
    'dist/training.wasm',
    kernelModuleFile(true),
    kernelModuleFile(false),
    'models/data/manifest.json',
    ...BUNDLED_DATASETS.flatMap((d) => list(`models/data/${d}`, (f) => f.endsWith('.csv'))),
  ];
}

/** The module `firmnet-page-assets`: every file the compiler reads, by its path in the volume. */
function assetModule(): string {
  const entries = assetFiles().map((file) => {
    const bytes = readFileSync(join(root, file));
    const value = file.endsWith('.wasm') ? `bytes(${JSON.stringify(bytes.toString('base64'))})` : JSON.stringify(bytes.toString('utf8'));
    return `  ${JSON.stringify(`${VOLUME_ROOT}/${file}`)}: ${value},`;
  });
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string };
  entries.push(`  ${JSON.stringify(`${VOLUME_ROOT}/package.json`)}: ${JSON.stringify(JSON.stringify({ name: manifest.name, version: manifest.version }))},`);
  return [
    'const bytes = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));',
    'export const ASSETS = {',
    ...entries,
    '};',
  ].join('\n');
}

function virtual(name: string, contents: () => string): Plugin {
  return {
    name,
    setup(b) {
      b.onResolve({ filter: new RegExp(`^${name}$`) }, () => ({ path: name, namespace: name }));
      b.onLoad({ filter: /.*/, namespace: name }, () => ({ contents: contents(), loader: 'js' }));
    },
  };
}

/** node:fs and friends → web/node-api/. */
const nodeApi: Plugin = {
  name: 'node-api',
  setup(b) {
    b.onResolve({ filter: /^(node:)?(fs|fs\/promises|path|url|crypto|os|child_process|util|string_decoder|worker_threads)$/ }, (args) => ({
      path: join(root, 'web', 'node-api', NODE_MODULES[args.path.replace(/^node:/, '')]),
    }));
  },
};

async function bundle(entry: string, plugins: Plugin[], format: 'esm' | 'iife', extra: { inject?: string[]; define?: Record<string, string> } = {}): Promise<string> {
  const result = await build({
    entryPoints: [join(root, entry)],
    bundle: true,
    write: false,
    format,
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
    plugins,
    inject: extra.inject,
    define: extra.define,
  });
  return result.outputFiles[0].text;
}

export interface BuiltPage {
  file: string;
  bytes: number;
  /** Sizes of index.html.gz and index.html.br; null when not asked for. */
  compressed: { gzipBytes: number; brotliBytes: number } | null;
}

/** `compress`: also write the copies `firmnet ui` serves (brotli at quality 11 takes half a minute; a test of the page itself needs none). */
export async function buildPage(outDir: string, compress = false): Promise<BuiltPage> {
  const worker = await bundle('web/page/build-worker.ts', [nodeApi, virtual('firmnet-page-assets', assetModule)], 'esm', {
    inject: [join(root, 'web', 'node-api', 'globals.ts')],
    define: { 'import.meta.url': JSON.stringify(`file://${VOLUME_ROOT}/dist/compiler/index.js`) },
  });
  // A page opened from a folder may start classic workers from blob: URLs, not module workers; the bundle has no imports or exports left, so its top-level awaits run in an async function.
  const classicWorker = `(async () => {\n'use strict';\n${worker}\n})().catch((e) => postMessage({ kind: 'error', message: 'firmnet: internal error starting the build worker: ' + (e && e.stack) }));`;
  const main = await bundle('web/page/main.ts', [], 'iife');
  const template = readFileSync(join(root, 'web', 'page', 'index.html'), 'utf8');
  // The scripts are inline (a page opened from a folder cannot load scripts or workers by path); the policy allows the page's by its hash only.
  // The worker's source sits in a script element the page does not run (text/plain), so it is not escaped into a string literal.
  const inert = (code: string): string => code.replace(/<\/script/gi, '<\\/script').replace(/<!--/g, '<\\!--');
  const script = inert(main);
  const hash = createHash('sha256').update(script).digest('base64');
  const html = template
    .replace('%SCRIPT_HASH%', `'sha256-${hash}'`)
    .replace('%SCRIPT%', () => script)
    .replace('%WORKER%', () => inert(classicWorker));
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, 'index.html');
  writeFileSync(file, html);
  if (!compress) {
    // No copies from an earlier build beside a page they no longer match.
    for (const suffix of ['.gz', '.br']) rmSync(`${file}${suffix}`, { force: true });
    return { file, bytes: Buffer.byteLength(html), compressed: null };
  }
  const gzip = gzipSync(html, { level: 9 });
  // The largest window brotli has (16 MB) reaches back across the whole page; the browser's decoder accepts it.
  const brotli = brotliCompressSync(html, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_LGWIN]: 24, [constants.BROTLI_PARAM_SIZE_HINT]: Buffer.byteLength(html) } });
  writeFileSync(`${file}.gz`, gzip);
  writeFileSync(`${file}.br`, brotli);
  return { file, bytes: Buffer.byteLength(html), compressed: { gzipBytes: gzip.length, brotliBytes: brotli.length } };
}

if (process.argv[1]?.endsWith('build-page.js')) {
  const out = join(root, 'dist', 'page');
  const { file, bytes, compressed } = await buildPage(out, true);
  const mb = (n: number): string => `${(n / 1e6).toFixed(2)} MB`;
  console.log(`${relative(process.cwd(), file)}: ${mb(bytes)}, ${mb(compressed!.gzipBytes)} gzip -9, ${mb(compressed!.brotliBytes)} brotli`);
}
