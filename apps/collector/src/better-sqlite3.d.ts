// The subset of better-sqlite3 12.x the collector uses (the package ships no types and @types is not a
// dependency here).
declare module 'better-sqlite3' {
  export interface RunResult {
    changes: number
    lastInsertRowid: number | bigint
  }
  export interface Statement<Row = unknown> {
    run(...params: unknown[]): RunResult
    get(...params: unknown[]): Row | undefined
    all(...params: unknown[]): Row[]
  }
  export interface Database {
    readonly open: boolean
    readonly name: string
    prepare<Row = unknown>(sql: string): Statement<Row>
    exec(sql: string): Database
    pragma(source: string, options?: { simple?: boolean }): unknown
    transaction<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R
    close(): Database
  }
  export interface Options {
    readonly?: boolean
    fileMustExist?: boolean
    timeout?: number
  }
  const BetterSqlite3: new (filename: string, options?: Options) => Database
  export default BetterSqlite3
}
