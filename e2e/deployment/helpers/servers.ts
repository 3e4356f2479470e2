import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { join } from 'node:path'
import type { Duplex } from 'node:stream'
import { freePort, ROOT, startNginx, tempDir, type RunningNginx, type StartNginxOptions } from './nginx'

/** The collector as the image runs it: `node apps/collector/dist/main.mjs`. */
export const COLLECTOR_MAIN = join(ROOT, 'apps/collector/dist/main.mjs')

export interface RunningCollector {
  readonly port: number
  readonly url: string
  /** Stored events, from the collector's read API (asked directly, not through nginx). */
  events(): Promise<Array<{ id: string; type: string; category: string; payload: Record<string, unknown> }>>
  stop(): Promise<void>
}

/**
 * Starts the built collector on a free port (`--port 0`; the port is read from its start line), with a
 * fresh SQLite file. `allowedOrigins` are the browser origins it accepts batches from (the site's origin).
 */
export async function startCollectorProcess(allowedOrigins: readonly string[]): Promise<RunningCollector> {
  if (!existsSync(COLLECTOR_MAIN))
    throw new Error(`${COLLECTOR_MAIN} is missing: run \`pnpm run build\` (it builds apps/collector)`)
  const dir = tempDir('collector')
  const args = [
    COLLECTOR_MAIN,
    '--port',
    '0',
    '--host',
    '127.0.0.1',
    '--db',
    join(dir, 'marco.db'),
    '--rate-limit',
    'off',
  ]
  if (allowedOrigins.length) args.push('--allowed-origins', allowedOrigins.join(','))
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`collector did not start:\n${output}`)), 20_000)
    const onData = (chunk: Buffer) => {
      output += chunk
      const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve(Number(match[1]))
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`collector exited with ${code}:\n${output}`))
    })
  })
  const url = `http://127.0.0.1:${port}`
  return {
    port,
    url,
    async events() {
      const response = await fetch(`${url}/v1/events?limit=1000`)
      return ((await response.json()) as { events: Awaited<ReturnType<RunningCollector['events']>> }).events
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.on('exit', resolve))
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
        await exited
        clearTimeout(timer)
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export interface SignalStub {
  readonly port: number
  /** Upgrade requests seen, with the headers nginx forwarded. */
  readonly upgrades: Array<Record<string, string | string[] | undefined>>
  stop(): Promise<void>
}

/**
 * A minimal WebSocket server standing in for the signalling service (RFC 6455 handshake; echoes each
 * unmasked text frame back as `echo:<text>`). Small text frames only: all a proxy test needs.
 */
export async function startSignalStub(): Promise<SignalStub> {
  const upgrades: SignalStub['upgrades'] = []
  const sockets = new Set<Duplex>()
  const server: Server = createServer((_req, res) =>
    res.writeHead(426, { 'content-type': 'text/plain' }).end('upgrade required\n'),
  )
  server.on('upgrade', (req, socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => socket.destroy())
    upgrades.push({ ...req.headers, ':path': req.url })
    const key = String(req.headers['sec-websocket-key'] ?? '')
    const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64')
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    )
    let buffer = Buffer.alloc(0)
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk])
      for (;;) {
        const frame = readFrame(buffer)
        if (!frame) break
        buffer = buffer.subarray(frame.length)
        if (frame.opcode === 0x8) {
          socket.end(encodeFrame(Buffer.alloc(0), 0x8))
          return
        }
        if (frame.opcode === 0x1) socket.write(encodeFrame(Buffer.from(`echo:${frame.payload.toString('utf8')}`), 0x1))
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return {
    port,
    upgrades,
    async stop() {
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

/** One WebSocket frame from the start of `buffer`, or undefined when it is incomplete. */
export function readFrame(buffer: Buffer): { opcode: number; payload: Buffer; length: number } | undefined {
  if (buffer.length < 2) return undefined
  const opcode = buffer[0]! & 0x0f
  const masked = (buffer[1]! & 0x80) !== 0
  let length = buffer[1]! & 0x7f
  let offset = 2
  if (length === 126) {
    if (buffer.length < 4) return undefined
    length = buffer.readUInt16BE(2)
    offset = 4
  } else if (length === 127) {
    if (buffer.length < 10) return undefined
    length = Number(buffer.readBigUInt64BE(2))
    offset = 10
  }
  const mask = masked ? buffer.subarray(offset, offset + 4) : undefined
  if (masked) offset += 4
  if (buffer.length < offset + length) return undefined
  const payload = Buffer.from(buffer.subarray(offset, offset + length))
  if (mask) for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i % 4]!
  return { opcode, payload, length: offset + length }
}

/** A frame; `mask` for client-to-server frames (RFC 6455 5.3). */
export function encodeFrame(payload: Buffer, opcode: number, mask = false): Buffer {
  const head =
    payload.length < 126
      ? Buffer.from([0x80 | opcode, payload.length | (mask ? 0x80 : 0)])
      : Buffer.from([0x80 | opcode, 126 | (mask ? 0x80 : 0), payload.length >> 8, payload.length & 0xff])
  if (!mask) return Buffer.concat([head, payload])
  const key = Buffer.from([1, 2, 3, 4])
  const body = Buffer.from(payload)
  for (let i = 0; i < body.length; i++) body[i]! ^= key[i % 4]!
  return Buffer.concat([head, key, body])
}

export interface NginxStack {
  readonly nginx: RunningNginx
  readonly collector: RunningCollector
  readonly signal: SignalStub
  stop(): Promise<void>
}

/**
 * nginx in front of a collector process, which allows nginx's HTTPS origin, and a signalling stub. That port is
 * picked free before the collector starts and is not held, so another process can take it before nginx binds it:
 * then all three start again on a new one.
 */
export async function startNginxStack(
  options: Omit<StartNginxOptions, 'collectorPort' | 'signalPort' | 'httpsPort'>,
): Promise<NginxStack> {
  for (let attempt = 1; ; attempt++) {
    const httpsPort = await freePort()
    const [collector, signal] = await Promise.all([
      startCollectorProcess([`https://127.0.0.1:${httpsPort}`]),
      startSignalStub(),
    ])
    const stopServers = async () => void (await Promise.all([collector.stop(), signal.stop()]))
    try {
      const nginx = await startNginx({ ...options, collectorPort: collector.port, signalPort: signal.port, httpsPort })
      return { nginx, collector, signal, stop: async () => (await nginx.stop(), stopServers()) }
    } catch (error) {
      await stopServers()
      if (attempt === 3 || !/Address already in use/.test(String(error))) throw error
    }
  }
}
