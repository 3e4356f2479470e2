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

describe('WebRTC stats', () => {
  it('reads the pair Firefox marks selected even when an earlier nominated pair is listed first', () => {
    const report = [
      {
        id: 'old',
        type: 'candidate-pair',
        localCandidateId: 'l0',
        remoteCandidateId: 'r0',
        state: 'succeeded',
        nominated: true,
        selected: false,
        currentRoundTripTime: 0.4,
      },
      {
        id: 'new',
        type: 'candidate-pair',
        localCandidateId: 'l1',
        remoteCandidateId: 'r1',
        state: 'succeeded',
        nominated: true,
        selected: true,
        currentRoundTripTime: 0.023,
      },
      { id: 'l0', type: 'local-candidate', candidateType: 'host' },
      { id: 'r0', type: 'remote-candidate', candidateType: 'host' },
      { id: 'l1', type: 'local-candidate', candidateType: 'relay', relayProtocol: 'tcp' },
      { id: 'r1', type: 'remote-candidate', candidateType: 'srflx' },
    ]
    expect(readRtcStats(report)).toMatchObject({ rttMs: 23, candidateType: 'relay', relayProtocol: 'tcp' })
  })
})
