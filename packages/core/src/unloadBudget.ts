/** The browser's budget for the bodies of all in-flight `keepalive` requests of a page (Fetch spec). */
export const KEEPALIVE_LIMIT_BYTES = 64 * 1024

export interface UnloadBudget {
  /** Bytes a new `keepalive` body may still have. */
  left(): number
  /** Counts a body in flight; call the returned function when its request has settled. */
  spend(bytes: number): () => void
}

/**
 * The page's keepalive budget (Fetch spec §4.5: at most 64 KiB of `keepalive` bodies in flight at once; a
 * request past it is refused outright). What does not fit waits in storage for the next page load.
 *
 * @example
 * const budget = createUnloadBudget()
 * if (bytes <= budget.left()) { const settle = budget.spend(bytes); fetch(url, { keepalive: true, body
 * }).finally(settle) }
 */
export function createUnloadBudget(limit = KEEPALIVE_LIMIT_BYTES): UnloadBudget {
  let inFlight = 0
  return {
    left: () => limit - inFlight,
    spend(bytes) {
      inFlight += bytes
      return () => void (inFlight -= bytes)
    },
  }
}
