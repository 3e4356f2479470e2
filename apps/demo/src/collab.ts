/** A simulated collaborator: a real `RTCPeerConnection` pair inside the page, joined by a data channel. */
export interface Peer {
  readonly name: string
  readonly color: string
  /** This page's side of the connection (what `getStats()` is read from). */
  readonly connection: RTCPeerConnection
  open: boolean
}

export interface LoopbackOptions {
  /** A round trip of one operation: sent here, echoed by the peer, back here. */
  onRoundTrip(rttMs: number, peer: Peer): void
  onChange(): void
}

export interface Loopback {
  readonly peers: readonly Peer[]
  /** Sends one operation to every connected peer; returns how many it went to. */
  send(kind: string, data: unknown): number
  connected(): number
  close(): void
}

const PEERS = [
  { name: 'Ada', color: '#e8590c' },
  { name: 'Linus', color: '#2f9e44' },
]

interface Wire {
  t: 'op' | 'ack'
  id: number
  sentAt: number
  kind?: string
  data?: unknown
}

/**
 * Two simulated peers over real WebRTC: for each, two `RTCPeerConnection`s in this page exchange their
 * descriptions and ICE candidates directly (no signalling server) and open an ordered data channel. The
 * remote side echoes every operation back, so each one yields a real round trip through SCTP/DTLS/ICE.
 */
export function startLoopback(options: LoopbackOptions): Loopback {
  const peers: Peer[] = []
  const channels = new Map<Peer, RTCDataChannel>()
  const closers: (() => void)[] = []
  let nextId = 0

  for (const { name, color } of PEERS) {
    const local = new RTCPeerConnection()
    const remote = new RTCPeerConnection()
    const peer: Peer = { name, color, connection: local, open: false }
    peers.push(peer)
    local.addEventListener('icecandidate', (e) => e.candidate && remote.addIceCandidate(e.candidate).catch(() => {}))
    remote.addEventListener('icecandidate', (e) => e.candidate && local.addIceCandidate(e.candidate).catch(() => {}))
    local.addEventListener('connectionstatechange', options.onChange)
    const channel = local.createDataChannel('ops', { ordered: true })
    channel.addEventListener('open', () => {
      peer.open = true
      channels.set(peer, channel)
      options.onChange()
    })
    channel.addEventListener('close', () => {
      peer.open = false
      channels.delete(peer)
      options.onChange()
    })
    channel.addEventListener('message', (e) => {
      const message = parse(e.data)
      if (message?.t === 'ack') options.onRoundTrip(performance.now() - message.sentAt, peer)
    })
    // The simulated collaborator: applies nothing, acknowledges everything.
    remote.addEventListener('datachannel', ({ channel: echo }) => {
      echo.addEventListener('message', (e) => {
        const message = parse(e.data)
        if (message?.t === 'op' && echo.readyState === 'open')
          echo.send(JSON.stringify({ t: 'ack', id: message.id, sentAt: message.sentAt }))
      })
    })
    void (async () => {
      await local.setLocalDescription()
      await remote.setRemoteDescription(local.localDescription!)
      await remote.setLocalDescription()
      await local.setRemoteDescription(remote.localDescription!)
    })().catch((error: unknown) => console.warn(`[demo] peer ${name} could not connect`, error))
    closers.push(() => {
      channel.close()
      local.close()
      remote.close()
    })
  }

  return {
    peers,
    send(kind, data) {
      const text = JSON.stringify({ t: 'op', id: nextId++, sentAt: performance.now(), kind, data } satisfies Wire)
      let sent = 0
      for (const channel of channels.values()) {
        if (channel.readyState !== 'open') continue
        channel.send(text)
        sent++
      }
      return sent
    },
    connected: () => peers.filter((peer) => peer.open).length,
    close: () => closers.splice(0).forEach((close) => close()),
  }
}

function parse(data: unknown): Wire | undefined {
  try {
    const value = typeof data === 'string' ? (JSON.parse(data) as Wire) : undefined
    return value && typeof value.sentAt === 'number' ? value : undefined
  } catch {
    return undefined
  }
}
