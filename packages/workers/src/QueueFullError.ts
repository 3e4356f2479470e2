/**
 * `WorkerPool.run()` was refused: every worker is busy and `maxQueue` tasks already wait. Back-pressure: the
 * caller should slow down, drop or coalesce work; the queue never grows past its bound.
 *
 * @example
 * pool.run('thumbnail', [page]).catch((error) => {
 *   if (error instanceof QueueFullError) skipThumbnail(page)
 * })
 */
export class QueueFullError extends Error {
  constructor(maxQueue: number) {
    super(`WorkerPool queue is full (${maxQueue} tasks wait): slow down, or raise maxQueue`)
    this.name = 'QueueFullError'
  }
}
