// getStats() reports for readRtcStats' tests: one recorded from Chromium here, the others written with the
// field names and units Chrome and Firefox report. Test data only: nothing in the package imports this file.

/** Chrome, an audio call relayed through a TURN server over UDP. */
export const CHROME_AUDIO_CALL_VIA_TURN = [
  { id: 'T01', type: 'transport', timestamp: 1764417600000, bytesSent: 182340, bytesReceived: 175112, dtlsState: 'connected', iceState: 'connected', selectedCandidatePairId: 'CPa1b2_c3d4', selectedCandidatePairChanges: 1 },
  { id: 'CPa1b2_c3d4', type: 'candidate-pair', timestamp: 1764417600000, transportId: 'T01', localCandidateId: 'Ia1b2', remoteCandidateId: 'Ic3d4', state: 'succeeded', nominated: true, bytesSent: 182340, bytesReceived: 175112, totalRoundTripTime: 0.96, currentRoundTripTime: 0.048, availableOutgoingBitrate: 1200000, requestsReceived: 21, requestsSent: 21, responsesReceived: 20, responsesSent: 21 },
  // A pair that was checked but lost the nomination: its higher RTT must not be read.
  { id: 'CPe5f6_c3d4', type: 'candidate-pair', timestamp: 1764417600000, transportId: 'T01', localCandidateId: 'Ie5f6', remoteCandidateId: 'Ic3d4', state: 'succeeded', nominated: false, currentRoundTripTime: 0.12, bytesSent: 0, bytesReceived: 0 },
  { id: 'Ia1b2', type: 'local-candidate', timestamp: 1764417600000, transportId: 'T01', address: '203.0.113.50', port: 49152, protocol: 'udp', candidateType: 'relay', priority: 41885439, relayProtocol: 'udp', url: 'turn:turn.example.com:3478?transport=udp' },
  { id: 'Ie5f6', type: 'local-candidate', timestamp: 1764417600000, transportId: 'T01', address: '198.51.100.7', port: 53211, protocol: 'udp', candidateType: 'srflx', priority: 1686052607 },
  { id: 'Ic3d4', type: 'remote-candidate', timestamp: 1764417600000, transportId: 'T01', address: '192.0.2.44', port: 61020, protocol: 'udp', candidateType: 'srflx', priority: 1686052607 },
  { id: 'IT01A1234', type: 'inbound-rtp', timestamp: 1764417600000, ssrc: 1234, kind: 'audio', transportId: 'T01', codecId: 'CIT01_111', packetsReceived: 1500, packetsLost: 9, jitter: 0.012, bytesReceived: 170000 },
  { id: 'IT01A5678', type: 'inbound-rtp', timestamp: 1764417600000, ssrc: 5678, kind: 'audio', transportId: 'T01', codecId: 'CIT01_111', packetsReceived: 300, packetsLost: 5, jitter: 0.004, bytesReceived: 5112 },
  { id: 'OT01A9999', type: 'outbound-rtp', timestamp: 1764417600000, ssrc: 9999, kind: 'audio', transportId: 'T01', packetsSent: 1520, bytesSent: 180000 },
  { id: 'RIA9999', type: 'remote-inbound-rtp', timestamp: 1764417600000, ssrc: 9999, kind: 'audio', roundTripTime: 0.051, packetsLost: 3, jitter: 0.002 },
  { id: 'CIT01_111', type: 'codec', timestamp: 1764417600000, mimeType: 'audio/opus', clockRate: 48000, payloadType: 111 },
]

/**
 * Recorded: Chromium 156.0.8078.108 headless, two peers on one page with a data channel only (host candidates),
 * `getStats()` of the offering side (certificate entries left out). Its RTT reads 0: loopback.
 */
export const CHROME_DATA_CHANNEL_HOST = [
  {"id": "CP6EX6nt+o_eJJ7L9Hh", "timestamp": 1795956315169.592, "type": "candidate-pair", "bytesDiscardedOnSend": 0, "bytesReceived": 0, "bytesSent": 0, "consentRequestsSent": 0, "localCandidateId": "I6EX6nt+o", "nominated": false, "packetsDiscardedOnSend": 0, "packetsReceived": 0, "packetsSent": 0, "priority": 9079290933572287000, "remoteCandidateId": "IeJJ7L9Hh", "requestsReceived": 0, "requestsSent": 0, "responsesReceived": 0, "responsesSent": 0, "state": "waiting", "totalRoundTripTime": 0, "transportId": "T01", "writable": false},
  {"id": "CPvcSnWJux_9+1OKpoA", "timestamp": 1795956315169.592, "type": "candidate-pair", "bytesDiscardedOnSend": 0, "bytesReceived": 2482, "bytesSent": 2451, "consentRequestsSent": 2, "currentRoundTripTime": 0, "lastPacketReceivedTimestamp": 1795956314870, "lastPacketSentTimestamp": 1795956314869, "localCandidateId": "IvcSnWJux", "nominated": true, "packetsDiscardedOnSend": 0, "packetsReceived": 12, "packetsSent": 14, "priority": 9079312923804853000, "remoteCandidateId": "I9+1OKpoA", "requestsReceived": 3, "requestsSent": 3, "responsesReceived": 3, "responsesSent": 3, "state": "succeeded", "totalRoundTripTime": 0.002, "transportId": "T01", "writable": true},
  {"id": "D1", "timestamp": 1795956315169.592, "type": "data-channel", "bytesReceived": 0, "bytesSent": 15, "dataChannelIdentifier": 1, "label": "ops", "messagesReceived": 0, "messagesSent": 5, "protocol": "", "state": "open"},
  {"id": "I6EX6nt+o", "timestamp": 1795956315169.592, "type": "local-candidate", "address": "", "candidateType": "host", "foundation": "1818736531", "ip": "", "isRemote": false, "networkType": "unknown", "port": 34991, "priority": 2113937151, "protocol": "udp", "transportId": "T01", "usernameFragment": "OzQN"},
  {"id": "I9+1OKpoA", "timestamp": 1795956315169.592, "type": "remote-candidate", "address": "", "candidateType": "host", "foundation": "2966151480", "ip": "", "isRemote": true, "port": 37796, "priority": 2113942271, "protocol": "udp", "transportId": "T01", "usernameFragment": "Kf9w"},
  {"id": "IeJJ7L9Hh", "timestamp": 1795956315169.592, "type": "remote-candidate", "address": "", "candidateType": "host", "foundation": "3082390920", "ip": "", "isRemote": true, "port": 58688, "priority": 2113937151, "protocol": "udp", "transportId": "T01", "usernameFragment": "Kf9w"},
  {"id": "IvcSnWJux", "timestamp": 1795956315169.592, "type": "local-candidate", "address": "", "candidateType": "host", "foundation": "2801890931", "ip": "", "isRemote": false, "networkType": "unknown", "port": 44147, "priority": 2113942271, "protocol": "udp", "transportId": "T01", "usernameFragment": "OzQN"},
  {"id": "P", "timestamp": 1795956315169.592, "type": "peer-connection", "dataChannelsClosed": 0, "dataChannelsOpened": 1},
  {"id": "T01", "timestamp": 1795956315169.592, "type": "transport", "bytesReceived": 2482, "bytesSent": 2451, "dtlsCipher": "TLS_AES_128_GCM_SHA256", "dtlsRole": "server", "dtlsState": "connected", "iceLocalUsernameFragment": "OzQN", "iceRole": "controlling", "iceState": "connected", "packetsReceived": 12, "packetsSent": 14, "selectedCandidatePairChanges": 1, "selectedCandidatePairId": "CPvcSnWJux_9+1OKpoA", "srtpCipher": "SRTP_AES128_CM_HMAC_SHA1_80", "tlsVersion": "FEFC"},
]

/** Firefox: no `transport` entry; the pair in use is marked `selected`. */
export const FIREFOX_SELECTED_PAIR = [
  { id: 'a1', type: 'candidate-pair', timestamp: 1764417600000, localCandidateId: 'l1', remoteCandidateId: 'r1', state: 'succeeded', nominated: true, selected: true, currentRoundTripTime: 0.023, bytesSent: 5000, bytesReceived: 4800 },
  { id: 'l1', type: 'local-candidate', timestamp: 1764417600000, candidateType: 'srflx', address: '198.51.100.9', port: 40000, protocol: 'udp' },
  { id: 'r1', type: 'remote-candidate', timestamp: 1764417600000, candidateType: 'host', address: '192.0.2.10', port: 40001, protocol: 'udp' },
]
