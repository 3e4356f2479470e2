import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { migrate, MIGRATIONS } from './migrations'

describe('migrate', () => {
  it('runs each migration once, by user_version', () => {
    const db = new Database(':memory:')
    expect(migrate(db)).toEqual({ from: 0, to: MIGRATIONS.length })
    expect(migrate(db)).toEqual({ from: MIGRATIONS.length, to: MIGRATIONS.length })
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length)
    // A later migration runs on a database at the earlier version, and only it.
    expect(migrate(db, [...MIGRATIONS, 'CREATE TABLE extra (x)'])).toEqual({
      from: MIGRATIONS.length,
      to: MIGRATIONS.length + 1,
    })
    db.close()
  })

  it('refuses a database from a newer collector', () => {
    const db = new Database(':memory:')
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`)
    expect(() => migrate(db)).toThrow(/newer than this collector/)
    db.close()
  })

  it('leaves the version as it was when a migration fails', () => {
    const db = new Database(':memory:')
    expect(() => migrate(db, ['CREATE TABLE a (x)', 'CREATE TABLE oops ('])).toThrow()
    expect(db.pragma('user_version', { simple: true })).toBe(1)
    db.close()
  })
})
