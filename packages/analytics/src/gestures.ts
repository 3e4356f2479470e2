/** The gestures the Marco canvas knows. `GestureType` also accepts the app's own (see `gestures` option). */
export const GESTURE_TYPES = ['tap', 'double-tap', 'long-press', 'pan', 'pinch', 'rotate', 'swipe'] as const

/**
 * A built-in gesture, or one the app registers with the `gestures` option (`string & {}` keeps the
 * built-ins suggested by editors while allowing others).
 *
 * @example
 * const gesture: GestureType = 'pinch'
 */
export type GestureType = (typeof GESTURE_TYPES)[number] | (string & {})
