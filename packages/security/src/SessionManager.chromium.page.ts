// The page of SessionManager.chromium.test.ts: a session over the test server's refresh cookie stand-in
// (`/auth/refresh` answers a token, or 401 once the session is revoked), shared on the origin's session channel.
import { SessionManager, type SessionEventType } from '@marco/security'

declare global {
  interface Window {
    marcoSession: { token(): Promise<string | undefined>; logout(): Promise<void>; events: SessionEventType[] }
  }
}

const events: SessionEventType[] = []
const session = new SessionManager({
  refresh: async () => {
    const response = await fetch('/auth/refresh', { method: 'POST' })
    if (response.status === 401) return null
    if (!response.ok) throw new Error(`refresh: HTTP ${response.status}`)
    return response.text()
  },
  revoke: () => fetch('/auth/logout', { method: 'POST' }),
})
for (const type of ['change', 'expired', 'logout'] as const) session.on(type, () => events.push(type))
window.marcoSession = { token: () => session.getToken(), logout: () => session.logout(), events }
