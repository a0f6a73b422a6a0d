/**
 * A worker thread behind test/helpers/off-thread.ts: imports the requested TypeScript module and
 * calls one of its functions per message, posting back the result or the error.
 */
import { register } from 'node:module';
import { parentPort } from 'node:worker_threads';

register('./ts-hooks.mjs', import.meta.url);

parentPort.on('message', async ({ module, name, args }) => {
  try {
    const exports = await import(module);
    parentPort.postMessage({ value: await exports[name](...args) });
  } catch (error) {
    parentPort.postMessage({ error });
  }
});
