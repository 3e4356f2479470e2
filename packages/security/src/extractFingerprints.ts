/**
 * The DTLS certificate fingerprints an SDP announces (`a=fingerprint:` lines, session or media level),
 * normalized (`sha-256 AB:CD:…`), without duplicates, sorted.
 *
 * @example
 * extractFingerprints(pc.localDescription!.sdp) // ['sha-256 4F:1A:…']
 */
export function extractFingerprints(sdp: string): string[] {
  const found = new Set<string>()
  for (const match of sdp.matchAll(/^a=fingerprint:(\S+) ([0-9a-f:]+)\s*$/gim)) {
    found.add(`${match[1]!.toLowerCase()} ${match[2]!.toUpperCase()}`)
  }
  return [...found].sort()
}
