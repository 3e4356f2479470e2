import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AnalyticsEngine } from '@marco/analytics'
import { CrashReporter } from '@marco/crash-reporter'
import { createFakeScope, startTestCollector, type TestCollector } from '@marco/testing'
import { createMarcoClient } from './createMarcoClient'

let collector: TestCollector
beforeEach(async () => {
  collector = await startTestCollector()
})
afterEach(() => collector.close())

/**
 * Personal data and secrets planted in every input an app hands the SDK or the page exposes to it. None of
 * these strings may appear in any request body the collector receives.
 */
const SECRETS = {
  pageToken: 'page-secret-7c1d',
  pageSession: 'JSESSION0A1B2C3D',
  titleEmail: 'ada.lovelace@example.org',
  referrerEmail: 'grace%40example.net',
  trackEmail: 'linus@example.com',
  pageNameEmail: 'margaret@example.io',
  userEmail: 'jane.doe@example.com',
  traitPhone: '+44 20 7946 0958',
  propertyCard: '4111.1111.1111.1111',
  propertyBearer: 'bearer:s3cr3tTOKENvalue',
  messageJwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2lnbmF0dXJl',
  messageEmail: 'john%40example.org',
  stackToken: 'stack-secret-1',
  stackEmail: 'frame%40example.org',
  extraAccessToken: 'opaque-access-5e6f',
  idnEmail: 'jörg@bücher.example',
}

describe('no planted secret leaves the SDK', () => {
  it('scrubs page, title, referrer, track and page names, user ids, traits, properties, messages, stacks and fingerprints', async () => {
    const document = {
      title: `Board shared with ${SECRETS.titleEmail}`,
      referrer: `https://mail.example/?from=${SECRETS.referrerEmail}`,
      visibilityState: 'visible',
    }
    const scope = createFakeScope({
      overrides: {
        fetch,
        console,
        document,
        location: new URL(
          `https://marco.example/board;jsessionid=${SECRETS.pageSession}?token=${SECRETS.pageToken}&view=grid`,
        ),
      },
    })
    const marco = createMarcoClient({
      endpoint: collector.endpoint,
      scope,
      queue: { storage: false },
      consent: { defaults: { analytics: 'granted', crash: 'granted' } },
      features: [new AnalyticsEngine(), new CrashReporter({ globalHandlers: false, breadcrumbs: false })],
    }).start()
    const analytics = marco.get(AnalyticsEngine)!
    const crash = marco.get(CrashReporter)!
    analytics.identify(SECRETS.userEmail, { phone: SECRETS.traitPhone, plan: 'pro' })
    analytics.track(
      `invite sent to ${SECRETS.trackEmail}` as never,
      { note: `card ${SECRETS.propertyCard}`, header: `authorization ${SECRETS.propertyBearer}` } as never,
    )
    analytics.page(`Profile of ${SECRETS.pageNameEmail}`)
    analytics.track('search' as never, { query: `${SECRETS.idnEmail}` } as never)
    const error = new Error(`save failed for ${SECRETS.messageEmail} with ${SECRETS.messageJwt}`)
    error.stack = [
      `Error: save failed`,
      `    at save (https://marco.example/assets/main.js?token=${SECRETS.stackToken}&email=${SECRETS.stackEmail}:5:50)`,
      `    at onClick (https://marco.example/assets/main.js?token=${SECRETS.stackToken}:9:12)`,
    ].join('\n')
    crash.captureException(error, { extra: { url: `https://api.example/v1?access_token=${SECRETS.extraAccessToken}` } })
    await marco.shutdown()

    const bodies = collector.requests.map((request) => JSON.stringify(request.body))
    expect(bodies.length).toBeGreaterThan(0)
    const types = collector.requests.flatMap((request) =>
      (request.body as { events: { type: string }[] }).events.map((event) => event.type),
    )
    expect(types).toEqual(expect.arrayContaining(['identify', 'track', 'page', 'exception']))
    for (const [name, secret] of Object.entries(SECRETS)) {
      for (const body of bodies)
        expect(body.includes(secret) || body.includes(encodeURIComponent(secret)), name).toBe(false)
    }
    // What is not personal still arrives.
    expect(bodies.join('')).toContain('view=grid')
    expect(bodies.join('')).toContain('"plan":"pro"')
  })
})
