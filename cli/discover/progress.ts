import { MultiBar, type SingleBar } from "cli-progress";

/** How discover shows its progress, one line per resource kind. */
export interface ProgressDisplay {
  start(token: string): void;
  update(token: string, found: number, calls: number): void;
  finish(token: string, found: number, calls: number, outcome: string): void;
  /** A message that must not be garbled by the display. */
  note(text: string): void;
  stop(): void;
}

/** A live display on a terminal; plain lines when the output is not a terminal or `CI=true`. */
export function progressDisplay(stream: NodeJS.WriteStream = process.stderr, env: NodeJS.ProcessEnv = process.env): ProgressDisplay {
  const ci = env.CI !== undefined && env.CI !== "" && env.CI !== "false" && env.CI !== "0";
  return stream.isTTY && !ci ? new TerminalProgress(stream) : new LineProgress(stream);
}

class TerminalProgress implements ProgressDisplay {
  private readonly bars = new Map<string, SingleBar>();
  private readonly multi: MultiBar;

  constructor(stream: NodeJS.WriteStream) {
    this.multi = new MultiBar({
      stream,
      format: " {token} | {spinner} {value} found | {calls} calls | {duration}s {outcome}",
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      fps: 8,
      formatValue: (v, _o, type) => (type === "value" ? v.toLocaleString("en") : String(v)),
    });
  }

  start(token: string): void {
    const started = Date.now();
    const bar = this.multi.create(1, 0, { token: token.padEnd(22), calls: 0, spinner: "…", outcome: "", started });
    this.bars.set(token, bar);
  }

  update(token: string, found: number, calls: number): void {
    const bar = this.bars.get(token);
    bar?.setTotal(Math.max(found, 1));
    bar?.update(found, { calls, spinner: SPINNER[calls % SPINNER.length] });
  }

  finish(token: string, found: number, calls: number, outcome: string): void {
    const bar = this.bars.get(token);
    bar?.setTotal(Math.max(found, 1));
    bar?.update(found, { calls, spinner: "✓", outcome });
    bar?.stop();
  }

  note(text: string): void {
    this.multi.log(`${text}\n`);
  }

  stop(): void {
    this.multi.stop();
  }
}

const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/** One line per kind at its start and end, and at most one every few seconds while it runs. */
class LineProgress implements ProgressDisplay {
  private readonly lastLine = new Map<string, number>();
  private readonly started = new Map<string, number>();

  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly everyMs = 5_000,
  ) {}

  start(token: string): void {
    this.started.set(token, Date.now());
    this.lastLine.set(token, Date.now());
    this.stream.write(`discover: ${token}: reading\n`);
  }

  update(token: string, found: number, calls: number): void {
    const now = Date.now();
    if (now - (this.lastLine.get(token) ?? 0) < this.everyMs) return;
    this.lastLine.set(token, now);
    this.stream.write(`discover: ${token}: ${found} found, ${calls} calls so far\n`);
  }

  finish(token: string, found: number, calls: number, outcome: string): void {
    const seconds = ((Date.now() - (this.started.get(token) ?? Date.now())) / 1000).toFixed(1);
    this.stream.write(`discover: ${token}: ${found} found, ${calls} calls, ${seconds} s${outcome ? ` — ${outcome}` : ""}\n`);
  }

  note(text: string): void {
    this.stream.write(`${text}\n`);
  }

  stop(): void {}
}
