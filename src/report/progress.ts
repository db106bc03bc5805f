import cliProgress from 'cli-progress'

/** What a long task reports while it works. Rendered on stderr, only on a TTY; a no-op elsewhere. */
export interface Progress {
  /** Begin a bar. `total` unknown → a counter without percentage/ETA. */
  start(label: string, total: number | undefined, unit: string): void
  /** Move to `done`; `status` is a short free text (e.g. "waiting: replica lag 12s"). */
  update(done: number, status?: string): void
  /** Change the total when it becomes known or is corrected. */
  setTotal(total: number): void
  /** Print a line above the bar without breaking it. */
  log(line: string): void
  stop(): void
}

const NOOP: Progress = { start() {}, update() {}, setTotal() {}, log() {}, stop() {} }

function human(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)}G`
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`
  if (n >= 1e4) return `${(n / 1e3).toFixed(0)}k`
  return String(Math.round(n))
}

/**
 * A progress bar on `stream` when it is a TTY (and `enabled`), else a no-op, so `--json` and pipes stay clean.
 * Shows done/total, rate per second and ETA; the unit `MB` formats values as megabytes.
 */
export function createProgress(stream: NodeJS.WritableStream & { isTTY?: boolean }, enabled = true): Progress {
  if (!enabled || !stream.isTTY) return NOOP
  let bar: cliProgress.SingleBar | undefined
  let startedAt = 0
  let unitName = ''
  let totalKnown = false
  const payload = (done: number, status = ''): Record<string, string> => {
    const secs = Math.max((Date.now() - startedAt) / 1000, 0.001)
    const rate = done / secs
    const fmt = unitName === 'MB' ? (v: number) => `${(v / 1e6).toFixed(1)} MB` : (v: number) => `${human(v)} ${unitName}`
    return { doneText: fmt(done), rateText: `${unitName === 'MB' ? (rate / 1e6).toFixed(1) + ' MB' : human(rate) + ' ' + unitName}/s`, status }
  }
  return {
    start(label, total, unit) {
      unitName = unit
      totalKnown = total !== undefined
      startedAt = Date.now()
      bar = new cliProgress.SingleBar(
        {
          stream,
          format: totalKnown
            ? `${label} |{bar}| {percentage}% | {doneText} | {rateText} | ETA {eta_formatted} {status}`
            : `${label} | {doneText} | {rateText} {status}`,
          hideCursor: true,
          clearOnComplete: false,
          etaBuffer: 50,
          fps: 5,
        },
        cliProgress.Presets.shades_classic,
      )
      bar.start(total ?? 0, 0, payload(0))
    },
    update(done, status) {
      bar?.update(done, payload(done, status))
    },
    setTotal(total) {
      totalKnown = true
      bar?.setTotal(total)
    },
    log(line) {
      stream.write(`\r\x1b[K${line}\n`)
    },
    stop() {
      bar?.stop()
      bar = undefined
    },
  }
}
