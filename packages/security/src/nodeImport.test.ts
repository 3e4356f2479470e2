import { describe, expect, it } from 'vitest'

describe('@marco/security in plain Node', () => {
  it('imports without a window and runs its server and client parts', async () => {
    expect(typeof (globalThis as { window?: unknown }).window).toBe('undefined')
    const security = await import('./index')
    const headers = security.securityHeaders({ nonce: security.createNonce() })
    expect(headers['X-Frame-Options']).toBe('DENY')
    const session = new security.SessionManager({ refresh: async () => null, channelName: false })
    expect(await session.getToken()).toBeUndefined()
    session.stop()
    expect(security.startCspReporting(() => {}, { scope: {} })).toBeTypeOf('function')
    expect(security.isSafeUrl('javascript:x')).toBe(false)
  })
})
