#!/usr/bin/env node
// The `marco-security` bin. All logic lives in main.ts so tests run it from source.
import process from 'node:process'
import { main } from './main'

process.exitCode = main(
  process.argv.slice(2),
  (text) => process.stdout.write(text),
  (text) => process.stderr.write(text),
)
