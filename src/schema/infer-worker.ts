/**
 * Worker thread of the parallel inference pass: scans the same bytes as the main thread (scanning is cheap;
 * inference is not) and profiles its share of the columns. Protocol: `init` once, then chunks (each acknowledged
 * with `ack`, for backpressure), then `end` → `done` with the snapshots, or `error`.
 */
import { parentPort } from 'node:worker_threads'
import { CsvScanner } from '../csv/scanner.js'
import { createInference, type Inference } from './infer.js'
import type { CsvDialect } from '../csv/record.js'
import type { InferOptions } from './model.js'

interface Init {
  readonly type: 'init'
  readonly dialect: CsvDialect
  readonly headerNames: readonly string[]
  readonly options: InferOptions
  readonly columns: readonly number[]
}

let scanner: CsvScanner | undefined
let inference: Inference | undefined

parentPort!.on('message', (m: Init | { type: 'chunk'; data: Uint8Array } | { type: 'end' }) => {
  try {
    if (m.type === 'init') {
      inference = createInference(m.dialect, m.headerNames, m.options, m.columns)
      scanner = new CsvScanner({
        delimiter: m.dialect.delimiter.charCodeAt(0),
        quote: m.dialect.quote ? m.dialect.quote.charCodeAt(0) : -1,
        escape: (m.dialect.escape || m.dialect.quote || '"').charCodeAt(0),
        file: 'worker',
      }, inference, m.dialect.header ? 1 : 0)
    } else if (m.type === 'chunk') {
      scanner!.push(m.data)
      parentPort!.postMessage({ type: 'ack' })
    } else {
      scanner!.end()
      parentPort!.postMessage({ type: 'done', snapshots: inference!.snapshots() })
    }
  } catch (e) {
    // The main thread scans the same bytes and reports structural errors itself, with the file name.
    parentPort!.postMessage({ type: 'error', message: (e as Error).message })
  }
})
