// What an unlucky operator or a hostile request cannot do to the deployment (certificate renewal, the self-signed
// path, the edge worker in front of nginx): each case was a defect, and each test fails without its fix.
import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import type { ClientHttp2Session } from 'node:http2'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEdgeWorker } from '../../deployment/cdn/cloudflare-config.js'
import { FAKE_CERTBOT } from './helpers/fakeCertbot'
import { writeFixtureDist, type FixtureDist } from './helpers/fixtureDist'
import { memoryCache } from './helpers/memoryCache'
import { closeSession, h2Request, h2Session } from './helpers/http2'
import { makeSelfSignedCert, ROOT, tempDir } from './helpers/nginx'
import { startNginxStack, type NginxStack } from './helpers/servers'

const SCRIPT = join(ROOT, 'deployment/ssl/ssl-setup.sh')

// docker as far as `docker compose -f FILE exec -T nginx nginx -s reload` goes: the compose file must exist
// (relative to the current directory, as for the real one); each reload is logged.
const FAKE_DOCKER = `#!/usr/bin/env bash
[ "$1" = compose ] && [ "$2" = -f ] || { echo "fake docker: unexpected $*" >&2; exit 1; }
[ -f "$3" ] || { echo "open $PWD/$3: no such file or directory" >&2; exit 14; }
echo reload >>"$RELOADS"
`

const subjectOf = (file: string) =>
  spawnSync('openssl', ['x509', '-in', file, '-noout', '-subject'], { encoding: 'utf8' }).stdout.trim()

describe('deployment/ssl/ssl-setup.sh', () => {
  let work: string
  let bin: string
  beforeAll(() => {
    work = tempDir('robustness-ssl')
    bin = join(work, 'bin')
    mkdirSync(bin)
    writeFileSync(join(bin, 'certbot'), FAKE_CERTBOT)
    writeFileSync(join(bin, 'docker'), FAKE_DOCKER)
    chmodSync(join(bin, 'certbot'), 0o755)
    chmodSync(join(bin, 'docker'), 0o755)
  })
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true })
  })

  /** One Let's Encrypt setup in its own directories, run from `cwd` (the repository checkout, as in the README). */
  function setUp(name: string, reloadCmd: string) {
    const base = join(work, name)
    const repo = join(base, 'repo')
    mkdirSync(join(repo, 'deployment/docker'), { recursive: true })
    writeFileSync(join(repo, 'deployment/docker/docker-compose.yml'), 'name: marco\n')
    const dirs = {
      le: join(base, 'letsencrypt'),
      certs: join(base, 'ssl'),
      webroot: join(base, 'certbot'),
      cron: join(base, 'cron.d'),
    }
    const env = {
      ...process.env,
      PATH: `${bin}:${process.env.PATH}`,
      CERTBOT_LOG: join(base, 'certbot.log'),
      RELOADS: join(base, 'reloads'),
    }
    const result = spawnSync(
      'bash',
      [
        SCRIPT,
        ...['--domain', 'marco.example.com', '--email', 'ops@example.com', '--cert-dir', dirs.certs],
        ...['--webroot', dirs.webroot, '--letsencrypt-dir', dirs.le, '--cron-dir', dirs.cron],
        ...['--renewal', 'cron', '--reload-cmd', reloadCmd],
      ],
      { cwd: repo, encoding: 'utf8', env },
    )
    const reloads = () => (existsSync(env.RELOADS) ? readFileSync(env.RELOADS, 'utf8').trim().split('\n').length : 0)
    /** What cron runs (as root, from root's home directory, not from the checkout). */
    const runCron = () => {
      const line = readFileSync(join(dirs.cron, 'marco-certbot'), 'utf8')
        .split('\n')
        .find((l) => /^17 3,15 /.test(l))!
      const command = line.replace(/^(\S+\s+){5}root\s+/, '')
      return spawnSync('/bin/sh', ['-c', command], { cwd: '/', encoding: 'utf8', env })
    }
    return { base, repo, dirs, env, result, reloads, runCron }
  }

  it("a renewal run by cron reloads nginx with the README's --reload-cmd (docker compose -f deployment/docker/…)", () => {
    const setup = setUp(
      'relative-reload',
      'docker compose -f deployment/docker/docker-compose.yml exec -T nginx nginx -s reload',
    )
    expect(setup.result.stderr).toBe('')
    expect(setup.result.status).toBe(0)
    const reloadsAfterSetup = setup.reloads()
    expect(reloadsAfterSetup).toBeGreaterThanOrEqual(1)

    // Sixty days later certbot renews the certificate from the cron job.
    writeFileSync(join(setup.dirs.le, 'live/marco.example.com/due'), '')
    const renewal = setup.runCron()
    expect(renewal.status).toBe(0)
    // The new certificate was copied into nginx's directory…
    expect(readFileSync(join(setup.dirs.certs, 'fullchain.pem'), 'utf8')).toBe(
      readFileSync(join(setup.dirs.le, 'live/marco.example.com/fullchain.pem'), 'utf8'),
    )
    // …and nginx must be told, or it serves the old certificate until that one expires.
    expect(renewal.stderr, 'the deploy hook could not reload nginx').not.toMatch(/reload failed/)
    expect(setup.reloads()).toBe(reloadsAfterSetup + 1)
  })

  it("renewing another certificate in the same Let's Encrypt directory does not replace Marco's", () => {
    const setup = setUp('other-lineage', 'true')
    expect(setup.result.status).toBe(0)
    expect(subjectOf(join(setup.dirs.certs, 'fullchain.pem'))).toMatch(/CN ?= ?marco\.example\.com$/)

    // The host also has a certificate for another site in /etc/letsencrypt (certbot certonly by someone else).
    const other = spawnSync(
      join(bin, 'certbot'),
      ['certonly', '--webroot', '-w', setup.dirs.webroot, '-d', 'other.example.org', '--config-dir', setup.dirs.le],
      { encoding: 'utf8', env: setup.env },
    )
    expect(other.status).toBe(0)
    // Only that one is due; Marco's cron job runs `certbot renew --deploy-hook marco-deploy-hook.sh`.
    writeFileSync(join(setup.dirs.le, 'live/other.example.org/due'), '')
    const renewal = setup.runCron()
    expect(renewal.status).toBe(0)
    expect(subjectOf(join(setup.dirs.certs, 'fullchain.pem'))).toMatch(/CN ?= ?marco\.example\.com$/)
  })

  it('--self-signed with a validity openssl cannot encode is refused with a message, before anything is written', () => {
    const certDir = join(work, 'days')
    const result = spawnSync(
      'bash',
      [SCRIPT, '--self-signed', 'localhost', '--cert-dir', certDir, '--days', '3000000'],
      {
        encoding: 'utf8',
      },
    )
    // --days accepted any positive number, and openssl refused this one with its message thrown away.
    expect(result.status).not.toBe(0)
    expect(result.stderr).toMatch(/--days/)
    expect(existsSync(certDir) ? readdirSync(certDir) : []).toEqual([])
  })

  it('--self-signed says why when openssl fails, and leaves no key material behind', () => {
    const certDir = join(work, 'openssl-fails')
    const bin = join(work, 'failing-openssl-bin')
    mkdirSync(bin, { recursive: true })
    writeFileSync(join(bin, 'openssl'), '#!/bin/sh\necho "openssl: cannot write the certificate" >&2\nexit 1\n', {
      mode: 0o755,
    })
    const result = spawnSync('bash', [SCRIPT, '--self-signed', 'localhost', '--cert-dir', certDir], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
    })
    expect(result.status).not.toBe(0)
    expect(result.stderr).toMatch(/cannot write the certificate/)
    expect(readdirSync(certDir).filter((name) => name.startsWith('.ssl-setup.'))).toEqual([])
  })
})

describe('deployment/cdn/cloudflare-config.js in front of the real nginx', () => {
  let certDir: string
  let dist: FixtureDist
  let stack: NginxStack
  let session: ClientHttp2Session
  beforeAll(async () => {
    certDir = tempDir('robustness-cert')
    makeSelfSignedCert(certDir)
    dist = await writeFixtureDist()
    stack = await startNginxStack({ root: dist.dir, certDir })
    session = h2Session(stack.nginx.origin, certDir)
  })
  afterAll(async () => {
    if (session) await closeSession(session)
    await stack?.stop()
    for (const dir of [certDir, dist?.dir]) if (dir) rmSync(dir, { recursive: true, force: true })
  })

  /** The worker's origin fetch, answered by nginx over HTTP/2 (identity, as Cloudflare hands bodies over decoded). */
  const nginxOrigin = async (request: Request): Promise<Response> => {
    const url = new URL(request.url)
    const response = await h2Request(session, `${url.pathname}${url.search}`, {
      method: request.method,
      headers: { 'accept-encoding': 'identity' },
    })
    const headers = new Headers()
    for (const [name, value] of Object.entries(response.headers))
      if (!name.startsWith(':') && value !== undefined) headers.set(name, String(value))
    const empty = request.method === 'HEAD' || response.status === 304
    return new Response(empty ? null : response.body, { status: response.status, headers })
  }

  it('never stores HTML at the edge: the app shell nginx answers for an unknown *.wasm or /assets/..%2F path', async () => {
    const cache = memoryCache()
    const pending: Promise<unknown>[] = []
    const edge = createEdgeWorker({ fetchOrigin: nginxOrigin, cache: () => cache })
    const call = async (path: string) => {
      const response = await edge.fetch(
        new Request(`https://marco.example.com${path}`),
        {},
        {
          waitUntil: (promise: Promise<unknown>) => void pending.push(promise),
        },
      )
      await Promise.all(pending.splice(0))
      return response
    }
    for (const path of ['/demo.wasm', '/assets/..%2Fsome-route']) {
      const first = await call(path)
      // nginx answers with the HTML fallback, marked no-cache.
      expect(first.headers.get('content-type'), path).toMatch(/^text\/html/)
      await first.arrayBuffer()
      const second = await call(path)
      await second.arrayBuffer()
      expect(second.headers.get('x-marco-edge-cache'), `${path}: HTML served from the edge cache`).not.toBe('HIT')
      expect(second.headers.get('cache-control'), path).not.toMatch(/immutable/)
    }
    expect([...cache.entries.values()].map((entry) => entry.headers.get('content-type'))).toEqual([])
  })
})
