/** The globals Node gives every module, as the page's bundle injects them (see scripts/build-page.ts). */
export { Buffer } from './buffer.js';
export { process } from './small.js';
