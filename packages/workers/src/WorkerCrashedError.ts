/**
 * A pool task failed because its worker crashed (an uncaught error, a failed script load, the worker was
 * killed) before answering. The pool has already replaced the worker; the task may be run again.
 *
 * @example
 * try {
 *   await pool.run('render', [scene])
 * } catch (error) {
 *   if (error instanceof WorkerCrashedError) await pool.run('render', [scene]) // once more, on a fresh worker
 * }
 */
export class WorkerCrashedError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause })
    this.name = 'WorkerCrashedError'
  }
}
