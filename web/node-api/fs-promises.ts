/** node:fs/promises in the page: reading a file of the in-memory volume. */
import { Buffer } from './buffer.js';
import { volume } from './volume.js';
import { fileURLToPath } from './url.js';

export async function readFile(path: string | URL): Promise<Buffer> {
  return Buffer.view(volume.read(typeof path === 'string' ? path : fileURLToPath(path)));
}
