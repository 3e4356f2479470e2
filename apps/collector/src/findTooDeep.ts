/**
 * Finds where a parsed JSON value nests arrays and objects more than `maxDepth` levels (the value itself is
 * level 1): the JSON Pointer of the first container past the limit, or `undefined` when none is. Walks with
 * its own stack, never recursion, so a value nested 100,000 levels costs a loop, not the call stack.
 *
 * @example
 * findTooDeep({ a: [[1]] }, 2) // '/a/0'
 * findTooDeep({ a: [1] }, 2) // undefined
 */
export function findTooDeep(value: unknown, maxDepth: number): string | undefined {
  interface Entry {
    value: unknown
    depth: number
    key: string
    parent: Entry | undefined
  }
  const stack: Entry[] = [{ value, depth: 1, key: '', parent: undefined }]
  while (stack.length) {
    const entry = stack.pop()!
    if (entry.value === null || typeof entry.value !== 'object') continue
    if (entry.depth > maxDepth) return pointer(entry)
    const children = Array.isArray(entry.value) ? entry.value.entries() : Object.entries(entry.value)
    for (const [key, child] of children) {
      if (child !== null && typeof child === 'object')
        stack.push({ value: child, depth: entry.depth + 1, key: String(key), parent: entry })
    }
  }
  return undefined

  function pointer(entry: Entry): string {
    const keys: string[] = []
    for (let at: Entry | undefined = entry; at?.parent; at = at.parent)
      keys.push(at.key.replace(/~/g, '~0').replace(/\//g, '~1'))
    return `/${keys.reverse().join('/')}`
  }
}
