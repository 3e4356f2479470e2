// What the origin's other tabs, a wrong clock, stored data from elsewhere, a hostile argument or another library's
// history wrapper cannot do to analytics: each case was a defect, and each test fails without its fix.
import { describe, expect, it } from 'vitest'
import { createFakeContext, createFakeScope, createMemoryStorage, type FakeContext } from '@marco/testing'
import { AnalyticsEngine } from './AnalyticsEngine'

const MINUTE = 60_000
const HOUR = 60 * MINUTE

function setup(options: ConstructorParameters<typeof AnalyticsEngine>[0] = {}, context: FakeContext = granted()) {
  const engine = new AnalyticsEngine({ autoPageViews: false, ...options })
  const teardown = engine.setup(context)
  return { engine, context, teardown }
}

function granted(scope = createFakeScope()): FakeContext {
  return createFakeContext({ scope, consent: { defaults: { analytics: 'granted' } } })
}

/** A location and history that behave like a browser's for pushState/replaceState, without a DOM. */
function historyScope(start = 'https://marco.test/a') {
  const location = { href: start }
  const history = {
    pushState(_state: unknown, _title: string, url?: string | URL | null) {
      if (url != null) location.href = new URL(String(url), location.href).href
    },
    replaceState(_state: unknown, _title: string, url?: string | URL | null) {
      if (url != null) location.href = new URL(String(url), location.href).href
    },
  }
  const scope = createFakeScope({ overrides: { location, history } })
  return { scope, history, location }
}

describe('session numbers', () => {
  it('never reports a negative session duration when the wall clock goes backwards', () => {
    const { engine, context } = setup()
    engine.track('a')
    const start = context.clock.now()
    // The user's clock is corrected back by ten minutes (NTP, a manual change, a VM resume).
    context.clock.setNow(start - 10 * MINUTE)
    engine.track('b')
    // Idle past the time-out by either clock reading.
    context.clock.advance(41 * MINUTE)
    engine.track('c')
    const end = context.queue.ofType('session_end')[0]!
    expect(end.payload.durationMs as number).toBeGreaterThanOrEqual(0)
  })

  it('does not adopt a stored session that starts in the future (tampered or skewed storage)', () => {
    const storage = createMemoryStorage()
    const context = granted(createFakeScope({ localStorage: storage }))
    const now = context.clock.now()
    storage.setItem(
      'marco_analytics',
      JSON.stringify({ aid: 'aid-1', sid: 'sid-future', start: now + 10 * 24 * HOUR, last: now + 10 * 24 * HOUR }),
    )
    const { engine } = setup({}, context)
    engine.track('a')
    context.clock.advance(31 * MINUTE)
    engine.track('b')
    for (const end of context.queue.ofType('session_end')) {
      expect(end.payload.durationMs as number).toBeGreaterThanOrEqual(0)
    }
  })

  it('closes a stored session that passed maxSessionMs while no page was open with reason max_age', () => {
    const storage = createMemoryStorage()
    const context = granted(createFakeScope({ localStorage: storage }))
    const now = context.clock.now()
    // Active until five minutes ago, but started 25 hours ago: over the 24 h maximum, not idle.
    storage.setItem(
      'marco_analytics',
      JSON.stringify({ aid: 'aid-1', sid: 'sid-old', start: now - 25 * HOUR, last: now - 5 * MINUTE }),
    )
    setup({}, context)
    const end = context.queue.ofType('session_end')[0]!
    expect(end.sessionId).toBe('sid-old')
    expect(end.payload.reason).toBe('max_age')
  })
})

describe('stored identity', () => {
  it('does not send a stored user id that is personal data (written by an older version or tampered) unscrubbed', () => {
    const storage = createMemoryStorage()
    const context = granted(createFakeScope({ localStorage: storage }))
    const now = context.clock.now()
    storage.setItem(
      'marco_analytics',
      JSON.stringify({ aid: 'aid-1', sid: 'sid-1', start: now - MINUTE, last: now - MINUTE, uid: 'ada@example.com' }),
    )
    const { engine } = setup({}, context)
    engine.track('a')
    const track = context.queue.ofType('track')[0]!
    expect(JSON.stringify(track.payload)).not.toContain('ada@example.com')
  })

  it('does not let another open tab undo reset(): the next page load carries neither the old user nor the old id', () => {
    const storage = createMemoryStorage()
    const tabA = setup({}, granted(createFakeScope({ localStorage: storage })))
    tabA.engine.identify('user-1')
    const oldAid = tabA.context.queue.ofType('identify')[0]!.payload.anonymousId
    // A second tab opens within the session and continues it.
    const tabB = setup({}, granted(createFakeScope({ localStorage: storage })))
    tabB.context.clock.setNow(tabA.context.clock.now() + MINUTE)
    tabB.engine.track('b')
    // The user logs out in tab A (shared computer).
    tabA.context.clock.setNow(tabA.context.clock.now() + 2 * MINUTE)
    tabA.engine.reset()
    // Tab B is merely hidden later (it is in the background).
    tabB.context.clock.setNow(tabA.context.clock.now() + MINUTE)
    tabB.context.scope.dispatch('pagehide')
    // The next page load in this browser.
    const tabC = setup({}, granted(createFakeScope({ localStorage: storage })))
    tabC.context.clock.setNow(tabA.context.clock.now() + 2 * MINUTE)
    tabC.engine.track('c')
    const track = tabC.context.queue.ofType('track')[0]!
    expect(track.payload.userId).toBeUndefined()
    expect(track.payload.anonymousId).not.toBe(oldAid)
  })

  it('does not end a session as idle in one tab while the user was active in it in another tab', () => {
    const storage = createMemoryStorage()
    const tabA = setup({}, granted(createFakeScope({ localStorage: storage })))
    tabA.engine.track('a')
    const sid = tabA.engine.sessionId()
    const t0 = tabA.context.clock.now()
    const tabB = setup({}, granted(createFakeScope({ localStorage: storage })))
    tabB.context.clock.setNow(t0)
    expect(tabB.engine.sessionId()).toBe(sid)
    // The user works in tab B for 40 minutes (activity every 10 minutes, stored each time).
    for (let i = 1; i <= 4; i++) {
      tabB.context.clock.setNow(t0 + i * 10 * MINUTE)
      tabB.engine.track('busy')
    }
    // Then switches back to tab A.
    tabA.context.clock.setNow(t0 + 41 * MINUTE)
    tabA.engine.track('back')
    expect(tabA.context.queue.ofType('session_end')).toHaveLength(0)
    expect(tabA.engine.sessionId()).toBe(sid)
  })
})

describe('hostile input never throws', () => {
  it('does not throw into the page when properties are a revoked Proxy', () => {
    const { engine, context } = setup()
    const { proxy, revoke } = Proxy.revocable({}, {})
    revoke()
    expect(() => engine.track('a', proxy as never)).not.toThrow()
    expect(() => engine.setSuperProperties(proxy as never)).not.toThrow()
    expect(() => engine.page('p', proxy as never)).not.toThrow()
    expect(() => engine.identify('user-1', proxy as never)).not.toThrow()
    expect(context.queue.ofType('track')).toHaveLength(1)
  })
})

describe('history patching', () => {
  it('sends one page view per pushState after a stop and a new setup, when another library wrapped pushState after us', () => {
    const { scope, history } = historyScope()
    const engine = new AnalyticsEngine()
    const first = granted(scope)
    const teardown = engine.setup(first)
    // Another library (a router, another analytics tool) wraps pushState after the engine did.
    const ours = history.pushState
    history.pushState = function (this: unknown, ...args: Parameters<typeof ours>) {
      return ours.apply(this, args)
    }
    teardown()
    // The runtime sets the engine up again (or a new context is given).
    const second = granted(scope)
    engine.setup(second)
    second.queue.clear()
    history.pushState(null, '', '/b')
    expect(second.queue.ofType('page')).toHaveLength(1)
  })

  it('leaves nothing running after stop when another library wrapped pushState after us (used alone)', async () => {
    const { scope, history } = historyScope()
    const engine = new AnalyticsEngine({ endpoint: 'https://collector.invalid/v1/batch', scope })
    engine.start()
    const ours = history.pushState
    history.pushState = function (this: unknown, ...args: Parameters<typeof ours>) {
      return ours.apply(this, args)
    }
    await engine.stop()
    expect(scope.listenerCount()).toBe(0)
    history.pushState(null, '', '/b')
    // The SPA navigates after analytics was stopped: analytics must not come back to life.
    expect(scope.listenerCount()).toBe(0)
    await engine.stop()
  })
})
