import { spawn } from 'node:child_process'
import { ROOT } from './chromium.mjs'

/**
 * Runs `script --node-heap` in a child Node with `--expose-gc` (so the child can force full collections
 * between measurements) and returns the JSON it prints.
 */
export async function runNodeHeapChild(script) {
  const child = spawn(process.execPath, ['--expose-gc', script, '--node-heap'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let out = ''
  child.stdout.on('data', (chunk) => (out += chunk))
  const code = await new Promise((resolve, reject) => child.once('error', reject).once('close', resolve))
  if (code !== 0) throw new Error(`the Node heap child exited with ${code}`)
  return JSON.parse(out)
}

/** The page's used JS heap after three full collections (Chrome DevTools Protocol). */
export async function usedHeap(cdp) {
  for (let i = 0; i < 3; i++) await cdp.send('HeapProfiler.collectGarbage')
  return (await cdp.send('Runtime.getHeapUsage')).usedSize
}
