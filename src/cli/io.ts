/** The process-facing edges the CLI needs, injectable so `main()` runs in tests without spawning. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean }
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number }
  readonly env: Readonly<Record<string, string | undefined>>
  readonly cwd: string
  /** Abort signal fired on SIGINT/SIGTERM (set by main); actions pass it down to cancel work. */
  readonly signal?: AbortSignal
}

/** Write a line-terminated string. */
export function writeOut(stream: NodeJS.WritableStream, text: string): void {
  stream.write(text.endsWith('\n') ? text : `${text}\n`)
}
