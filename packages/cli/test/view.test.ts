// The live view: on a terminal a block redrawn in place (event lines scroll above it), elsewhere one plain
// line a second; both show elapsed time, req/s, failures by kind and a bar per version.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { ProgressSnapshot } from '@zdd/rollout'
import { LiveView } from '../src/view.ts'

const snapshot = (elapsedMs: number): ProgressSnapshot => ({
  elapsedMs,
  phase: 'step 1/3',
  total: 1000,
  ok: 997,
  failed: 3,
  failures: { reset: 3 },
  recentRps: 200,
  recentVersions: { v1: 150, v2: 50 },
})

function sink() {
  const chunks: string[] = []
  return { chunks, out: { write: (chunk: string) => chunks.push(chunk) > 0, columns: 120 } as never }
}

test('terminal: the block is redrawn in place, with a bar per version; events go above it', () => {
  const { chunks, out } = sink()
  const view = new LiveView(out, true)
  assert.equal(view.intervalMs, 200, 'several times a second')
  view.progress(snapshot(1000))
  view.progress(snapshot(1200))
  view.event({ tMs: 1300, type: 'canary-step', detail: '1 of 4 pods on v2' })
  const [first, second, third] = chunks
  assert.match(
    first ?? '',
    /^ +1\.0s {2}step 1\/3 +200 req\/s {3}sent 1000 {2}ok 997 {2}failed 3 \(reset=3\)\n/,
  )
  assert.match(first ?? '', /\n {8}v1 +█{30}░{10} +75% {2}150\/s\n {8}v2 +█{10}░{30} +25% {2}50\/s\n$/)
  assert.ok(second?.startsWith('\x1b[3F\x1b[J'), 'moves up over the 3 lines drawn and clears them')
  assert.ok(third?.startsWith('\x1b[3F\x1b[J'))
  assert.match(third?.slice(7) ?? '', /^ +1\.3s canary-step +1 of 4 pods on v2\n +1\.2s/)
})

test('not a terminal: one plain line a second, event lines as they come', () => {
  const { chunks, out } = sink()
  const view = new LiveView(out, false)
  for (const ms of [1000, 1200, 1400, 2000]) view.progress(snapshot(ms))
  view.event({ tMs: 2100, type: 'load-stopped' }) // not one of the events shown live
  view.event({ tMs: 2100, type: 'selector-switched', detail: 'catalog: color=blue → color=green' })
  assert.equal(chunks.length, 3)
  assert.ok(
    chunks.every((line) => !line.includes('\x1b')),
    'no escape codes in logs',
  )
  assert.match(chunks[0] ?? '', /failed 3 \(reset=3\) {2}v1 █{15}░{5} 75% {2}v2 █{5}░{15} 25%\n$/)
  assert.match(chunks[2] ?? '', /selector-switched catalog: color=blue → color=green/)
})

test('a feature switch: the share of answers with its behaviour gets its own bar and count', () => {
  const { chunks, out } = sink()
  const view = new LiveView(out, true)
  view.progress({ ...snapshot(3000), recentVersions: { v1: 200 }, recentMarks: { discount: 50 } })
  assert.match(chunks[0] ?? '', /\n {8}\+discount +█{10}░{30} +25% {2}50\/s with the new behaviour\n$/)
  const plain = sink()
  new LiveView(plain.out, false).progress({ ...snapshot(3000), recentMarks: { discount: 50 } })
  assert.match(plain.chunks[0] ?? '', / {2}\+discount 50\/s\n$/)
})
