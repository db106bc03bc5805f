// Prints the plain closing line "N passed, N failed[, N skipped]" from vitest's JSON report.
import { readFileSync } from 'node:fs'
const r = JSON.parse(readFileSync(new URL('../test-results.json', import.meta.url), 'utf8'))
const skipped = r.numPendingTests + (r.numTodoTests ?? 0)
console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`)
