export { createFakeClock } from './createFakeClock'
export type { FakeClock } from './createFakeClock'
export { createFakeScope, createMemoryStorage } from './createFakeScope'
export type { FakeScope, FakeScopeOptions } from './createFakeScope'
export { createFakeSink } from './createFakeSink'
export type { FakeSink } from './createFakeSink'
export { createFakeContext } from './createFakeContext'
export type { FakeContext } from './createFakeContext'
export { createLockRegistry } from './createLockRegistry'
export type { FakeLockManager, LockRegistry } from './createLockRegistry'
export { startTestCollector } from './startTestCollector'
export type { TestCollector, CollectorReply, ReceivedBatch } from './startTestCollector'
export {
  launchChromium,
  bundleForBrowser,
  testPage,
  watchBackForwardCache,
  CHROMIUM_PATH,
  CHROMIUM_ARGS,
} from './chromium'
export type { BackForwardCacheWatch, LaunchedChromium, LaunchOptions } from './chromium'
export { startFileServer } from './startFileServer'
export type { FileServer, FileRoute } from './startFileServer'
export { createMemoryCaches } from './createMemoryCaches'
export type { MemoryCaches } from './createMemoryCaches'
export { createFakeObserver, createFakeRaf } from './createFakeFrames'
