/**
 * The inference pass on both cores: the main thread scans and profiles half of the columns, a worker thread
 * scans the same bytes and profiles the other half. Used from the built package (`dist/`) for files large
 * enough to pay for the worker's start-up; otherwise everything runs on the main thread.
 */
import { Worker } from 'node:worker_threads'
import { fileURLToPath } from 'node:url'
import { existsSync } from 'node:fs'
import type { CsvDialect, RecordSink } from '../csv/record.js'
import type { InferOptions, InferredSchema } from './model.js'
import type { ProfileSnapshot } from './column-profile.js'
import { createInference } from './infer.js'

/** Chunks (1 MiB) in flight to the worker before the reader waits: bounds memory; fewer starve the worker (measured on 146 MB: 8–16 in flight → 1.5–1.6 s, peak RSS 190–200 MB). */
const MAX_IN_FLIGHT = 8

export interface ParallelInference extends RecordSink {
  /** Give the worker the same bytes the main scanner gets; resolves when there is room for more. */
  bytes(chunk: Uint8Array): Promise<void> | undefined
  finish(summary: { records: number; bytes: number }): Promise<InferredSchema>
  abort(): void
}

/** The worker's module when running from the compiled package; undefined from TypeScript sources. */
function workerUrl(): URL | undefined {
  const url = new URL('./infer-worker.js', import.meta.url)
  return import.meta.url.endsWith('.js') && existsSync(fileURLToPath(url)) ? url : undefined
}

/** Whether a parallel pass is possible and worth it for this file. */
export function parallelWorthIt(fileBytes: number, columns: number): boolean {
  return columns >= 4 && fileBytes >= 16 * 1024 * 1024 && workerUrl() !== undefined && process.env.DATA_MIGRATE_THREADS !== '1'
}

/** Start a parallel pass: the main thread takes even columns, the worker odd ones. */
export function createParallelInference(dialect: CsvDialect, headerNames: readonly string[], options: InferOptions): ParallelInference {
  const all = headerNames.map((_, i) => i)
  const mine = all.filter((i) => i % 2 === 0)
  const theirs = all.filter((i) => i % 2 === 1)
  const main = createInference(dialect, headerNames, options, mine)
  const worker = new Worker(workerUrl()!)
  worker.postMessage({ type: 'init', dialect, headerNames, options, columns: theirs })
  let inFlight = 0
  let wake: (() => void) | undefined
  let failure: Error | undefined
  let done: ((s: ProfileSnapshot[]) => void) | undefined
  let failed: ((e: Error) => void) | undefined
  worker.on('message', (m: { type: string; snapshots?: ProfileSnapshot[]; message?: string }) => {
    if (m.type === 'ack') {
      inFlight--
      wake?.()
      wake = undefined
    } else if (m.type === 'done') done?.(m.snapshots!)
    else if (m.type === 'error') {
      failure = new Error(m.message)
      failed?.(failure)
      wake?.()
    }
  })
  worker.on('error', (e) => {
    failure = e
    failed?.(e)
    wake?.()
  })
  return {
    record: main.record,
    bytes(chunk) {
      if (failure) return undefined
      inFlight++
      // Copy: the reader's buffer may be a slice of a shared pool, and the main scanner keeps its own copy.
      worker.postMessage({ type: 'chunk', data: chunk.slice() })
      if (inFlight < MAX_IN_FLIGHT) return undefined
      return new Promise<void>((res) => {
        wake = res
      })
    },
    async finish(summary) {
      const snapshots = await new Promise<ProfileSnapshot[]>((res, rej) => {
        if (failure) return rej(failure)
        done = res
        failed = rej
        worker.postMessage({ type: 'end' })
      })
      await worker.terminate()
      return main.finish(summary, snapshots)
    },
    abort() {
      void worker.terminate()
    },
  }
}
