// The chunk of the lazy-loading Chromium test: the crash reporter in a file of its own, which the page only
// reaches through `import()`.
export { CrashReporter } from '@marco/crash-reporter'
