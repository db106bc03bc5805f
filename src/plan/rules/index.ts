/** Every rule, in a fixed order (reports list findings in this order within a statement). */
import type { Rule } from '../rule.js'
import { concurrentlyInTransaction } from './concurrently-in-transaction.js'
import { constraintMissingNotValid } from './constraint-missing-not-valid.js'
import { dropData } from './drop-data.js'
import { dropNotNull } from './drop-not-null.js'
import { enumAddValue } from './enum-add-value.js'
import { missingLockTimeout } from './missing-lock-timeout.js'
import { multipleAccessExclusive } from './multiple-access-exclusive.js'
import { notNullWithoutDefault } from './not-null-without-default.js'
import { rename } from './rename.js'
import { requireConcurrentIndex } from './require-concurrent-index.js'
import { setNotNullScan } from './set-not-null-scan.js'
import { tableRewrite } from './table-rewrite.js'
import { typeChangeRewrite } from './type-change-rewrite.js'
import { unbatchedUpdate } from './unbatched-update.js'
import { uniqueWithoutIndex } from './unique-without-index.js'
import { volatileDefault } from './volatile-default.js'
import { validateInSameTransaction } from './validate-in-same-transaction.js'

export const RULES: readonly Rule[] = [
  concurrentlyInTransaction,
  constraintMissingNotValid,
  dropData,
  dropNotNull,
  enumAddValue,
  missingLockTimeout,
  multipleAccessExclusive,
  notNullWithoutDefault,
  rename,
  requireConcurrentIndex,
  setNotNullScan,
  tableRewrite,
  typeChangeRewrite,
  unbatchedUpdate,
  uniqueWithoutIndex,
  validateInSameTransaction,
  volatileDefault,
]
