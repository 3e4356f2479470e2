/** What one `RTCPeerConnection.getStats()` report says about the connection; a field it lacks is absent. */
export interface PeerStats {
  /** Round-trip time of the selected candidate pair (STUN consent checks), in ms. */
  rttMs?: number
  /** Packets lost, summed over the inbound RTP streams. */
  packetsLost?: number
  /** The largest inbound RTP jitter, in ms. */
  jitterMs?: number
  bytesSent?: number
  bytesReceived?: number
  /** The selected local candidate: `host`, `srflx`, `prflx` or `relay` (TURN). */
  candidateType?: string
  /** The selected remote candidate's type. */
  remoteCandidateType?: string
  /** The protocol to the TURN server (`udp`, `tcp`, `tls`) when relayed. */
  relayProtocol?: string
}

type Stats = Record<string, unknown> & { id?: string; type?: string }

/**
 * Reads a `getStats()` report (an `RTCStatsReport`, a `Map` or an array of stats): the selected candidate
 * pair (from the `transport` entry's `selectedCandidatePairId`, else the one marked `selected` as Firefox does,
 * else the first nominated succeeded pair), its RTT and candidate types; the bytes of the transports (of the pair
 * where there is no transport entry); and inbound RTP loss and jitter.
 *
 * @example
 * const stats = readRtcStats(await connection.getStats())
 * stats.candidateType === 'relay' // the call goes through TURN
 */
export function readRtcStats(report: { forEach(callback: (stats: Stats) => void): void }): PeerStats {
  const byId = new Map<unknown, Stats>()
  let pair: Stats | undefined
  let selectedId: unknown
  const out: PeerStats = {}
  report.forEach((stats) => {
    byId.set(stats.id, stats)
    if (stats.type === 'transport') {
      if (stats.selectedCandidatePairId) selectedId = stats.selectedCandidatePairId
      // The connection's bytes: a pair counts only its own, and the selected pair can change (a network change).
      if (typeof stats.bytesSent === 'number') out.bytesSent = (out.bytesSent ?? 0) + stats.bytesSent
      if (typeof stats.bytesReceived === 'number') out.bytesReceived = (out.bytesReceived ?? 0) + stats.bytesReceived
    }
    if (stats.type === 'candidate-pair' && (stats.selected || (stats.nominated && stats.state === 'succeeded')))
      if (!pair || (stats.selected && !pair.selected)) pair = stats
    if (stats.type === 'inbound-rtp') {
      if (typeof stats.packetsLost === 'number') out.packetsLost = (out.packetsLost ?? 0) + stats.packetsLost
      if (typeof stats.jitter === 'number') out.jitterMs = Math.max(out.jitterMs ?? 0, stats.jitter * 1000)
    }
  })
  pair = (selectedId !== undefined && byId.get(selectedId)) || pair
  if (pair) {
    if (typeof pair.currentRoundTripTime === 'number') out.rttMs = pair.currentRoundTripTime * 1000
    // No transport entry (Firefox): the selected pair's bytes.
    if (typeof pair.bytesSent === 'number') out.bytesSent ??= pair.bytesSent
    if (typeof pair.bytesReceived === 'number') out.bytesReceived ??= pair.bytesReceived
    const local = byId.get(pair.localCandidateId)
    const remote = byId.get(pair.remoteCandidateId)
    if (typeof local?.candidateType === 'string') out.candidateType = local.candidateType
    if (typeof local?.relayProtocol === 'string') out.relayProtocol = local.relayProtocol
    if (typeof remote?.candidateType === 'string') out.remoteCandidateType = remote.candidateType
  }
  return out
}
