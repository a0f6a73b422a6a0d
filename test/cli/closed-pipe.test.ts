/**
 * `firmnet … | head -1`: when the reader of stdout or stderr goes away, the CLI stops quietly with
 * the SIGPIPE exit status instead of an unhandled EPIPE and a stack trace.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** Runs the CLI with one of its output pipes closed by the reader before the CLI writes to it. */
function runWithClosed(stream: 'stdout' | 'stderr', args: string[]): Promise<{ status: number | null; other: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/firmnet.js', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child[stream].destroy();
    let other = '';
    child[stream === 'stdout' ? 'stderr' : 'stdout'].on('data', (d: Buffer) => (other += d.toString()));
    child.on('close', (status) => resolve({ status, other }));
  });
}

describe('a closed output pipe', () => {
  it('stdout: exits 141 after the error message, with no stack trace', async () => {
    // With --json an error goes to stderr as a message and to stdout as a JSON object.
    const r = await runWithClosed('stdout', ['build', 'no-such-project.json', '--json']);
    expect(r.other).toMatch(/^firmnet: error: [^\n]*no-such-project\.json[^\n]*\n$/);
    expect(r.status).toBe(141);
  });

  it('stderr: exits 141 instead of crashing on the unwritable message', async () => {
    const r = await runWithClosed('stderr', ['build', 'no-such-project.json']);
    expect(r.other).toBe('');
    expect(r.status).toBe(141);
  });
});
