// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest'
import { createMonitor, type GlobalScope } from '@marco/core'
import { startPageViews } from './startPageViews'

describe('startPageViews (History API, where the Navigation API is missing)', () => {
  let stop = () => {}
  afterEach(() => {
    stop()
    history.replaceState(null, '', '/')
  })

  it('sees pushState and popstate, never replaceState or a hash change, and restores history on stop', async () => {
    const { pushState, replaceState } = history
    const seen: string[] = []
    stop = startPageViews(window as unknown as GlobalScope, createMonitor(), (url) =>
      seen.push(new URL(url).pathname + new URL(url).search),
    )
    history.pushState(null, '', '/boards/1')
    history.replaceState(null, '', '/boards/1?zoom=2')
    history.pushState(null, '', '/boards/1?zoom=2#layer-3')
    history.pushState(null, '', '/boards/2')
    history.back()
    await new Promise((resolve) => window.addEventListener('popstate', resolve, { once: true }))
    expect(seen).toEqual(['/boards/1', '/boards/2', '/boards/1?zoom=2'])
    // The wrappers return what the originals return and keep their effect.
    expect(history.pushState(null, '', '/x')).toBeUndefined()
    expect(location.pathname).toBe('/x')
    stop()
    expect(history.pushState).toBe(pushState)
    expect(history.replaceState).toBe(replaceState)
  })

  it('leaves a wrapper installed after its own in place on stop', () => {
    const mine = startPageViews(window as unknown as GlobalScope, createMonitor(), () => {})
    const later = history.pushState
    const theirs = function (this: History, ...args: Parameters<History['pushState']>) {
      return later.apply(this, args)
    }
    history.pushState = theirs
    mine()
    expect(history.pushState).toBe(theirs)
    history.pushState = later
  })

  it('uses the Navigation API where it exists: push and traverse count, replace does not', () => {
    const navigation = new EventTarget()
    const scope = {
      location: new URL('https://marco.test/a') as unknown as Location,
      navigation,
    } as unknown as GlobalScope
    const seen: string[] = []
    stop = startPageViews(scope, createMonitor(), (url) => seen.push(url))
    const navigate = (url: string, navigationType: string, sameDocument = true) =>
      navigation.dispatchEvent(
        Object.assign(new Event('navigate'), { navigationType, destination: { url, sameDocument } }),
      )
    navigate('https://marco.test/b', 'push')
    navigate('https://marco.test/b?q=1', 'replace')
    navigate('https://marco.test/c', 'push', false)
    navigate('https://marco.test/a', 'traverse')
    navigate('https://marco.test/a#x', 'push')
    expect(seen).toEqual(['https://marco.test/b', 'https://marco.test/a'])
  })
})
