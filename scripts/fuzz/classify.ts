/**
 * What a case's run means for a user. Each outcome gets a signature (what went wrong, and where)
 * so thousands of cases reduce to a few failure classes with one reproducer each.
 */
import { basename } from 'node:path';
import type { FuzzCase, RunResult, StepResult } from './fuzz-case.js';
import { markerInCCode, terminalControlCharacter } from './output-checks.js';

export const OUTCOMES = ['ok', 'clean', 'unclear', 'bad-output', 'stack-trace', 'half-written', 'wrong-exit', 'crash', 'hang', 'oom'] as const;
export type OutcomeClass = (typeof OUTCOMES)[number];

/** Outcomes that fail the campaign: the issue's "crash / hang / wrong exit code / stack trace on stderr", running out of memory, and an output left half-written. */
export const FAILING: readonly OutcomeClass[] = ['crash', 'hang', 'oom', 'wrong-exit', 'stack-trace', 'half-written'];
/** Reported with reproducers, failing the campaign only with --strict: escaping and message quality. */
export const FINDINGS: readonly OutcomeClass[] = ['bad-output', 'unclear'];

export interface Outcome {
  outcome: OutcomeClass;
  /** One line for the table of findings. */
  detail: string;
  /** Groups cases with the same cause (outcome, error, firmnet frame or command). */
  signature: string;
  /** The top JavaScript frame, and the first frame inside firmnet, when there is a stack. */
  topFrame: string | null;
  firmnetFrame: string | null;
  /** Which step decided it (index into the case's steps), and that step's exit code. */
  step: number;
  exitCode: number | null;
}

/**
 * Exit codes of a refused input, per command: 2 always; 4 (accuracy drop) only from `build`, whose
 * project may set maxDrop. 3 (does not fit) needs `sim --fail-if-too-big`, which no case passes.
 */
function refusalExit(command: string, exitCode: number): boolean {
  return exitCode === 2 || (exitCode === 4 && command === 'build');
}
const STACK_LINE = /^\s+at .+(:\d+:\d+\)?|\(native\)|\(<anonymous>\))$/m;
/** One paragraph, as the principles ask; a page-long message is not one a user reads. */
const MAX_MESSAGE_CHARS = 2000;

export function classify(c: FuzzCase, r: RunResult): Outcome {
  const command = (i: number): string => {
    const s = c.steps[i];
    return s ? (s.type === 'cli' ? s.argv.slice(0, s.argv[0] === 'emit' ? 4 : 1).filter((a) => !a.startsWith('{dir}')).join(' ') : s.type) : 'end';
  };
  // The command a limit stopped: the next command after the last one that finished.
  const running = nextCommand(c, r.steps);
  if (r.status === 'timeout') {
    const frames = framesOf(r.stack);
    const where = frames.firmnet ?? frames.top ?? `native code or a blocking call in \`${command(running)}\``;
    return {
      outcome: 'hang',
      detail: `\`${command(running)}\` still running after ${r.limitMs} ms, in ${where}`,
      signature: `hang|${command(running)}|${frameFile(frames.firmnet ?? frames.top) ?? c.kind}`,
      topFrame: frames.top,
      firmnetFrame: frames.firmnet,
      step: running,
      exitCode: null,
    };
  }
  if (r.status === 'memory') {
    const frames = framesOf(r.stack);
    return {
      outcome: 'oom',
      detail: `\`${command(running)}\` ran out of memory (${r.detail})${frames.firmnet ? `, in ${frames.firmnet}` : ''}`,
      signature: `oom|${command(running)}|${frameFile(frames.firmnet ?? frames.top) ?? c.kind}`,
      topFrame: frames.top,
      firmnetFrame: frames.firmnet,
      step: running,
      exitCode: null,
    };
  }
  if (r.status === 'died') {
    const frames = framesOf(r.detail.split('\n'));
    const error = firstErrorLine(r.detail) ?? r.detail.split('\n')[0];
    return {
      outcome: 'crash',
      detail: `\`${command(running)}\`: ${error}`,
      signature: `crash|${normalize(error)}|${frameKey(frames.firmnet ?? frames.top) ?? command(running)}`,
      topFrame: frames.top,
      firmnetFrame: frames.firmnet,
      step: running,
      exitCode: null,
    };
  }
  const steps = r.steps;
  if (steps.length === 0) return clean('ok', 'no command ran (the harness found nothing to calibrate on)', `ok|${c.kind}`, 0, null);
  const last = steps[steps.length - 1];
  const i = last.step;
  const name = command(i);
  if (last.exitCode === 1) {
    const lines = last.stderr.split('\n');
    const frames = framesOf(lines);
    const error = firstErrorLine(last.stderr) ?? lines.find((l) => l.trim() !== '') ?? 'exit code 1';
    return {
      outcome: 'crash',
      detail: `\`${name}\` exit 1: ${error}`,
      signature: `crash|${normalize(error)}|${frameKey(frames.firmnet ?? frames.top) ?? name}`,
      topFrame: frames.top,
      firmnetFrame: frames.firmnet,
      step: i,
      exitCode: 1,
    };
  }
  if (last.exitCode !== 0 && !refusalExit(name, last.exitCode)) {
    return clean('wrong-exit', `\`${name}\` exited ${last.exitCode}, which this command never means`, `wrong-exit|${name}|${last.exitCode}`, i, last.exitCode);
  }
  const traced = steps.find((s) => STACK_LINE.test(s.stderr) || STACK_LINE.test(s.stdout));
  if (traced) {
    const line = (traced.stderr.match(STACK_LINE) ?? traced.stdout.match(STACK_LINE))![0].trim();
    return clean('stack-trace', `\`${command(traced.step)}\` exit ${traced.exitCode} printed a stack trace (${line})`, `stack-trace|${command(traced.step)}|${frameKey(line)}`, traced.step, traced.exitCode);
  }
  if (r.leftovers.length > 0) {
    return clean('half-written', r.leftovers.join('; '), `half-written|${name}|${normalize(r.leftovers[0]).slice(0, 60)}`, i, last.exitCode);
  }
  // The hostile file is read by the first command, which must refuse it.
  if (steps[0].exitCode === 0 && c.mustReject) {
    return clean('wrong-exit', `\`${command(steps[0].step)}\` accepted it (exit 0), but ${c.mustReject}: expected exit 2`, `wrong-exit|accepted|${c.mustReject}`, steps[0].step, 0);
  }
  for (const s of steps) {
    const what = terminalControlCharacter(s.stdout) ?? terminalControlCharacter(s.stderr);
    if (what) return clean('bad-output', `\`${command(s.step)}\` printed a raw control character ${what}`, `bad-output|terminal|${command(s.step)}`, s.step, s.exitCode);
  }
  for (const out of r.outputs) {
    const hit = markerInCCode(out.text);
    if (hit) return clean('bad-output', `a name became C code in ${out.path} line ${hit.line}: ${hit.text.trim()}`, `bad-output|c-injection|${basename(out.path).replace(/^[^.]*(?=_data\.h|\.)/, '<name>')}`, i, last.exitCode);
  }
  if (last.exitCode === 0) return clean('ok', 'accepted', `ok|${c.kind}`, i, 0);
  const message = errorMessage(last.stderr);
  const problem = messageProblem(message, c, last);
  if (problem) {
    // An overlong message is one cause (an unbounded name echoed back) whatever the message says.
    const what = problem.endsWith('-character message') ? 'overlong message' : `${problem}|${normalize(message).slice(0, 60)}`;
    return clean('unclear', `\`${name}\` exit ${last.exitCode}: ${problem}: ${JSON.stringify(message.slice(0, 200))}`, `unclear|${name}|${what}`, i, last.exitCode);
  }
  return clean('clean', message.slice(0, 200), `clean|${name}|${normalize(message).slice(0, 60)}`, i, last.exitCode);
}

function nextCommand(c: FuzzCase, finished: StepResult[]): number {
  const after = finished.length === 0 ? 0 : finished[finished.length - 1].step + 1;
  let i = after;
  while (i < c.steps.length && c.steps[i].type !== 'cli') i++;
  return i;
}

function clean(outcome: OutcomeClass, detail: string, signature: string, step: number, exitCode: number | null): Outcome {
  return { outcome, detail, signature, topFrame: null, firmnetFrame: null, step, exitCode };
}

/** The text after `firmnet: error: `, to the end of what the command printed on stderr. */
export function errorMessage(stderr: string): string {
  const at = stderr.lastIndexOf('firmnet: error: ');
  return at < 0 ? '' : stderr.slice(at + 'firmnet: error: '.length).replace(/\n$/, '');
}

/** Why an exit-2 message is not the one paragraph naming the file that the principles ask for, or null. */
export function messageProblem(message: string, c: FuzzCase, step: StepResult): string | null {
  if (message === '') return 'no `firmnet: error:` message on stderr';
  if (/\n\s*\n/.test(message)) return 'more than one paragraph';
  if (message.length > MAX_MESSAGE_CHARS) return `a ${message.length}-character message`;
  const names = new Set<string>();
  for (const f of c.files) names.add(basename(f.path));
  // Files the command was given (and wrote), as they appear on its command line.
  for (const a of step.argv) if (!a.startsWith('-') && /[./]/.test(a)) names.add(basename(a));
  for (const n of names) if (n.length > 0 && message.includes(n)) return null;
  // A file the case points at outside its folder (a project's data path, say) is named by its path.
  if (/(^|[\s'"(])\/[^\s'"/]+\/[^\s'"]+/.test(message)) return null;
  return 'does not name the file';
}

export function firstErrorLine(text: string): string | null {
  const m = /^(?:Uncaught )?(?:[\w$.]*(?:Error|Exception)|RangeError|TypeError)\b.*$/m.exec(text.replace(/^firmnet-fuzz runner: uncaught /m, ''));
  return m ? m[0].trim().slice(0, 300) : null;
}

/** The top frame and the first frame in firmnet's own code (dist/compiler, dist/firmware-sim). */
export function framesOf(lines: string[]): { top: string | null; firmnet: string | null } {
  const frames = lines.map((l) => l.trim()).filter((l) => l.startsWith('at '));
  const ours = frames.find((f) => /\/dist\/(compiler|firmware-sim)\//.test(f)) ?? null;
  return { top: tidyFrame(frames[0] ?? null), firmnet: tidyFrame(ours) };
}

function tidyFrame(frame: string | null): string | null {
  if (frame === null) return null;
  return frame.replace(/^at /, '').replace(/file:\/\/[^\s()]*?\/dist\//, 'dist/').replace(/\(\/[^\s()]*?\/dist\//, '(dist/');
}

/** `fn (dist/x.js` without line numbers: the same bug found through different files groups together. */
function frameKey(frame: string | null): string | null {
  if (frame === null) return null;
  return tidyFrame(frame.replace(/^\s*at /, ''))!.replace(/:\d+:\d+\)?$/, '').replace(/\s+\(/, ' (');
}

/**
 * The module of a frame: a loop that never ends is paused wherever it happens to be, so its
 * function varies from case to case while its module does not.
 */
function frameFile(frame: string | null): string | null {
  if (frame === null) return null;
  const m = /\(?((?:dist\/|file:|node:)[^():]+|[^\s():]+\.js)/.exec(frame);
  return m ? m[1] : frameKey(frame);
}

/** A message with its case-specific parts (paths, numbers, quoted names) taken out, for grouping. */
export function normalize(message: string): string {
  return message
    .replace(/\/[^\s'"`:,)]+/g, '<path>')
    .replace(/'[^']*'|"[^"]*"|`[^`]*`/g, '<q>')
    .replace(/-?\d+(\.\d+)?(e[-+]?\d+)?/gi, 'N')
    .replace(/\s+/g, ' ')
    .slice(0, 160);
}
