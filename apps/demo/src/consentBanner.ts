import type { ConsentSnapshot } from '@marco/core'
import { readStoredChoice, type ConsentChoice } from './sdk'

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T

/**
 * The consent banner: shown until the user chooses (accept all / only crash reports / reject); the choice
 * goes to the client's one consent state and, only then, to localStorage. "Privacy" reopens it.
 */
export function startConsentBanner(choose: (choice: ConsentChoice) => void, onChange: () => void): void {
  const banner = $('consent-banner')
  const show = (open: boolean): void => {
    banner.hidden = !open
    document.body.classList.toggle('has-banner', open)
  }
  const pick = (choice: ConsentChoice) => () => {
    choose(choice)
    show(false)
    onChange()
  }
  $('consent-accept-all').addEventListener('click', pick('all'))
  $('consent-crash-only').addEventListener('click', pick('crash'))
  $('consent-reject').addEventListener('click', pick('none'))
  $('consent-settings').addEventListener('click', () => show(!!banner.hidden))
  show(!readStoredChoice())
}

/** The consent state at a glance: `analytics ✓ · crash ✓ · performance ✗`. */
export function describeConsent(snapshot: ConsentSnapshot): string {
  const mark = { granted: '✓', denied: '✗', pending: '…' } as const
  if (Object.values(snapshot).every((state) => state === 'pending')) return 'waiting for your choice'
  return (Object.keys(snapshot) as (keyof ConsentSnapshot)[])
    .map((category) => `${category} ${mark[snapshot[category]]}`)
    .join(' · ')
}
