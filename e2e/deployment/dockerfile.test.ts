// deployment/docker/Dockerfile.production cannot be built here (no Docker engine): its structure is checked
// instead, and that every file it copies exists after `pnpm run build` (the root test command builds first).
// What those files do is tested elsewhere without Docker.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT } from './helpers/nginx'

const DOCKERFILE = join(ROOT, 'deployment/docker/Dockerfile.production')
const COMPOSE = join(ROOT, 'deployment/docker/docker-compose.yml')
const DOCKERIGNORE = join(ROOT, '.dockerignore')

interface Instruction {
  readonly op: string
  readonly args: string
}
interface Stage {
  readonly image: string
  readonly name: string
  readonly instructions: Instruction[]
}

/** Dockerfile instructions (continuations joined, comments dropped) grouped into stages. */
function parseDockerfile(text: string): Stage[] {
  const joined = text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ')
  const stages: Stage[] = []
  for (const line of joined.split('\n')) {
    const match = /^\s*([A-Z]+)\s+(.*)$/.exec(line)
    if (!match) continue
    const [, op, args] = match as unknown as [string, string, string]
    if (op === 'FROM') {
      const from = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args.trim())!
      stages.push({ image: from[1]!, name: from[2] ?? String(stages.length), instructions: [] })
    } else stages.at(-1)?.instructions.push({ op, args: args.trim() })
  }
  return stages
}

const stages = parseDockerfile(readFileSync(DOCKERFILE, 'utf8'))
const stage = (name: string) => {
  const found = stages.find((candidate) => candidate.name === name)
  if (!found) throw new Error(`no stage ${name}`)
  return found
}
const ops = (s: Stage, op: string) =>
  s.instructions.filter((instruction) => instruction.op === op).map((instruction) => instruction.args)
/** COPY arguments without flags: sources then the destination. */
const copyArgs = (args: string) => args.split(/\s+/).filter((part) => !part.startsWith('--'))
const copyFrom = (args: string) => /--from=(\S+)/.exec(args)?.[1]

describe('deployment/docker/Dockerfile.production', () => {
  it('has the stages the deployment needs, the web image last (the default target)', () => {
    expect(stages.map((s) => s.name)).toEqual(['build', 'brotli-modules', 'collector', 'web'])
    expect(stage('build').image).toMatch(/^node:20\./)
    expect(stage('web').image).toMatch(/^nginx:[\d.]+-alpine$/)
    expect(stage('brotli-modules').image).toBe(stage('web').image)
    expect(stage('collector').image).toMatch(/^node:20\./)
  })

  it('pins every base image to an exact version', () => {
    for (const s of stages)
      expect(s.image, s.name).toMatch(/^[a-z0-9./-]+:\d+\.\d+\.\d+(-[a-z0-9.-]+)?(@sha256:[0-9a-f]{64})?$/)
    const run = ops(stage('build'), 'RUN').join('\n')
    expect(run).toContain(
      `pnpm@${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).packageManager.split('@')[1]}`,
    )
    expect(ops(stage('brotli-modules'), 'ARG').join('\n')).toMatch(/NGX_BROTLI_COMMIT=[0-9a-f]{40}/)
  })

  it('installs with the frozen lockfile and builds the packages, the demo (with its wasm) and the collector', () => {
    const run = ops(stage('build'), 'RUN').join('\n')
    expect(run).toMatch(/pnpm fetch --frozen-lockfile/)
    expect(run).toMatch(/pnpm install --frozen-lockfile/)
    expect(run).toMatch(/pnpm run build/)
    expect(run).toMatch(/apps\/demo\/dist\/assets\/\*\.wasm/)
    expect(run).toMatch(/generate-security-headers\.mjs --check/)
    expect(run).toMatch(/pnpm --filter @marco\/collector deploy --prod/)
    expect(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.build).toBeDefined()
  })

  it('copies only paths that exist in the context or after the build', () => {
    // Files from the build context.
    for (const s of stages) {
      for (const args of ops(s, 'COPY').filter((a) => !copyFrom(a))) {
        const parts = copyArgs(args)
        for (const source of parts.slice(0, -1)) {
          if (source === '.') continue
          expect(existsSync(join(ROOT, source)), `${s.name}: COPY ${source}`).toBe(true)
        }
      }
    }
    // Files from the build stage: /src is the repository after `pnpm run build`.
    for (const s of stages) {
      for (const args of ops(s, 'COPY').filter((a) => copyFrom(a) === 'build')) {
        const [source] = copyArgs(args)
        if (source!.startsWith('/src/'))
          expect(existsSync(join(ROOT, source!.slice('/src/'.length))), `${s.name}: COPY --from=build ${source}`).toBe(
            true,
          )
        // /out/collector is `pnpm deploy`'s output: the collector's package plus its built dist.
        else expect(source, s.name).toBe('/out/collector')
      }
    }
    expect(existsSync(join(ROOT, 'apps/demo/dist/index.html')), 'apps/demo/dist/index.html (pnpm run build)').toBe(true)
    expect(readdirSync(join(ROOT, 'apps/demo/dist/assets')).some((file) => file.endsWith('.wasm'))).toBe(true)
    expect(
      existsSync(join(ROOT, 'apps/collector/dist/main.mjs')),
      'apps/collector/dist/main.mjs (pnpm run build)',
    ).toBe(true)
    expect(JSON.parse(readFileSync(join(ROOT, 'apps/collector/package.json'), 'utf8')).name).toBe('@marco/collector')
    // The collector's CMD runs the built entry that was just checked.
    expect(ops(stage('collector'), 'CMD').join()).toContain('dist/main.mjs')
    expect(ops(stage('collector'), 'WORKDIR')).toEqual(['/app'])
  })

  it('ships the tested nginx config, the generated headers and the brotli modules at the tested path', () => {
    const copies = ops(stage('web'), 'COPY').map(copyArgs)
    expect(copies).toContainEqual(['deployment/nginx/nginx.conf', '/etc/nginx/nginx.conf'])
    expect(copies).toContainEqual(['deployment/nginx/security-headers.conf', '/etc/nginx/security-headers.conf'])
    expect(copies).toContainEqual(['/src/apps/demo/dist/', '/usr/share/nginx/html/'])
    expect(copies).toContainEqual(['/modules/', '/usr/lib/nginx/modules/'])
    const conf = readFileSync(join(ROOT, 'deployment/nginx/nginx.conf'), 'utf8')
    for (const module of ['ngx_http_brotli_filter_module.so', 'ngx_http_brotli_static_module.so']) {
      expect(conf).toContain(`load_module /usr/lib/nginx/modules/${module};`)
      expect(ops(stage('brotli-modules'), 'RUN').join()).toContain(`objs/${module}`)
    }
    expect(conf).toContain('include /etc/nginx/security-headers.conf;')
    expect(conf).toContain('root /usr/share/nginx/html;')
    expect(conf).toContain('user nginx;')
  })

  it('runs the collector as a non-root user with its SQLite file on a volume', () => {
    const collector = stage('collector')
    const users = ops(collector, 'USER')
    expect(users.length).toBeGreaterThan(0)
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/)
    expect(ops(collector, 'VOLUME').join()).toContain('/data')
    expect(ops(collector, 'ENV').join(' ')).toMatch(/MARCO_COLLECTOR_DB=\/data\//)
    expect(ops(collector, 'ENV').join(' ')).toMatch(/MARCO_COLLECTOR_HOST=0\.0\.0\.0/)
    // nginx: the master binds 80/443, the workers run as the unprivileged user the config names.
    expect(ops(stage('web'), 'USER')).toEqual([])
  })

  it('has a HEALTHCHECK in both runtime images', () => {
    expect(ops(stage('web'), 'HEALTHCHECK').join()).toMatch(/CMD .*https:\/\/127\.0\.0\.1\//)
    expect(ops(stage('collector'), 'HEALTHCHECK').join()).toMatch(/CMD .*\/healthz/)
  })

  it('puts no secret into a layer', () => {
    for (const s of stages) {
      for (const { op, args } of s.instructions) {
        if (op === 'ENV' || op === 'ARG')
          expect(args, `${s.name}: ${op}`).not.toMatch(/(TOKEN|SECRET|PASSWORD|PASSWD|API_KEY|PRIVATE)/i)
        if (op === 'COPY' && !copyFrom(args)) expect(args, `${s.name}: COPY`).not.toMatch(/\.(pem|key|env)\b|\.env/)
      }
    }
    const ignore = readFileSync(DOCKERIGNORE, 'utf8')
      .split('\n')
      .map((line) => line.trim())
    for (const pattern of ['.git', '**/node_modules', '**/dist', '**/.env', '**/*.pem', '**/*.key'])
      expect(ignore, pattern).toContain(pattern)
    // The build-context COPY . . must not carry the lockfile away: it is not ignored.
    expect(ignore).not.toContain('pnpm-lock.yaml')
  })

  it('starts nginx with a temporary certificate when none is mounted (shellcheck-clean hook)', () => {
    const hook = join(ROOT, 'deployment/docker/10-marco-bootstrap-cert.sh')
    const result = spawnSync('shellcheck', [hook], { encoding: 'utf8' })
    expect(`${result.stdout}${result.stderr}`).toBe('')
    expect(result.status).toBe(0)
    expect(ops(stage('web'), 'COPY').map(copyArgs)).toContainEqual([
      'deployment/docker/10-marco-bootstrap-cert.sh',
      '/docker-entrypoint.d/10-marco-bootstrap-cert.sh',
    ])
  })
})

describe('deployment/docker/docker-compose.yml', () => {
  const compose = readFileSync(COMPOSE, 'utf8')
  it('wires nginx in front of the collector, each from its Dockerfile target', () => {
    expect(compose).toMatch(/^ {2}nginx:\n(?: {4}.*\n|\n)*? {6}target: web$/m)
    expect(compose).toMatch(/^ {2}collector:\n(?: {4}.*\n|\n)*? {6}target: collector$/m)
    expect(compose).toContain('dockerfile: deployment/docker/Dockerfile.production')
    expect(compose).toMatch(/- "443:443"/)
    expect(compose).toMatch(/- "80:80"/)
    // The upstream name nginx.conf proxies /v1/ to.
    expect(readFileSync(join(ROOT, 'deployment/nginx/nginx.conf'), 'utf8')).toContain('server collector:4318;')
    expect(compose).toMatch(/expose:\n\s+- "4318"/)
    expect(compose).toMatch(/collector-data:\/data/)
    expect(compose).toMatch(/MARCO_COLLECTOR_ALLOWED_ORIGINS: https:\/\//)
    expect(compose).toMatch(/condition: service_healthy/)
  })
})
