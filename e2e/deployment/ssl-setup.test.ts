// deployment/ssl/ssl-setup.sh: shellcheck, its command line, the self-signed mode under real nginx, and the
// Let's Encrypt mode against a stand-in `certbot` (no ACME server is reachable from CI) that issues from a
// throwaway CA exactly where certbot would, so the install, the deploy hook, the chain and the renewal
// files are all real.
import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { connect as tlsConnect } from 'node:tls'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FAKE_CERTBOT } from './helpers/fakeCertbot'
import { writeFixtureDist, type FixtureDist } from './helpers/fixtureDist'
import { nginxTest, renderNginxConfig, ROOT, startNginx, tempDir } from './helpers/nginx'

const SCRIPT = join(ROOT, 'deployment/ssl/ssl-setup.sh')

const run = (args: string[], env: Record<string, string> = {}) => {
  const result = spawnSync('bash', [SCRIPT, ...args], { encoding: 'utf8', env: { ...process.env, ...env } })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

let work: string
let dist: FixtureDist

beforeAll(async () => {
  work = tempDir('ssl-setup')
  dist = await writeFixtureDist()
})
afterAll(() => {
  for (const dir of [work, dist?.dir]) if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('deployment/ssl/ssl-setup.sh', () => {
  it('is shellcheck clean', () => {
    const result = spawnSync('shellcheck', ['--severity=style', SCRIPT], { encoding: 'utf8' })
    expect(result.error, 'shellcheck must be installed (scripts/apt-packages.txt)').toBeUndefined()
    expect(`${result.stdout}${result.stderr}`).toBe('')
    expect(result.status).toBe(0)
  })

  it('prints its usage with --help', () => {
    const result = run(['--help'])
    expect(result.status).toBe(0)
    for (const option of ['--domain', '--email', '--staging', '--self-signed', '--reload-cmd', '--renewal'])
      expect(result.stdout).toContain(option)
  })

  it('refuses to run without a domain or an email, saying which is missing', () => {
    const none = run([])
    expect(none.status).toBe(2)
    expect(none.stderr).toContain('missing --domain')
    const noEmail = run(['--domain', 'marco.example.com'])
    expect(noEmail.status).toBe(2)
    expect(noEmail.stderr).toContain('missing --email')
    const badEmail = run(['--domain', 'marco.example.com', '--email', 'nobody'])
    expect(badEmail.status).toBe(2)
    expect(badEmail.stderr).toContain('--email must be an email address')
    const unknown = run(['--domian', 'x'])
    expect(unknown.status).toBe(2)
    expect(unknown.stderr).toContain('unknown option --domian')
    const badDomain = run(['--self-signed', 'not a domain'])
    expect(badDomain.status).toBe(2)
  })

  it('--self-signed localhost writes a certificate that nginx accepts and serves', async () => {
    const certDir = join(work, 'self-signed')
    const first = run(['--self-signed', 'localhost', '--cert-dir', certDir])
    expect(first.stderr).toBe('')
    expect(first.status).toBe(0)
    expect(statSync(join(certDir, 'privkey.pem')).mode & 0o777).toBe(0o600)
    const cert = readFileSync(join(certDir, 'fullchain.pem'), 'utf8')
    // Idempotent: a second run keeps the certificate.
    const second = run(['--self-signed', 'localhost', '--cert-dir', certDir])
    expect(second.status).toBe(0)
    expect(second.stdout).toContain('already holds a valid self-signed certificate')
    expect(readFileSync(join(certDir, 'fullchain.pem'), 'utf8')).toBe(cert)
    // --force replaces it.
    expect(run(['--self-signed', 'localhost', '--cert-dir', certDir, '--force']).status).toBe(0)
    expect(readFileSync(join(certDir, 'fullchain.pem'), 'utf8')).not.toBe(cert)

    const prefix = tempDir('nginx-t')
    try {
      const conf = join(prefix, 'nginx.conf')
      writeFileSync(
        conf,
        renderNginxConfig({
          prefix,
          httpsPort: 8443,
          httpPort: 8080,
          certDir,
          root: dist.dir,
          acmeRoot: work,
          collector: '127.0.0.1:4318',
          signal: '127.0.0.1:8787',
        }),
      )
      const test = nginxTest(prefix, conf)
      expect(test.output).toContain('test is successful')
    } finally {
      rmSync(prefix, { recursive: true, force: true })
    }

    // And a real TLS handshake against it verifies for the name localhost.
    const nginx = await startNginx({ root: dist.dir, certDir, collectorPort: 9, signalPort: 9 })
    try {
      const verified = await new Promise<boolean>((resolve, reject) => {
        const socket = tlsConnect(
          {
            host: '127.0.0.1',
            port: nginx.httpsPort,
            servername: 'localhost',
            ca: readFileSync(join(certDir, 'fullchain.pem')),
          },
          () => {
            resolve(socket.authorized)
            socket.destroy()
          },
        )
        socket.on('error', reject)
      })
      expect(verified).toBe(true)
    } finally {
      await nginx.stop()
    }
  })

  it("Let's Encrypt mode: certbot webroot with --deploy-hook, installs an OCSP-ready chain, reloads nginx, sets up renewal; idempotent", () => {
    const bin = join(work, 'bin')
    spawnSync('mkdir', ['-p', bin])
    writeFileSync(join(bin, 'certbot'), FAKE_CERTBOT)
    chmodSync(join(bin, 'certbot'), 0o755)
    const dirs = {
      le: join(work, 'letsencrypt'),
      certs: join(work, 'nginx-ssl'),
      webroot: join(work, 'webroot'),
      cron: join(work, 'cron.d'),
      systemd: join(work, 'systemd'),
    }
    const log = join(work, 'certbot.log')
    const reloads = join(work, 'reloads')
    const env = { PATH: `${bin}:${process.env.PATH}`, CERTBOT_LOG: log }
    const argsFor = (renewal: string) => [
      '--domain',
      'marco.example.com',
      '--email',
      'ops@example.com',
      '--staging',
      '--cert-dir',
      dirs.certs,
      '--webroot',
      dirs.webroot,
      '--letsencrypt-dir',
      dirs.le,
      '--cron-dir',
      dirs.cron,
      '--systemd-dir',
      dirs.systemd,
      '--renewal',
      renewal,
      '--reload-cmd',
      `echo reload >> ${reloads}`,
    ]
    const args = argsFor('cron')

    const first = run(args, env)
    expect(first.stderr).toBe('')
    expect(first.status).toBe(0)
    const call = readFileSync(log, 'utf8').trim().split('\n')
    expect(call).toHaveLength(1)
    expect(call[0]).toContain(
      `certonly --webroot -w ${dirs.webroot} -d marco.example.com --email ops@example.com --agree-tos`,
    )
    expect(call[0]).toContain(`--deploy-hook ${dirs.le}/marco-deploy-hook.sh`)
    expect(call[0]).toContain('--keep-until-expiring')
    expect(call[0]).toContain('--staging')
    // The webroot nginx serves the challenge from exists.
    expect(existsSync(join(dirs.webroot, '.well-known/acme-challenge'))).toBe(true)
    // Installed: the issued certificate (not the bootstrap one), its key, and the issuer chain that verifies it.
    const live = join(dirs.le, 'live/marco.example.com')
    expect(readFileSync(join(dirs.certs, 'fullchain.pem'), 'utf8')).toBe(
      readFileSync(join(live, 'fullchain.pem'), 'utf8'),
    )
    expect(readFileSync(join(dirs.certs, 'privkey.pem'), 'utf8')).toBe(readFileSync(join(live, 'privkey.pem'), 'utf8'))
    expect(statSync(join(dirs.certs, 'privkey.pem')).mode & 0o777).toBe(0o600)
    const verify = spawnSync(
      'openssl',
      ['verify', '-CAfile', join(dirs.certs, 'chain.pem'), join(dirs.certs, 'fullchain.pem')],
      { encoding: 'utf8' },
    )
    expect(verify.stdout).toContain(': OK')
    // Reloaded by the bootstrap, by certbot's deploy hook and by the final install.
    expect(readFileSync(reloads, 'utf8').trim().split('\n').length).toBeGreaterThanOrEqual(2)
    // Renewal: twice a day, with the deploy hook that installs and reloads.
    const cron = readFileSync(join(dirs.cron, 'marco-certbot'), 'utf8')
    expect(cron).toMatch(
      new RegExp(
        `^17 3,15 \\* \\* \\* root \\S*certbot renew --quiet --config-dir ${dirs.le} --deploy-hook ${dirs.le}/marco-deploy-hook.sh$`,
        'm',
      ),
    )
    const hook = readFileSync(join(dirs.le, 'marco-deploy-hook.sh'), 'utf8')
    expect(hook).toContain('RENEWED_LINEAGE')
    expect(spawnSync('shellcheck', ['-s', 'bash', join(dirs.le, 'marco-deploy-hook.sh')]).status).toBe(0)

    // Second run: the certificate is kept, the same files are written, nothing breaks.
    const cert = readFileSync(join(dirs.certs, 'fullchain.pem'), 'utf8')
    const second = run(args, env)
    expect(second.status).toBe(0)
    expect(readFileSync(join(dirs.certs, 'fullchain.pem'), 'utf8')).toBe(cert)
    expect(readFileSync(join(dirs.cron, 'marco-certbot'), 'utf8')).toBe(cron)

    // The systemd variant writes a timer and its service.
    const systemd = run(argsFor('systemd'), env)
    expect(systemd.status).toBe(0)
    expect(readFileSync(join(dirs.systemd, 'marco-certbot-renew.timer'), 'utf8')).toContain(
      'OnCalendar=*-*-* 03,15:17:00',
    )
    expect(readFileSync(join(dirs.systemd, 'marco-certbot-renew.service'), 'utf8')).toMatch(
      /ExecStart=\S*certbot renew --quiet .* --deploy-hook /,
    )
  })
})
