import { globalScope, type GlobalScope } from './scope'
import type { Teardown } from './monitor'

/** The categories of data the SDK may collect. */
export const CONSENT_CATEGORIES = ['analytics', 'crash', 'performance'] as const
export type ConsentCategory = (typeof CONSENT_CATEGORIES)[number]

/** `pending`: not decided yet — nothing is stored or sent for the category until it is granted. */
export type ConsentState = 'granted' | 'denied' | 'pending'

export type ConsentSnapshot = Record<ConsentCategory, ConsentState>

export interface ConsentChange {
  readonly category: ConsentCategory
  readonly state: ConsentState
  readonly previous: ConsentState
}

export interface ConsentOptions {
  /** Initial states; every category not named starts `pending`. */
  defaults?: Partial<ConsentSnapshot>
  /**
   * When the browser sends Global Privacy Control (`navigator.globalPrivacyControl === true`), start
   * `analytics` as `denied` whatever the default. An explicit `grant()` later still wins: the user chose.
   */
  honorGlobalPrivacyControl?: boolean
  /** The same for the older Do-Not-Track signal (`navigator.doNotTrack === '1'`). */
  honorDoNotTrack?: boolean
  scope?: GlobalScope
}

/**
 * Per-category consent: `analytics`, `crash`, `performance`, each granted, denied or pending.
 * Subscribers hear every change; a subscriber that throws is skipped, never rethrown.
 *
 * @example
 * const consent = new Consent({ defaults: { crash: 'granted' }, honorGlobalPrivacyControl: true })
 * consent.subscribe(({ category, state }) => console.log(category, state))
 * consent.grant('analytics')
 * consent.isGranted('analytics') // true
 */
export class Consent {
  private _states: ConsentSnapshot
  private _listeners = new Set<(change: ConsentChange) => void>()

  constructor(options: ConsentOptions = {}) {
    const { defaults = {}, scope = globalScope } = options
    const states = { analytics: 'pending', crash: 'pending', performance: 'pending', ...defaults } as ConsentSnapshot
    if (
      (options.honorGlobalPrivacyControl && readSignal(scope, 'globalPrivacyControl') === true) ||
      (options.honorDoNotTrack && readSignal(scope, 'doNotTrack') === '1')
    ) {
      states.analytics = 'denied'
    }
    this._states = states
  }

  /** The state of one category. */
  get(category: ConsentCategory): ConsentState {
    return this._states[category] ?? 'pending'
  }

  /** Whether data of this category may be stored and sent now. */
  isGranted(category: ConsentCategory): boolean {
    return this._states[category] === 'granted'
  }

  /** A copy of every category's state. */
  snapshot(): ConsentSnapshot {
    return { ...this._states }
  }

  /** Sets one or more categories (every category when none is named). */
  set(state: ConsentState, categories: ConsentCategory | readonly ConsentCategory[] = CONSENT_CATEGORIES): void {
    for (const category of typeof categories === 'string' ? [categories] : categories) {
      const previous = this._states[category]
      if (previous === undefined || previous === state) continue
      this._states[category] = state
      for (const listener of [...this._listeners]) {
        try {
          listener({ category, state, previous })
        } catch {
          // a subscriber's error is its own; the others still hear the change
        }
      }
    }
  }

  /** Grants one or more categories (all when none is named). */
  grant(categories?: ConsentCategory | readonly ConsentCategory[]): void {
    this.set('granted', categories)
  }

  /** Denies one or more categories (all when none is named). Features purge what they hold for them. */
  deny(categories?: ConsentCategory | readonly ConsentCategory[]): void {
    this.set('denied', categories)
  }

  /** Hears every change; returns the unsubscribe. */
  subscribe(listener: (change: ConsentChange) => void): Teardown {
    this._listeners.add(listener)
    return () => {
      this._listeners.delete(listener)
    }
  }
}

function readSignal(scope: GlobalScope, name: 'globalPrivacyControl' | 'doNotTrack'): unknown {
  try {
    return (scope.navigator as Record<string, unknown> | undefined)?.[name]
  } catch {
    return undefined
  }
}
