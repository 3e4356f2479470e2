import { describe, expect, it } from 'vitest'
import { readRtcStats } from './readRtcStats'
import {
  CHROME_AUDIO_CALL_VIA_TURN,
  CHROME_DATA_CHANNEL_HOST,
  CHROME_PAIR_SWITCHED,
  FIREFOX_SELECTED_PAIR,
} from './rtcStatsFixtures'

describe('readRtcStats', () => {
  it('reads the selected pair of a Chrome call relayed through TURN: RTT, bytes, loss, jitter, candidate types', () => {
    expect(readRtcStats(new Map(CHROME_AUDIO_CALL_VIA_TURN.map((stats) => [stats.id, stats])))).toEqual({
      rttMs: 48,
      bytesSent: 182_340,
      bytesReceived: 175_112,
      packetsLost: 14,
      jitterMs: 12,
      candidateType: 'relay',
      relayProtocol: 'udp',
      remoteCandidateType: 'srflx',
    })
  })

  it('reads a data-channel-only connection between host candidates recorded in Chromium: no RTP, so no loss or jitter', () => {
    const stats = readRtcStats(CHROME_DATA_CHANNEL_HOST)
    expect(stats).toEqual({
      rttMs: 0,
      bytesSent: 2_451,
      bytesReceived: 2_482,
      candidateType: 'host',
      remoteCandidateType: 'host',
    })
    expect('packetsLost' in stats).toBe(false)
  })

  it("counts the connection's bytes from its transport after the selected pair changed (the new pair has sent none)", () => {
    expect(readRtcStats(CHROME_PAIR_SWITCHED)).toEqual({
      rttMs: 3,
      bytesSent: 2_273,
      bytesReceived: 2_382,
      candidateType: 'host',
      remoteCandidateType: 'host',
    })
  })

  it('finds the pair Firefox marks `selected` when there is no transport entry', () => {
    expect(readRtcStats(FIREFOX_SELECTED_PAIR)).toMatchObject({
      rttMs: 23,
      candidateType: 'srflx',
      remoteCandidateType: 'host',
    })
  })

  it('does not take a pair that failed or was not nominated', () => {
    const pairs = CHROME_DATA_CHANNEL_HOST.filter((stats) => stats.type !== 'transport').map((stats) =>
      stats.type === 'candidate-pair' ? { ...stats, state: 'failed' } : stats,
    )
    expect(readRtcStats(pairs)).toEqual({})
  })

  it('gives an empty reading for an empty report (a closed connection)', () => {
    expect(readRtcStats(new Map())).toEqual({})
  })
})
