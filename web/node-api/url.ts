/**
 * node:url in the page. `pathToFileURL` of an emitted loader (model.mjs) is how the simulator runs
 * the real artifact; in the page the loader and its model.wasm are handed over as data: URLs (a page
 * opened from a folder may import data: modules, not blob: ones), the loader's relative
 * `./model.wasm` pointing at the module's data URL.
 */
import { volume } from './volume.js';

const LOADER_WASM_URL = "new URL('./model.wasm', import.meta.url)";

export function fileURLToPath(url: string | URL): string {
  const href = typeof url === 'string' ? url : url.href;
  if (!href.startsWith('file://')) throw new TypeError(`The URL must be of scheme file: ${href}`);
  return decodeURIComponent(href.slice('file://'.length).replace(/[?#].*$/, ''));
}

export function pathToFileURL(path: string): URL {
  if (!path.endsWith('/model.mjs')) return new URL(`file://${encodeURI(path)}`);
  const loader = new TextDecoder().decode(volume.read(path));
  if (!loader.includes(LOADER_WASM_URL)) throw new Error(`internal: ${path} does not locate its module as ${LOADER_WASM_URL}`);
  const wasm = volume.read(path.replace(/model\.mjs$/, 'model.wasm'));
  const wasmUrl = `data:application/wasm;base64,${base64(wasm)}`;
  const source = loader.replace(LOADER_WASM_URL, `new URL(${JSON.stringify(wasmUrl)})`);
  // The caller appends a query to defeat module caching; the trailing `//` makes it a comment of the module's source.
  return new URL(`data:text/javascript,${encodeURIComponent(`${source}\n//`)}`);
}

function base64(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}
