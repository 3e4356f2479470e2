import { readFileSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'

/**
 * The dashboard's own policy: nothing inline, nothing from elsewhere; its script and style are files served
 * beside it.
 */
export const DASHBOARD_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"

const FILES = {
  '/dashboard': ['dashboard.html', 'text/html; charset=utf-8'],
  '/dashboard.js': ['dashboard.js', 'text/javascript; charset=utf-8'],
  '/axis.js': ['axis.js', 'text/javascript; charset=utf-8'],
  '/dashboard.css': ['dashboard.css', 'text/css; charset=utf-8'],
} as const

/** Serves one dashboard path; returns whether it was one. */
export type DashboardHandler = (req: IncomingMessage, res: ServerResponse, path: string) => boolean

/**
 * Reads the dashboard's four files once (from `dashboard/` beside this module: `src/dashboard` when run
 * from source, `dist/dashboard` in the build) and serves them under the strict CSP, `no-cache` so a new
 * collector's page is picked up at once.
 *
 * @example
 * const dashboard = loadDashboard()
 * if (dashboard(req, res, '/dashboard')) return
 */
export function loadDashboard(dir = new URL('./dashboard/', import.meta.url)): DashboardHandler {
  const files = new Map(
    Object.entries(FILES).map(
      ([path, [file, type]]) => [path, { body: readFileSync(new URL(file, dir)), type }] as const,
    ),
  )
  return (req, res, path) => {
    const file = files.get(path)
    if (!file) return false
    res.writeHead(200, {
      'content-type': file.type,
      'content-length': file.body.length,
      'content-security-policy': DASHBOARD_CSP,
      'cache-control': 'no-cache',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
    })
    res.end(req.method === 'HEAD' ? undefined : file.body)
    return true
  }
}
