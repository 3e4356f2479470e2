/** Directive names this package writes or checks (any other name is still accepted). */
export type CspDirectiveName =
  | 'default-src'
  | 'script-src'
  | 'script-src-elem'
  | 'script-src-attr'
  | 'style-src'
  | 'img-src'
  | 'font-src'
  | 'connect-src'
  | 'media-src'
  | 'worker-src'
  | 'child-src'
  | 'frame-src'
  | 'manifest-src'
  | 'object-src'
  | 'base-uri'
  | 'form-action'
  | 'frame-ancestors'
  | 'require-trusted-types-for'
  | 'trusted-types'
  | 'upgrade-insecure-requests'
  | 'report-uri'
  | 'report-to'

/** A policy's directives: name → source list (an empty list for value-less directives). */
export type CspDirectives = { readonly [name in CspDirectiveName]?: readonly string[] } & {
  readonly [name: string]: readonly string[] | undefined
}

/** How much a finding weakens the policy. */
export type CspSeverity = 'high' | 'medium' | 'low'

/** One weakness `validate()` found. */
export interface CspFinding {
  readonly severity: CspSeverity
  readonly directive: string
  readonly message: string
}
