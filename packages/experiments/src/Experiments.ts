import {
  createCoreContext,
  createEvent,
  type ConsentOptions,
  type CoreContext,
  type EventQueueOptions,
  type Feature,
  type GlobalScope,
  type OwnedCoreContext,
  type Teardown,
} from '@marco/core'
import { assignVariant } from './assignVariant'
import { loadDefinitions, saveDefinitions } from './definitionCache'
import { fetchDefinitions } from './fetchDefinitions'
import { isExperimentDefinition } from './isExperimentDefinition'
import { matchesAudience } from './matchesAudience'
import { readOverrides } from './readOverrides'
import {
  EXPOSURE_EVENT,
  type ExperimentDefinition,
  type ExperimentKey,
  type ExposurePayload,
  type VariantOf,
} from './types'

/** A coded key's variant names; with untyped (fetched) definitions, a string or `undefined` for an unknown key. */
export type VariantResult<D extends readonly ExperimentDefinition[], K extends string> =
  string extends ExperimentKey<D> ? string | undefined : VariantOf<D, K>

export interface ExperimentsOptions<D extends readonly ExperimentDefinition[]> {
  /** The experiments in code (`defineExperiment`); their keys and variant names type `variant()`. */
  experiments?: D
  /** Plain flags for `isOn` when no experiment of that key exists. */
  flags?: Readonly<Record<string, boolean>>
  /**
   * The id that is hashed: the analytics anonymous id, or the user id after `identify`. Without an id (no
   * consent yet) every experiment answers its control and records nothing.
   */
  id?: () => string | undefined
  /** Attributes the definitions' `audience` rules read (plan, platform, …). */
  attributes?: () => Record<string, unknown>
  /**
   * Where to fetch definitions (`/v1/experiments`). Fetched under `analytics` consent, stored for the next
   * page load, never applied to the page that fetched them.
   */
  definitionsUrl?: string
  /** Lets `?marco-exp=key:variant` force variants (QA). Default false. */
  allowOverride?: boolean
  /** localStorage key of the fetched definitions. Default `marco_experiments`. */
  storageKey?: string
  /** Used alone (`start()`): where the own queue sends, its options, consent, scope. */
  endpoint?: string
  queueOptions?: EventQueueOptions
  consent?: ConsentOptions
  scope?: GlobalScope
  /** Warnings on the console for unknown keys and invalid definitions. */
  debug?: boolean
}

/**
 * A/B tests and flags. `variant(key)` answers at once from the definitions the page has (code, then the
 * ones an earlier page fetched), by a deterministic hash of the experiment and the id: the same id gets the
 * same variant on every load and every device, and nothing about the assignment is stored. The first read
 * of an experiment in a session sends one `experiment_exposure` (category `analytics`, so nothing before that
 * consent); the variants read ride in every batch's context.
 *
 * @example
 * const smoothing = defineExperiment({ key: 'smoothing', variants: ['off', 'on'], weights: [1, 1] })
 * const experiments = new Experiments({ experiments: [smoothing], id: () => analyticsId() })
 * createMarcoClient({ endpoint: '/v1/batch', features: [new AnalyticsEngine(), experiments] }).start()
 * if (experiments.variant('smoothing') === 'on') smooth(stroke)
 */
export class Experiments<const D extends readonly ExperimentDefinition[] = readonly ExperimentDefinition[]>
  implements Feature
{
  readonly name = 'experiments'
  private _options: ExperimentsOptions<D>
  private _definitions = new Map<string, ExperimentDefinition>()
  /** Variants read this page, frozen: an `identify` later changes the id from the next page on. */
  private _assigned = new Map<string, string | undefined>()
  /** `session id + key` of the exposures sent. */
  private _exposed = new Set<string>()
  private _overrides = new Map<string, string>()
  private _context: CoreContext | undefined
  private _own: OwnedCoreContext | undefined
  private _teardown: Teardown | undefined
  /** The id each assigned experiment was hashed with (sent in its exposure, so the collector can verify). */
  private _ids = new Map<string, string>()
  private _warned = new Set<string>()

  constructor(options: ExperimentsOptions<D> = {}) {
    this._options = options
    this._add(options.experiments ?? [])
  }

  /** Reads the cached definitions and the QA override, sends the exposures consent allows; returns the teardown. */
  setup(context: CoreContext): Teardown {
    void this.stop()
    const { consent, scope, monitor } = context
    const options = this._options
    const key = options.storageKey ?? 'marco_experiments'
    this._context = context
    monitor.call(() => {
      if (options.allowOverride) this._overrides = readOverrides(scope.location?.search ?? '')
    })
    let fetched = false
    const onConsent = (): void => {
      if (!consent.isGranted('analytics')) {
        // Denied: what this feature stored goes, and so does what waits to be sent (the runtime purges too). Still
        // pending (a page whose banner is not answered yet): what an earlier page stored waits for the answer.
        if (consent.get('analytics') === 'denied') {
          context.queue.purge?.('analytics')
          saveDefinitions(scope, key, undefined)
          writeExposed(context, undefined)
        }
        return
      }
      // The definitions an earlier page stored, at the first grant (at setup, or when the banner is answered).
      // Coded definitions win: a fetched one of the same key applies only when its variants are the same.
      if (!fetched) this._add(loadDefinitions(scope, key), true)
      this._exposeAll()
      if (!fetched && options.definitionsUrl && scope.fetch) {
        fetchDefinitions(scope, options.definitionsUrl)
          .then(
            (definitions) => definitions && consent.isGranted('analytics') && saveDefinitions(scope, key, definitions),
          )
          .catch(monitor.report)
      }
      fetched = true
    }
    const unsubscribe = consent.subscribe(({ category }) => category === 'analytics' && monitor.call(onConsent))
    monitor.call(onConsent)
    this._teardown = () => {
      unsubscribe()
      this._context = undefined
    }
    return () => void this.stop()
  }

  /** Used alone, without the runtime: builds its own context and queue to `endpoint`, then sets up. */
  start(): Teardown {
    const { endpoint, consent, scope, debug, queueOptions } = this._options
    const own = createCoreContext({
      endpoint,
      consent,
      scope,
      debug,
      queueOptions: { context: () => this.batchContext(), ...queueOptions },
    })
    this.setup(own)
    this._own = own
    return () => void this.stop()
  }

  /** Sends what the own queue (`start()`) holds now. */
  async flush(): Promise<void> {
    await this._own?.flush().catch(this._own.monitor.report)
  }

  /**
   * Stops listening to consent; flushes and stops the own queue (resolves when it has), as `stop()` does in every
   * feature. Safe to call twice.
   */
  async stop(): Promise<void> {
    const teardown = this._teardown
    const own = this._own
    this._teardown = this._own = undefined
    teardown?.()
    await own?.stop().catch(own.monitor.report)
  }

  /**
   * The variant of an experiment for this id: the QA override, else the assignment, else the control
   * (`variants[0]`: outside the audience, namespace or traffic, no id yet, or an unknown key). Synchronous.
   */
  variant<K extends ExperimentKey<D>>(key: K): VariantResult<D, K> {
    return this._call(() => {
      const definition = this._definitions.get(key)
      if (!definition) return this._warn(`variant("${key}"): no experiment has this key`)
      const forced = this._overrides.get(key)
      if (forced && definition.variants.includes(forced)) return forced
      if (!this._assigned.has(key)) {
        const id = this._call(() => this._options.id?.())
        if (typeof id !== 'string' || !id) return definition.variants[0]
        const audience = matchesAudience(
          definition.audience,
          this._call(() => this._options.attributes?.()),
        )
        this._assigned.set(key, audience ? assignVariant(definition, id) : undefined)
        this._ids.set(key, id)
      }
      const assigned = this._assigned.get(key)
      if (assigned) this._expose(key)
      return assigned ?? definition.variants[0]
    }) as VariantResult<D, K>
  }

  /** A flag: true when the experiment of that key gives `'on'`, else the `flags` option's value. */
  isOn(flag: string): boolean {
    return this._definitions.has(flag)
      ? this.variant(flag as ExperimentKey<D>) === 'on'
      : this._options.flags?.[flag] === true
  }

  /** The variants read in this page (in the experiment, not forced), `{ key: variant }`. */
  assignments(): Record<string, string> {
    const active: Record<string, string> = {}
    for (const [key, variant] of this._assigned) if (variant) active[key] = variant
    return active
  }

  /** What every batch says once: the active assignments, under `analytics` consent. The runtime reads it. */
  batchContext(): Record<string, unknown> | undefined {
    const context = this._context ?? this._own
    const experiments = this.assignments()
    return context?.consent.isGranted('analytics') && Object.keys(experiments).length ? { experiments } : undefined
  }

  private _add(definitions: readonly ExperimentDefinition[], fetched?: boolean): void {
    if (!Array.isArray(definitions)) return this._warn('experiments must be a list: left out')
    for (const definition of definitions) {
      const known = this._definitions.get(definition.key)
      if (!isExperimentDefinition(definition))
        this._warn(
          `experiment "${String((definition as { key?: unknown } | undefined)?.key)}" is not a valid definition: left out`,
        )
      else if (!fetched || !known) this._definitions.set(definition.key, definition)
      // An experiment read already keeps the definition it was assigned by (its exposure names its weights).
      else if (
        !this._assigned.has(definition.key) &&
        known.variants.join('\u001f') === definition.variants.join('\u001f')
      )
        this._definitions.set(definition.key, definition)
    }
  }

  /** One exposure per experiment per session, only with `analytics` consent. */
  private _expose(key: string): void {
    const context = this._context
    if (!context || !context.consent.isGranted('analytics')) return
    const seen = context.sessionId() + '\u001f' + key
    // A reload in the same session must not count the session twice: the keys already exposed (never the
    // variants) are kept in the tab's sessionStorage, under analytics consent only.
    const stored = readExposed(context)
    // Assigned by another id than the app's now (a logout reset it): exposing it in this session would tie the new
    // anonymous session to the old user.
    if (
      this._exposed.has(seen) ||
      stored.includes(seen) ||
      this._call(() => this._options.id?.()) !== this._ids.get(key)
    )
      return
    this._exposed.add(seen)
    writeExposed(context, [...stored.slice(1 - MAX_EXPOSED), seen])
    const { variants, weights, coverage, seed, namespace } = this._definitions.get(key)!
    const payload = {
      experiment: key,
      variant: this._assigned.get(key)!,
      unitId: this._ids.get(key)!,
      variants,
      weights,
      coverage,
      seed,
      namespace,
    } satisfies ExposurePayload
    context.queue.push(createEvent(context, 'analytics', EXPOSURE_EVENT, payload))
  }

  /** The variants read before setup or consent are exposed once both are there. */
  private _exposeAll(): void {
    for (const [key, variant] of this._assigned) if (variant) this._expose(key)
  }

  private _call<T>(callback: () => T): T | undefined {
    try {
      return callback()
    } catch (error) {
      this._context?.monitor.report(error)
      return undefined
    }
  }

  /** One warning per message, in debug mode only (an unknown key may be read every frame). */
  private _warn(message: string): undefined {
    if (this._options.debug && !this._warned.has(message)) {
      this._warned.add(message)
      ;(this._options.scope ?? this._context?.scope ?? globalThis).console?.warn(`[marco] experiments: ${message}`)
    }
    return undefined
  }
}

/** sessionStorage key of the experiments exposed in this tab's sessions. */
const EXPOSED_KEY = 'marco_experiments_exposed'
/** Room for every definition a page can have (coded ones besides the stored `MAX_DEFINITIONS`). */
const MAX_EXPOSED = 500

function readExposed({ scope }: CoreContext): string[] {
  try {
    const list: unknown = JSON.parse(scope.sessionStorage?.getItem(EXPOSED_KEY) ?? '[]')
    return Array.isArray(list) ? list.filter((item): item is string => typeof item === 'string') : []
  } catch {
    return []
  }
}

function writeExposed({ scope }: CoreContext, list: string[] | undefined): void {
  try {
    if (list) scope.sessionStorage?.setItem(EXPOSED_KEY, JSON.stringify(list))
    else scope.sessionStorage?.removeItem(EXPOSED_KEY)
  } catch {
    // blocked storage: a reload may expose again; the collector counts a session once anyway
  }
}
