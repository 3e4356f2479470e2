import { execFileSync } from 'node:child_process'
import { renameSync, rmSync, writeFileSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startCollector } from './startCollector'
import { batch, event, post, tempDir } from './testServer.test-helper'
import type { Collector } from './types'

describe('collector: storage faults', () => {
  let tmp: ReturnType<typeof tempDir>
  let collector: Collector | undefined
  let logs: string[]

  beforeEach(async () => {
    tmp = tempDir()
    logs = []
    collector = await startCollector({
      port: 0,
      dbPath: tmp.db,
      rateLimit: false,
      log: (message) => logs.push(message),
    })
  })
  afterEach(async () => {
    await collector?.close()
    collector = undefined
    tmp.cleanup()
  })

  const health = async () => {
    const response = await fetch(`${collector!.url}/healthz`)
    return { status: response.status, body: await response.json() }
  }

  it('refuses events with 503 and fails /healthz once the database file is deleted, never acknowledging a lost event', async () => {
    const { url } = collector!
    expect((await post(`${url}/v1/batch`, batch([event()]))).status).toBe(200)
    expect((await health()).status).toBe(200)
    for (const file of [tmp.db, `${tmp.db}-wal`, `${tmp.db}-shm`]) rmSync(file, { force: true })
    const refused = await post(`${url}/v1/batch`, batch([event()]))
    expect(refused.status).toBe(503)
    expect(refused.headers.get('retry-after')).toBe('30')
    expect(await refused.json()).toMatchObject({
      error: 'storage_unavailable',
      message: expect.stringContaining('was deleted'),
    })
    const csp = await post(
      `${url}/v1/csp-report`,
      { 'csp-report': { 'violated-directive': 'script-src', 'blocked-uri': 'inline' } },
      { 'content-type': 'application/csp-report' },
    )
    expect(csp.status).toBe(503)
    expect(await health()).toMatchObject({
      status: 503,
      body: { status: 'error', message: expect.stringContaining('was deleted') },
    })
    expect(logs.filter((line) => line.startsWith('ERROR the database file'))).toHaveLength(1)
  })

  it('refuses events once the database file is replaced by another', async () => {
    const { url } = collector!
    renameSync(tmp.db, `${tmp.db}.moved`)
    writeFileSync(tmp.db, '')
    const refused = await post(`${url}/v1/batch`, batch([event()]))
    expect(refused.status).toBe(503)
    expect(await refused.json()).toMatchObject({
      error: 'storage_unavailable',
      message: expect.stringContaining('was replaced'),
    })
    expect((await health()).status).toBe(503)
  })

  it('answers /healthz 503 and ingest 503 (not 500) when the database cannot be written', async () => {
    const { url } = collector!
    expect((await post(`${url}/v1/batch`, batch([event()]))).status).toBe(200)
    // Immutable files refuse writes even to root (a plain chmod does not). Never the -shm file: SQLite maps it.
    const files = [tmp.db, `${tmp.db}-wal`]
    execFileSync('chattr', ['+i', ...files])
    try {
      const probe = await health()
      expect(probe.status).toBe(503)
      expect(probe.body).toMatchObject({ status: 'error', message: expect.stringContaining('cannot be written') })
      const refused = await post(`${url}/v1/batch`, batch([event()]))
      expect(refused.status).toBe(503)
      expect(await refused.json()).toMatchObject({ error: 'storage_unavailable' })
    } finally {
      execFileSync('chattr', ['-i', ...files])
    }
    expect((await health()).status).toBe(200)
    expect((await post(`${url}/v1/batch`, batch([event()]))).status).toBe(200)
  })
})
