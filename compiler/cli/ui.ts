import { terminalJson, terminalLines, terminalText } from '../terminal-text.js';

/**
 * Terminal output of every command. Human output goes to stdout (reports) and stderr (progress);
 * with `--json` the only thing written to stdout is one JSON object, and progress is silent.
 * Everything printed passes through terminal-text.ts: a name from an input file cannot send escape
 * sequences; callers escape a name's line breaks with `terminalText` where they quote it.
 */
export class Ui {
  private barVisible = false;
  /** True once the command's JSON object has been written (there is only ever one). */
  jsonEmitted = false;

  constructor(
    readonly json: boolean,
    private readonly out: NodeJS.WriteStream = process.stdout,
    private readonly err: NodeJS.WriteStream = process.stderr,
  ) {}

  get interactive(): boolean {
    return !this.json && this.err.isTTY === true;
  }

  /** A line of the human report (suppressed with --json). */
  print(text = ''): void {
    if (this.json) return;
    this.clearBar();
    this.out.write(`${terminalLines(text)}\n`);
  }

  /** A progress/log line on stderr (suppressed with --json). */
  log(text: string): void {
    if (this.json) return;
    this.clearBar();
    this.err.write(`${terminalLines(text)}\n`);
  }

  /** Redraws a one-line bar in place on a terminal; does nothing elsewhere (callers log lines instead). */
  bar(label: string, done: number, total: number, suffix: string): void {
    if (!this.interactive) return;
    const width = 24;
    const filled = Math.round((width * Math.min(done, total)) / Math.max(total, 1));
    const line = terminalText(`${label} [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${done}/${total} ${suffix}`);
    const columns = this.err.columns ?? 120;
    this.err.write(`\r\x1b[2K${line.slice(0, columns - 1)}`);
    this.barVisible = true;
  }

  endBar(): void {
    this.clearBar();
  }

  emitJson(value: unknown): void {
    if (!this.json) return;
    process.stdout.write(`${terminalJson(value, 2)}\n`);
    this.jsonEmitted = true;
  }

  private clearBar(): void {
    if (this.barVisible) {
      this.err.write('\r\x1b[2K');
      this.barVisible = false;
    }
  }
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
