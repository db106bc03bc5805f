/**
 * The batch-size controller: aim each batch at a target duration. After each batch the rate (rows/ms) is smoothed
 * (EMA, α = 0.4 as GitLab's optimizer) and the next size is the smoothed rate × target, growing at most ×2 and
 * shrinking at most ÷2 per step, clamped to [min, max]; a timeout halves it at once. Pure.
 */
export interface BatchSizer {
  readonly size: number
  /** Record a committed batch of `rows` rows (the key span's rows) that took `ms`. */
  observe(rows: number, ms: number): void
  /** A batch hit a lock or statement timeout: halve. */
  timedOut(): void
}

export interface BatchSizeOptions {
  readonly targetMs: number
  readonly initial?: number
  readonly min?: number
  readonly max?: number
  /** A fixed size (`--batch-size N`): never adapts. */
  readonly fixed?: number
}

export function createBatchSizer(o: BatchSizeOptions): BatchSizer {
  const min = o.min ?? 100
  const max = o.max ?? 200_000
  let size = o.fixed ?? o.initial ?? 1000
  let rate: number | undefined // rows per ms, smoothed
  return {
    get size() {
      return size
    },
    observe(rows, ms) {
      if (o.fixed !== undefined || rows <= 0) return
      const r = rows / Math.max(ms, 1)
      rate = rate === undefined ? r : 0.4 * r + 0.6 * rate
      const want = rate * o.targetMs
      size = Math.round(Math.min(max, Math.max(min, Math.min(size * 2, Math.max(size / 2, want)))))
    },
    timedOut() {
      if (o.fixed !== undefined) return
      size = Math.max(min, Math.floor(size / 2))
      rate = rate === undefined ? undefined : rate / 2
    },
  }
}
