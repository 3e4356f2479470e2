// A real IndexedDB implementation for Node tests (the browser tests use Chromium's own).
import 'fake-indexeddb/auto'
