/** A value an audience rule compares an attribute with. */
export type AudienceValue = string | number | boolean

/**
 * One experiment (or a flag: variants `['off', 'on']`). `variants[0]` is the control: what anyone outside
 * the experiment (audience, namespace, traffic) gets, with no exposure recorded.
 */
export interface ExperimentDefinition<K extends string = string, V extends readonly string[] = readonly string[]> {
  readonly key: K
  readonly variants: V
  /** Relative weight of each variant (normalized); equal when left out. */
  readonly weights?: readonly number[]
  /** Share of ids that enter the experiment at all, in [0, 1]; default 1. */
  readonly coverage?: number
  /** Mixed into the hash; change it to reshuffle everyone (default `''`). */
  readonly seed?: string
  /**
   * Mutual exclusion: experiments of one namespace whose `[start, end)` ranges do not overlap never share an
   * id (the id's position in the namespace is its own hash of the namespace name).
   */
  readonly namespace?: { readonly name: string; readonly start: number; readonly end: number }
  /** Attributes an id must have (each equal to the value, or one of the values listed) to enter. */
  readonly audience?: Readonly<Record<string, AudienceValue | readonly AudienceValue[]>>
}

/** The keys of a list of definitions. */
export type ExperimentKey<D extends readonly ExperimentDefinition[]> = D[number]['key']

/** The variant names of the experiment `K` in a list of definitions. */
export type VariantOf<D extends readonly ExperimentDefinition[], K extends string> = Extract<
  D[number],
  { readonly key: K }
>['variants'][number]

/** The payload of an `experiment_exposure` event (category `analytics`). */
export interface ExposurePayload {
  readonly experiment: string
  readonly variant: string
  /** The id that was hashed (the analytics anonymous id, or the user id after `identify`). */
  readonly unitId: string
  readonly variants: readonly string[]
  readonly weights?: readonly number[]
  readonly coverage?: number
  readonly seed?: string
  readonly namespace?: ExperimentDefinition['namespace']
}

/** The event type of an exposure. */
export const EXPOSURE_EVENT = 'experiment_exposure'
