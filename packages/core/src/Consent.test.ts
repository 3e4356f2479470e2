import { describe, expect, it } from 'vitest'
import { Consent, type ConsentChange } from './Consent'

describe('Consent', () => {
  it('starts every category pending unless a default says otherwise', () => {
    const consent = new Consent({ defaults: { crash: 'granted' } })
    expect(consent.snapshot()).toEqual({ analytics: 'pending', crash: 'granted', performance: 'pending' })
    expect(consent.isGranted('crash')).toBe(true)
    expect(consent.isGranted('analytics')).toBe(false)
  })

  it('grants, denies and reports each change once to every subscriber', () => {
    const consent = new Consent()
    const changes: ConsentChange[] = []
    const stop = consent.subscribe((change) => changes.push(change))
    consent.grant('analytics')
    consent.grant('analytics')
    consent.deny(['analytics', 'performance'])
    stop()
    consent.grant()
    expect(changes).toEqual([
      { category: 'analytics', state: 'granted', previous: 'pending' },
      { category: 'analytics', state: 'denied', previous: 'granted' },
      { category: 'performance', state: 'denied', previous: 'pending' },
    ])
    expect(consent.snapshot()).toEqual({ analytics: 'granted', crash: 'granted', performance: 'granted' })
  })

  it('keeps notifying the other subscribers when one throws', () => {
    const consent = new Consent()
    const heard: string[] = []
    consent.subscribe(() => {
      throw new Error('subscriber broke')
    })
    consent.subscribe(({ category }) => heard.push(category))
    expect(() => consent.grant('crash')).not.toThrow()
    expect(heard).toEqual(['crash'])
  })

  it('denies analytics under Global Privacy Control when configured to honour it', () => {
    const scope = { navigator: { globalPrivacyControl: true } as unknown as Navigator }
    expect(new Consent({ scope, defaults: { analytics: 'granted' } }).get('analytics')).toBe('granted')
    const honoring = new Consent({
      scope,
      defaults: { analytics: 'granted', crash: 'granted' },
      honorGlobalPrivacyControl: true,
    })
    expect(honoring.get('analytics')).toBe('denied')
    expect(honoring.get('crash')).toBe('granted')
    honoring.grant('analytics')
    expect(honoring.isGranted('analytics')).toBe(true)
  })

  it('denies analytics under Do-Not-Track only when configured to honour it', () => {
    const scope = { navigator: { doNotTrack: '1' } as unknown as Navigator }
    expect(new Consent({ scope, honorDoNotTrack: true }).get('analytics')).toBe('denied')
    expect(new Consent({ scope }).get('analytics')).toBe('pending')
  })

  it('ignores an unknown category instead of throwing', () => {
    const consent = new Consent()
    expect(() => consent.grant('marketing' as never)).not.toThrow()
    expect(Object.keys(consent.snapshot())).toEqual(['analytics', 'crash', 'performance'])
  })
})
