#!/usr/bin/env node
// Writes deployment/nginx/security-headers.conf with the `marco-security` CLI of @marco/security: the only way
// that file is made, so nginx, the CDN worker and Node servers send the same headers.
//
//   pnpm run build && node deployment/nginx/generate-security-headers.mjs          # rewrite the file
//   node deployment/nginx/generate-security-headers.mjs --check                      # exit 1 when it is stale
//
// `$host` and `$request_id` are nginx variables, expanded per request inside add_header: the report endpoint
// and the signalling origin follow the host the site is served on, and the nonce is new for every response.
// e2e/deployment/nginx.test.ts runs the CLI's source with SECURITY_HEADERS_ARGS and fails when the
// committed file differs.
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'

/** The CLI arguments the committed security-headers.conf was generated with. */
export const SECURITY_HEADERS_ARGS = [
  'headers',
  '--format',
  'nginx',
  '--report-uri',
  'https://$host/v1/csp-report',
  '--signalling',
  'wss://$host',
]

/** Where the generated snippet lives (nginx.conf includes it; the image copies it to /etc/nginx/). */
export const SECURITY_HEADERS_FILE = fileURLToPath(new URL('./security-headers.conf', import.meta.url))

const CLI = fileURLToPath(new URL('../../packages/security/dist/cli.mjs', import.meta.url))

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const run = spawnSync(process.execPath, [CLI, ...SECURITY_HEADERS_ARGS], { encoding: 'utf8' })
  if (run.status !== 0) {
    process.stderr.write(run.stderr || `marco-security failed; run \`pnpm run build\` first (${CLI})\n`)
    process.exit(run.status ?? 1)
  }
  if (process.argv.includes('--check')) {
    const current = readFileSync(SECURITY_HEADERS_FILE, 'utf8')
    if (current !== run.stdout) {
      process.stderr.write(
        `${SECURITY_HEADERS_FILE} is stale: run node deployment/nginx/generate-security-headers.mjs\n`,
      )
      process.exit(1)
    }
    process.stdout.write('security-headers.conf is up to date\n')
  } else {
    writeFileSync(SECURITY_HEADERS_FILE, run.stdout)
    process.stdout.write(`wrote ${SECURITY_HEADERS_FILE}\n`)
  }
}
