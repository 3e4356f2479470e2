import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
/** The shipped config: the tests run it with only the substitutions listed in its header comment. */
export const NGINX_CONF = join(ROOT, 'deployment/nginx/nginx.conf')
export const SECURITY_HEADERS_CONF = join(ROOT, 'deployment/nginx/security-headers.conf')
export const NGINX_BIN = process.env.NGINX_BIN ?? '/usr/sbin/nginx'

/** A TCP port nobody listens on right now (nginx cannot listen on port 0 and report the port). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

/** A fresh temporary directory, readable by nginx's workers. */
export function tempDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `marco-${name}-`))
  chmodSync(dir, 0o755)
  return dir
}

/** Writes a self-signed P-256 certificate for localhost as fullchain.pem, privkey.pem and chain.pem. */
export function makeSelfSignedCert(dir: string): void {
  const run = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      join(dir, 'privkey.pem'),
      '-out',
      join(dir, 'fullchain.pem'),
    ],
    { encoding: 'utf8' },
  )
  if (run.status !== 0) throw new Error(`openssl failed: ${run.stderr}`)
  writeFileSync(join(dir, 'chain.pem'), readFileSync(join(dir, 'fullchain.pem')))
}

export interface NginxPaths {
  readonly prefix: string
  readonly httpsPort: number
  readonly httpPort: number
  readonly certDir: string
  readonly root: string
  readonly acmeRoot: string
  readonly collector: string
  readonly signal: string
}

/**
 * The shipped nginx.conf with the documented substitutions. Each literal must be found, so a config edit
 * that drops one fails here instead of silently testing something else.
 */
export function renderNginxConfig(paths: NginxPaths, source = readFileSync(NGINX_CONF, 'utf8')): string {
  // Comments describe the substitutions themselves: replace in directives only.
  const lines = source.split('\n')
  const comment = (line: string) => line.trimStart().startsWith('#')
  let text = lines
    .filter((line) => comment(line) || !/#\s*ipv6\s*$/.test(line))
    .map((line) => (comment(line) ? '' : line))
    .join('\n')
  const replace = (from: string, to: string) => {
    if (!text.includes(from))
      throw new Error(
        `nginx.conf no longer contains "${from}": update e2e/deployment/helpers/nginx.ts and the header comment`,
      )
    text = text.split(from).join(to)
  }
  replace('user nginx;', 'user root;')
  replace('pid /var/run/nginx.pid;', `pid ${paths.prefix}/nginx.pid;`)
  replace('/var/log/nginx/', `${paths.prefix}/`)
  replace('listen 443 ssl http2 default_server;', `listen 127.0.0.1:${paths.httpsPort} ssl http2 default_server;`)
  replace('listen 80 default_server;', `listen 127.0.0.1:${paths.httpPort} default_server;`)
  replace('/etc/nginx/ssl/', `${paths.certDir}/`)
  replace('/etc/nginx/security-headers.conf', SECURITY_HEADERS_CONF)
  replace('/usr/share/nginx/html', paths.root)
  replace('/var/www/certbot', paths.acmeRoot)
  replace('collector:4318', paths.collector)
  replace('signal:8787', paths.signal)
  replace('resolver 127.0.0.11', 'resolver 127.0.0.1')
  // Temporary files inside the prefix, not Debian's /var/lib/nginx.
  text = text.replace(
    /^http \{$/m,
    `http {\n    client_body_temp_path ${paths.prefix}/body;\n    proxy_temp_path ${paths.prefix}/proxy;\n    fastcgi_temp_path ${paths.prefix}/fastcgi;\n    uwsgi_temp_path ${paths.prefix}/uwsgi;\n    scgi_temp_path ${paths.prefix}/scgi;`,
  )
  return text
}

/** Runs `nginx -t` on a config file; resolves to its exit code and output. */
export function nginxTest(prefix: string, conf: string): { status: number; output: string } {
  const run = spawnSync(NGINX_BIN, ['-t', '-p', prefix, '-e', join(prefix, 'error.log'), '-c', conf], {
    encoding: 'utf8',
  })
  return { status: run.status ?? 1, output: `${run.stdout}${run.stderr}` }
}

export interface RunningNginx {
  readonly httpsPort: number
  readonly httpPort: number
  readonly origin: string
  readonly prefix: string
  readonly conf: string
  /** error.log so far. */
  errors(): string
  stop(): Promise<void>
}

export interface StartNginxOptions {
  readonly root: string
  readonly certDir: string
  readonly collectorPort: number
  readonly signalPort: number
  readonly acmeRoot?: string
  /** Use this HTTPS port (e.g. one the collector's allowed origin already names) instead of a fresh one. */
  readonly httpsPort?: number
}

/** Starts nginx in the foreground (a child process) with the rendered config, on fresh free ports. */
export async function startNginx(options: StartNginxOptions): Promise<RunningNginx> {
  let lastError = ''
  // Ports are picked free but not held: retry on the rare race with another process.
  for (let attempt = 0; attempt < 3; attempt++) {
    const prefix = tempDir('nginx')
    const [httpsPort, httpPort] = [options.httpsPort ?? (await freePort()), await freePort()]
    const conf = join(prefix, 'nginx.conf')
    writeFileSync(
      conf,
      renderNginxConfig({
        prefix,
        httpsPort,
        httpPort,
        certDir: options.certDir,
        root: options.root,
        acmeRoot: options.acmeRoot ?? prefix, // no challenge files: nothing to find there
        collector: `127.0.0.1:${options.collectorPort}`,
        signal: `127.0.0.1:${options.signalPort}`,
      }),
    )
    const child = spawn(NGINX_BIN, ['-p', prefix, '-e', join(prefix, 'error.log'), '-c', conf, '-g', 'daemon off;'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout!.on('data', (chunk) => (output += chunk))
    child.stderr!.on('data', (chunk) => (output += chunk))
    const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 1)))
    const up = await Promise.race([waitForFile(join(prefix, 'nginx.pid')).then(() => true), exited.then(() => false)])
    if (up) return running(child, exited, { prefix, conf, httpsPort, httpPort })
    lastError = `${output}\n${safeRead(join(prefix, 'error.log'))}`
    rmSync(prefix, { recursive: true, force: true })
    // A port the caller chose is the caller's to pick again (see `startNginxStack`).
    if (options.httpsPort || !/Address already in use/.test(lastError)) break
  }
  throw new Error(`nginx did not start:\n${lastError}`)
}

function running(
  child: ChildProcess,
  exited: Promise<number>,
  info: { prefix: string; conf: string; httpsPort: number; httpPort: number },
): RunningNginx {
  return {
    ...info,
    // An IP, not `localhost`: Node may resolve that to ::1, where nothing listens.
    origin: `https://127.0.0.1:${info.httpsPort}`,
    errors: () => safeRead(join(info.prefix, 'error.log')),
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGQUIT')
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
        await exited
        clearTimeout(timer)
      }
      rmSync(info.prefix, { recursive: true, force: true })
    },
  }
}

function safeRead(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return ''
  }
}

/**
 * Resolves once nginx itself is up: it writes its pid file only after it has bound its ports. (Probing the port
 * instead can be answered by another process that took it since it was picked, or by the probe itself: a connection
 * to a free port in the ephemeral range may be given that very port as its source and connect to itself — seen once,
 * every test of a file then failing its TLS handshake with "wrong version number".)
 */
async function waitForFile(file: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`${file} did not appear`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
